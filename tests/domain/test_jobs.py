"""`jobs run`: overdue reminders at most once a day per case, then delivery."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bureau.domain import clock, jobs
from bureau.domain.cases import lifecycle
from bureau.extensions import db
from bureau.models import OutboxMessage, StatRecord, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

pytest_plugins = ["tests.smtp"]

TODAY = date(2026, 6, 10)


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config()


@pytest.fixture
def people(app):
    office = make_office()
    return {
        "coordinator": make_coordinator(office),
        "second": make_coordinator(office),
        "expert": make_expert(office),
    }


def overdue_case(people, status=Status.IN_PROGRESS, due=TODAY - timedelta(days=1)):
    case = move_to(make_inquiry(), status, coordinator=people["coordinator"],
                   expert=people["expert"])  # fmt: skip
    case.due_date = due
    db.session.query(OutboxMessage).delete()  # the assignment's mail is not the subject here
    db.session.commit()
    return case


def reminders() -> list[str]:
    return sorted(
        m.to for m in db.session.scalars(select(OutboxMessage)) if "Просрочен" in m.subject
    )


def test_overdue_case_reminds_the_coordinators_and_the_expert(people):
    case = overdue_case(people)
    assert jobs.send_overdue_reminders(TODAY) == 1
    assert reminders() == sorted(
        [people["coordinator"].email, people["second"].email, people["expert"].email]
    )
    message = db.session.scalars(select(OutboxMessage)).first()
    assert case.reference in message.subject
    assert (TODAY - timedelta(days=1)).strftime("%d.%m.%Y") in message.body_text
    assert case.last_reminder_on == TODAY


def test_second_run_the_same_day_queues_nothing(people):
    overdue_case(people)
    assert jobs.send_overdue_reminders(TODAY) == 1
    assert jobs.send_overdue_reminders(TODAY) == 0
    assert len(reminders()) == 3


def test_next_day_the_reminder_goes_out_again(people):
    overdue_case(people)
    jobs.send_overdue_reminders(TODAY)
    assert jobs.send_overdue_reminders(TODAY + timedelta(days=1)) == 1
    assert len(reminders()) == 6


def test_unassigned_overdue_case_reminds_only_the_coordinators(people):
    case = make_inquiry()
    case.due_date = TODAY - timedelta(days=3)
    db.session.commit()
    assert jobs.send_overdue_reminders(TODAY) == 1
    assert reminders() == sorted([people["coordinator"].email, people["second"].email])


def test_coordinators_of_another_office_are_not_told(people):
    make_coordinator(make_office("STR"))
    overdue_case(people)
    jobs.send_overdue_reminders(TODAY)
    assert len(reminders()) == 3


@pytest.mark.parametrize(
    ("status", "due"),
    [
        (Status.IN_PROGRESS, TODAY),  # due today is not yet overdue
        (Status.IN_PROGRESS, TODAY + timedelta(days=5)),
        (Status.RESOLVED, TODAY - timedelta(days=5)),
        (Status.CLOSED, TODAY - timedelta(days=5)),
    ],
)
def test_cases_not_overdue_get_no_reminder(people, status, due):
    overdue_case(people, status=status, due=due)
    assert jobs.send_overdue_reminders(TODAY) == 0
    assert reminders() == []


def test_every_overdue_case_gets_its_own_reminder(people):
    cases = [overdue_case(people) for _ in range(3)]
    assert jobs.send_overdue_reminders(TODAY) == 3
    assert len(reminders()) == 9
    assert all(c.last_reminder_on == TODAY for c in cases)


def test_reminder_marks_the_stat_record_overdue(people):
    case = overdue_case(people)
    jobs.send_overdue_reminders(TODAY)
    assert db.session.query(StatRecord).filter_by(inquiry_id=case.id).one().overdue is True


def test_reminder_does_not_make_the_case_page_stale(people):
    """Someone editing an overdue case while cron runs must not get a false conflict."""
    case = overdue_case(people)
    seen = case.version
    jobs.send_overdue_reminders(TODAY)
    lifecycle.transition(case, Status.WAITING, actor=people["expert"], expected_version=seen)
    db.session.commit()
    assert case.status == Status.WAITING


def test_two_jobs_the_same_day_remind_once(app, people):
    overdue_case(people)
    assert jobs.send_overdue_reminders(TODAY) == 1
    with app.app_context():  # a second cron job on another host
        assert jobs.send_overdue_reminders(TODAY) == 0
    assert len(reminders()) == 3


def test_jobs_run_reminds_and_delivers(people, smtp_server):
    case = overdue_case(people)
    report = jobs.run(today=TODAY)
    assert (report.reminders, report.sent, report.failed) == (1, 3, 0)
    received = smtp_server.messages
    assert sorted(m.recipients[0] for m in received) == reminders()
    assert all(case.reference in m.subject for m in received)
    assert jobs.run(today=TODAY).sent == 0
    assert len(smtp_server.messages) == 3


def test_jobs_run_from_the_command_line(app, people, smtp_server):
    overdue_case(people, due=clock.sofia_today() - timedelta(days=1))  # the real today
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "mail sent 3" in result.output
    assert "reminders 1" in result.output
    assert len(smtp_server.messages) == 3
