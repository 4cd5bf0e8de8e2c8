"""No lost update when two coordinators assign the same case at the same moment.

Real concurrency needs real row locks: these tests run on PostgreSQL only (set
BUREAU_TEST_DATABASE_URL=postgresql://...). SQLite serialises every writer, so there
the race cannot happen and the tests are skipped.
"""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from bureau.domain import jobs
from bureau.domain.answers import library
from bureau.domain.cases import lifecycle
from bureau.domain.cases.lifecycle import StaleCase
from bureau.domain.clock import sofia_today
from bureau.extensions import db
from bureau.models import Event, EventKind, Inquiry, OutboxMessage, Status, User
from tests.casework import make_coordinator, make_expert, move_to, page_version, signed_in
from tests.factories import make_answer, make_inquiry, make_office


@pytest.fixture(autouse=True)
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "lost-update test needs PostgreSQL row locks; "
            "set BUREAU_TEST_DATABASE_URL=postgresql://... to run it"
        )


def run_together(app, *actions, timeout: float = 30):
    """Run each action in its own thread and app context (its own session and
    connection), released at the same moment. Returns each action's result or error."""
    start = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def worker(index, action):
        with app.app_context():
            try:
                results[index] = action(start)
                db.session.commit()
            except BaseException as error:  # the loser's error is the point of the test
                db.session.rollback()
                results[index] = error

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a worker hung: a lock was never released"
    return results


def test_two_coordinators_assigning_at_once_lose_no_update(app):
    office = make_office()
    first, second = make_coordinator(office), make_coordinator(office)
    experts = [make_expert(office, name="Първа Експертка"), make_expert(office, name="Втори")]
    case_id = make_inquiry(office).id
    ids = {"coordinators": [first.id, second.id], "experts": [e.id for e in experts]}

    def assign(index):
        def action(start):
            case = db.session.get(Inquiry, case_id)
            seen = case.version
            actor = db.session.get(User, ids["coordinators"][index])
            start.wait(timeout=10)  # both have loaded the same version of the case
            lifecycle.assign(case, expert_id=ids["experts"][index], actor=actor,
                              expected_version=seen)  # fmt: skip
            db.session.flush()
            return ids["experts"][index]

        return action

    results = run_together(app, assign(0), assign(1))

    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], StaleCase | StaleDataError), losers
    db.session.expire_all()
    case = db.session.get(Inquiry, case_id)
    assert (case.status, case.expert_id) == (Status.ASSIGNED, winners[0])
    assigned = db.session.scalars(
        select(Event).where(Event.inquiry_id == case_id, Event.kind == EventKind.ASSIGNED)
    ).all()
    assert [e.data["expert_id"] for e in assigned] == [case.expert_id]
    winner_email = db.session.get(User, winners[0]).email
    assert [m.to for m in db.session.scalars(select(OutboxMessage))] == [winner_email]


def test_repeated_races_always_have_exactly_one_winner(app):
    office = make_office()
    coordinator = make_coordinator(office)
    experts = [make_expert(office).id, make_expert(office).id]
    for _ in range(5):
        case_id = make_inquiry(office).id

        def action_for(expert_id, case_id=case_id):
            def action(start):
                case = db.session.get(Inquiry, case_id)
                actor = db.session.get(User, coordinator.id)
                start.wait(timeout=10)
                lifecycle.assign(case, expert_id=expert_id, actor=actor,
                                  expected_version=case.version)  # fmt: skip
                db.session.flush()
                return expert_id

            return action

        results = run_together(app, action_for(experts[0]), action_for(experts[1]))
        assert sum(isinstance(r, int) for r in results) == 1, results
        db.session.expire_all()
        case = db.session.get(Inquiry, case_id)
        winner = next(r for r in results if isinstance(r, int))
        assert case.expert_id == winner
        assert case.events[-1].data["expert_id"] == winner


def test_two_coordinators_posting_at_once_get_one_success_and_one_conflict(app):
    office = make_office()
    coordinators = [make_coordinator(office), make_coordinator(office)]
    experts = [make_expert(office), make_expert(office)]
    case = make_inquiry(office)
    browsers = [signed_in(app, c) for c in coordinators]
    versions = [page_version(b.get(f"/cases/{case.reference}").text) for b in browsers]
    reference = case.reference

    def post(index):
        def action(start):
            start.wait(timeout=10)
            return browsers[index].post(f"/cases/{reference}/assign", data={
                "expert": experts[index].id, "version": versions[index]}).status_code  # fmt: skip

        return action

    statuses = sorted(run_together(app, post(0), post(1)))
    assert statuses == [303, 409]
    db.session.expire_all()
    case = db.session.get(Inquiry, case.id)
    assert case.expert_id in {e.id for e in experts}
    assert case.events[-1].data["expert_id"] == case.expert_id
    assert db.session.query(OutboxMessage).count() == 1


def test_two_reminder_jobs_at_once_remind_once(app):
    office = make_office()
    coordinator, expert = make_coordinator(office), make_expert(office)
    case = move_to(make_inquiry(office), Status.IN_PROGRESS, coordinator=coordinator,
                   expert=expert)  # fmt: skip
    case.due_date = date(2026, 6, 1)
    db.session.query(OutboxMessage).delete()
    db.session.commit()
    today = date(2026, 6, 1) + timedelta(days=9)

    def remind(start):
        start.wait(timeout=10)
        return jobs.send_overdue_reminders(today)

    assert sorted(run_together(app, remind, remind)) == [0, 1]
    assert db.session.query(OutboxMessage).count() == 2  # the coordinator and the expert


def test_two_jobs_at_once_remind_the_owner_of_a_stale_answer_once(app):
    today = sofia_today()
    answer = make_answer(make_office())
    answer.review_by = today - timedelta(days=1)
    db.session.query(OutboxMessage).delete()
    db.session.commit()

    def remind(start):
        start.wait(timeout=10)
        return library.remind_owners(today)

    assert sorted(run_together(app, remind, remind)) == [0, 1]
    assert db.session.query(OutboxMessage).count() == 1
