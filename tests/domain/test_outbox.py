"""The outbox: mail is written with the change that causes it and delivered later, through
a real SMTP server on loopback. An outage delays mail; it never loses or doubles it."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bureau.domain import jobs, notifications
from bureau.domain.cases import lifecycle, timeline
from bureau.extensions import db
from bureau.models import OutboxMessage, Status, utcnow
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry

pytest_plugins = ["tests.smtp"]

CITIZEN = {"name": "Мария Петрова", "email": "maria@example.test", "phone": "0888000111"}
NOTE = "ВЪТРЕШНО: съседът й е кмет, внимавай"
REPLY = "Имате право на отстъпка от данъка за сгради; подайте заявление до 30 юни."


@pytest.fixture
def app_config(stopped_smtp_server):
    """Mail goes to the loopback port; nothing listens there until `smtp` starts it."""
    return stopped_smtp_server.app_config()


@pytest.fixture
def smtp(stopped_smtp_server):
    return stopped_smtp_server.start()


@pytest.fixture
def people(app):
    return {"coordinator": make_coordinator(), "expert": make_expert()}


def pending() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def queue_assignments(people, count: int) -> list[str]:
    """`count` cases assigned to the expert: `count` messages to the expert, committed."""
    references = []
    for _ in range(count):
        case = make_inquiry()
        lifecycle.assign(case, expert_id=people["expert"].id, actor=people["coordinator"])
        references.append(case.reference)
    db.session.commit()
    return references


def resolve_with_note_and_reply(people, **inquiry_fields):
    case = move_to(make_inquiry(**inquiry_fields), Status.IN_PROGRESS, **people)
    timeline.add_note(case, body=NOTE, actor=people["expert"])
    timeline.set_public_reply(case, body=REPLY, actor=people["expert"])
    lifecycle.move(case, "resolved", actor=people["expert"], outcome="advice_given",
                           summary="Обяснихме облекчението.")  # fmt: skip
    db.session.commit()
    return case


# Writing to the outbox ----------------------------------------------------------------


def test_mail_is_written_in_the_transaction_of_the_change(people):
    references = queue_assignments(people, 1)
    [message] = pending()
    assert (message.to, message.status, message.attempts) == (people["expert"].email, "pending", 0)
    assert references[0] in message.subject
    assert message.body_html.lstrip().startswith("<!doctype html>")


def test_rolled_back_change_leaves_no_mail(people, smtp):
    case = make_inquiry()
    lifecycle.assign(case, expert_id=people["expert"].id, actor=people["coordinator"])
    db.session.rollback()
    assert pending() == []
    assert jobs.run().sent == 0
    assert smtp.messages == []


def test_no_address_queues_nothing(app):
    assert notifications.queue_email("", "overdue", {"case": None}) is None
    assert pending() == []


def test_each_message_is_bulgarian_text_and_html(people):
    queue_assignments(people, 1)
    [message] = pending()
    assert message.subject.startswith("Възложен ви е случай")
    assert "Здравейте" in message.body_text
    assert "Здравейте" in message.body_html
    assert "{{" not in message.body_text + message.body_html


# Back-off and claims ------------------------------------------------------------------


def test_each_failure_waits_longer_then_the_longest_wait_repeats_until_the_give_up_age(people):
    queue_assignments(people, 1)
    [message] = pending()
    now = message.created_at
    week = timedelta(days=7)
    waits = []
    for _ in range(len(notifications.BACKOFF_MINUTES) + 3):
        notifications.mark_failed(message, "connection refused", now, give_up_after=week)
        assert message.status == "pending"
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    steps = [timedelta(minutes=m) for m in notifications.BACKOFF_MINUTES]
    assert waits == steps + [steps[-1]] * 3
    notifications.mark_failed(message, "connection refused", message.created_at + week,
                              give_up_after=week)  # fmt: skip
    assert message.status == "failed"
    assert message.attempts == len(notifications.BACKOFF_MINUTES) + 4
    assert message.last_error == "connection refused"


def test_message_is_not_claimed_before_its_time(people):
    queue_assignments(people, 1)
    [message] = pending()
    now = utcnow()
    notifications.mark_failed(message, "down", now, give_up_after=timedelta(days=7))
    db.session.commit()
    assert notifications.claim_due(now + timedelta(seconds=59)) == []
    assert [m.id for m in notifications.claim_due(now + timedelta(minutes=1))] == [message.id]


def test_claimed_message_is_skipped_by_another_session_until_the_claim_expires(app, people):
    queue_assignments(people, 3)
    now = utcnow()
    first = [m.id for m in notifications.claim_due(now)]
    with app.app_context():  # another job: its own session
        second = [m.id for m in notifications.claim_due(now + timedelta(seconds=10))]
        later = [m.id for m in notifications.claim_due(now + timedelta(minutes=10))]
    assert len(first) == 3
    assert second == []
    assert later == first  # a job that died mid-way does not hold its mail forever


def test_message_claimed_between_listing_and_claiming_goes_to_one_job_only(
    app, people, monkeypatch
):
    """The race itself: job A has listed the due messages; before A claims any, job B
    (another session) claims them all. A must then get none of them."""
    queue_assignments(people, 4)
    now = utcnow()
    claimed_by_b: list[int] = []
    real_update = notifications.update

    def update_after_b_ran(*args, **kwargs):
        if not claimed_by_b:
            monkeypatch.setattr(notifications, "update", real_update)
            with app.app_context():
                claimed_by_b.extend(m.id for m in notifications.claim_due(now))
        return real_update(*args, **kwargs)

    monkeypatch.setattr(notifications, "update", update_after_b_ran)
    claimed_by_a = [m.id for m in notifications.claim_due(now)]
    assert len(claimed_by_b) == 4
    assert claimed_by_a == []


def test_two_sessions_claiming_at_once_never_share_a_message(app, people):
    queue_assignments(people, 20)
    now = utcnow()
    start = threading.Barrier(2)
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def claim(name: str) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                results[name] = [m.id for m in notifications.claim_due(now)]
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=claim, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert set(results["a"]).isdisjoint(results["b"])
    assert sorted(results["a"] + results["b"]) == [m.id for m in pending()]


# Delivery through the loopback SMTP server -------------------------------------------


def test_every_queued_message_arrives_exactly_once(people, smtp):
    references = queue_assignments(people, 3)
    report = jobs.run()
    assert (report.sent, report.failed) == (3, 0)
    received = smtp.messages
    assert sorted(m.subject.split()[-1] for m in received) == sorted(references)
    assert {m.header("X-Bureau-Message") for m in received} == {str(m.id) for m in pending()}
    assert all(m.recipients == [people["expert"].email] for m in received)
    assert all(m.mail_from == "bureau@kresna.test" for m in received)
    assert all(m.status == "sent" and m.sent_at and m.attempts == 1 for m in pending())


def test_two_runs_in_a_row_never_send_a_message_twice(people, smtp):
    queue_assignments(people, 2)
    assert jobs.run().sent == 2
    assert jobs.run().sent == 0
    queue_assignments(people, 1)
    assert jobs.run().sent == 1
    assert jobs.run(now=utcnow() + timedelta(days=2)).sent == 0
    ids = [m.header("X-Bureau-Message") for m in smtp.messages]
    assert len(ids) == len(set(ids)) == 3


def test_two_jobs_running_at_once_send_each_message_once(app, people, smtp):
    queue_assignments(people, 12)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run_job() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                jobs.run()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run_job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    ids = sorted(int(m.header("X-Bureau-Message")) for m in smtp.messages)
    assert ids == [m.id for m in pending()]
    assert all(m.status == "sent" and m.attempts == 1 for m in pending())


def test_smtp_outage_keeps_mail_queued_and_it_arrives_once_when_the_server_returns(
    people, stopped_smtp_server
):
    server = stopped_smtp_server
    queue_assignments(people, 3)
    outage = utcnow()

    report = jobs.run(now=outage)
    assert (report.sent, report.failed) == (0, 3)
    for message in pending():
        assert (message.status, message.attempts) == ("pending", 1)
        assert message.next_attempt_at > outage
        assert message.last_error

    # Still down a little later: the messages are not due yet, nothing is attempted.
    assert jobs.run(now=outage + timedelta(seconds=30)).failed == 0
    assert {m.attempts for m in pending()} == {1}

    server.start()
    assert jobs.run(now=outage + timedelta(seconds=30)).sent == 0  # still backing off
    report = jobs.run(now=outage + timedelta(minutes=2))
    assert (report.sent, report.failed) == (3, 0)
    assert jobs.run(now=outage + timedelta(hours=1)).sent == 0
    ids = [m.header("X-Bureau-Message") for m in server.messages]
    assert sorted(ids) == sorted(str(m.id) for m in pending())
    assert all(m.status == "sent" and m.attempts == 2 for m in pending())


def test_long_outage_backs_off_step_by_step_and_loses_nothing(people, stopped_smtp_server):
    queue_assignments(people, 1)
    clock = utcnow()
    for minutes in notifications.BACKOFF_MINUTES[:3]:
        assert jobs.run(now=clock).failed == 1
        clock += timedelta(minutes=minutes)
    [message] = pending()
    assert (message.status, message.attempts) == ("pending", 3)
    stopped_smtp_server.start()
    assert jobs.run(now=clock).sent == 1
    assert len(stopped_smtp_server.messages) == 1


# What each e-mail says, and to whom ---------------------------------------------------


def test_assignment_mail_goes_to_the_expert(people, smtp):
    [reference] = queue_assignments(people, 1)
    jobs.run()
    [received] = smtp.messages
    assert received.recipients == [people["expert"].email]
    assert reference in received.subject
    assert f"/cases/{reference}" in received.text
    assert people["expert"].name in received.text


def test_decline_mail_goes_to_the_coordinators_with_the_reason(people, smtp):
    other = make_coordinator()
    case = move_to(make_inquiry(), Status.ASSIGNED, **people)
    lifecycle.decline(case, actor=people["expert"], reason="Не е в моята област.")
    db.session.commit()
    jobs.run()
    declined = [m for m in smtp.messages if m.recipients != [people["expert"].email]]
    assert sorted(m.recipients[0] for m in declined) == sorted(
        [people["coordinator"].email, other.email]
    )
    for received in declined:
        assert case.reference in received.subject
        assert "Не е в моята област." in received.text
        assert "Не е в моята област." in received.html


def test_citizen_resolution_mail_carries_the_public_reply_and_never_the_internal_note(people, smtp):
    case = resolve_with_note_and_reply(people, citizen=CITIZEN)
    jobs.run()
    [received] = smtp.to(CITIZEN["email"])
    assert case.reference in received.subject
    assert REPLY in received.text
    assert REPLY in received.html
    for part in (received.subject, received.text, received.html):
        assert NOTE not in part
        assert "Обяснихме облекчението" not in part  # the internal summary stays inside
    assert f"ref={case.reference}" in received.text


def test_no_resolution_mail_without_an_address(people):
    resolve_with_note_and_reply(people, citizen={"name": "Без Имейл", "phone": "0888111222"})
    assert [m.to for m in pending()] == [people["expert"].email]


def test_no_resolution_mail_to_an_anonymous_citizen(people):
    resolve_with_note_and_reply(people)
    assert [m.to for m in pending()] == [people["expert"].email]


def test_no_resolution_mail_without_consent(people):
    case = move_to(make_inquiry(citizen=CITIZEN), Status.IN_PROGRESS, **people)
    case.citizen.consent_at = None  # consent withdrawn
    timeline.set_public_reply(case, body=REPLY, actor=people["expert"])
    lifecycle.move(case, "resolved", actor=people["expert"], outcome="advice_given",
                           summary="Готово.")  # fmt: skip
    db.session.commit()
    assert CITIZEN["email"] not in [m.to for m in pending()]


def test_other_status_changes_do_not_mail_the_citizen(people):
    case = move_to(make_inquiry(citizen=CITIZEN), Status.IN_PROGRESS, **people)
    lifecycle.move(case, "waiting", actor=people["expert"])
    lifecycle.move(case, "in_progress", actor=people["expert"])
    lifecycle.transition(case, "resolved", actor=people["expert"], outcome="advice_given",
                         summary="Без e-mail: не през workflow.")  # fmt: skip
    db.session.commit()
    assert CITIZEN["email"] not in [m.to for m in pending()]
