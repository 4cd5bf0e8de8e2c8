"""Routing: experts ranked by expertise, load against capacity, leave and affiliation."""

from datetime import date, timedelta

import pytest

from bureau.domain import DomainError
from bureau.domain.cases import lifecycle, routing
from bureau.extensions import db
from bureau.models import EventKind, OutboxMessage, Role, StatRecord, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user

TODAY = date(2026, 6, 10)


@pytest.fixture
def coordinator(app):
    return make_coordinator()


def names(candidates) -> list[str]:
    return [c.expert.name for c in candidates]


def give_open_cases(expert, coordinator, count: int) -> None:
    for _ in range(count):
        lifecycle.assign(make_inquiry(), expert_id=expert.id, actor=coordinator)
    db.session.commit()


def test_expertise_in_the_category_ranks_first(coordinator):
    make_expert(name="А Общ", categories=["health"], capacity=40)
    specialist = make_expert(name="Б Данъчен", categories=["local_taxes"], capacity=3)
    give_open_cases(specialist, coordinator, 2)
    ranked = routing.rank_experts(make_inquiry(category="local_taxes"), TODAY)
    assert names(ranked) == ["Б Данъчен", "А Общ"]
    assert all(c.eligible for c in ranked)
    assert "експертиза" in " ".join(ranked[0].reasons)


def test_less_loaded_expert_ranks_first_among_equals(coordinator):
    busy = make_expert(name="А Зает", capacity=10)
    make_expert(name="Б Свободен", capacity=10)
    give_open_cases(busy, coordinator, 3)
    ranked = routing.rank_experts(make_inquiry(), TODAY)
    assert names(ranked) == ["Б Свободен", "А Зает"]
    assert [c.open_cases for c in ranked] == [0, 3]
    assert ranked[1].load == "3/10"


def test_resolved_and_closed_cases_do_not_count_as_load(coordinator):
    expert = make_expert(capacity=1)
    case = move_to(make_inquiry(), Status.CLOSED, coordinator=coordinator, expert=expert)
    assert case.status == Status.CLOSED
    assert routing.open_loads(expert.office_id) == {}
    assert routing.rank_experts(make_inquiry(), TODAY)[0].eligible


def test_expert_at_capacity_is_ineligible(coordinator):
    full = make_expert(name="А Пълен", capacity=2)
    make_expert(name="Б Без експертиза", categories=["health"], capacity=5)
    give_open_cases(full, coordinator, 2)
    ranked = routing.rank_experts(make_inquiry(), TODAY)
    assert names(ranked) == ["Б Без експертиза", "А Пълен"]
    assert ranked[1].eligible is False
    assert "капацитет" in " ".join(ranked[1].reasons)


def test_expert_with_zero_capacity_is_ineligible(coordinator):
    make_expert(capacity=0)
    assert not routing.rank_experts(make_inquiry(), TODAY)[0].eligible


def test_expert_on_leave_is_ineligible_until_the_leave_ends(coordinator):
    make_expert(name="В Отпуска", on_leave_until=TODAY)
    on_leave = routing.rank_experts(make_inquiry(), TODAY)[0]
    assert on_leave.eligible is False
    assert "отпуск" in " ".join(on_leave.reasons)
    back = routing.rank_experts(make_inquiry(), TODAY + timedelta(days=1))[0]
    assert back.eligible is True


def test_eligible_experts_rank_before_ineligible_ones_whatever_the_score(coordinator):
    make_expert(name="А Експерт в отпуск", capacity=50, on_leave_until=TODAY + timedelta(days=9))
    make_expert(name="Б Без експертиза", categories=["health"], capacity=1)
    ranked = routing.rank_experts(make_inquiry(), TODAY)
    assert names(ranked) == ["Б Без експертиза", "А Експерт в отпуск"]
    assert ranked[0].score < ranked[1].score


def test_category_that_needs_a_municipal_expert_makes_ngo_experts_ineligible(coordinator):
    make_expert(name="А НПО", affiliation="ngo", categories=["admin_complaint"], capacity=50)
    make_expert(name="Б Общински", affiliation="municipal", categories=[], capacity=1)
    ranked = routing.rank_experts(make_inquiry(category="admin_complaint"), TODAY)
    assert names(ranked) == ["Б Общински", "А НПО"]
    assert [c.eligible for c in ranked] == [True, False]
    assert "общински" in " ".join(ranked[1].reasons)


def test_ngo_expert_is_eligible_where_the_category_does_not_ask(coordinator):
    make_expert(affiliation="ngo")
    assert routing.rank_experts(make_inquiry(category="local_taxes"), TODAY)[0].eligible


def test_assign_refuses_an_ngo_expert_for_a_municipal_category(coordinator):
    ngo = make_expert(affiliation="ngo", categories=["admin_complaint"])
    case = make_inquiry(category="admin_complaint")
    with pytest.raises(DomainError) as refused:
        lifecycle.assign(case, expert_id=ngo.id, actor=coordinator)
    assert refused.value.field == "expert"
    assert "общински" in str(refused.value.message)
    assert (case.status, case.expert_id) == (Status.NEW, None)
    municipal = make_expert(affiliation="municipal")
    lifecycle.assign(case, expert_id=municipal.id, actor=coordinator)
    assert case.expert_id == municipal.id


def test_only_active_experts_of_the_office_are_ranked(coordinator):
    make_expert(name="А Тук")
    make_expert(make_office("STR"), name="Б Другаде")
    gone = make_expert(name="В Напуснал")
    gone.active = False
    make_user(Role.DESK, name="Г Гише")
    db.session.commit()
    assert names(routing.rank_experts(make_inquiry(), TODAY)) == ["А Тук"]


def test_auto_assign_picks_the_best_eligible_expert(coordinator):
    make_expert(name="А Пълен", capacity=0)
    make_expert(name="Б Без експертиза", categories=["health"])
    best = make_expert(name="В Данъчен", categories=["local_taxes"])
    case = make_inquiry()
    event = lifecycle.auto_assign(case, coordinator)
    db.session.commit()
    assert (case.status, case.expert_id) == (Status.ASSIGNED, best.id)
    assert event.kind == EventKind.ASSIGNED
    assert event.data["auto"] is True
    assert [m.to for m in db.session.query(OutboxMessage)] == [best.email]


def test_auto_assign_assigns_nobody_when_no_expert_is_eligible(coordinator):
    make_expert(on_leave_until=date(2099, 1, 1))
    make_expert(affiliation="ngo", categories=["admin_complaint"])
    case = make_inquiry(category="admin_complaint")
    assert lifecycle.auto_assign(case, coordinator) is None
    db.session.commit()
    assert (case.status, case.expert_id) == (Status.NEW, None)
    assert db.session.query(OutboxMessage).count() == 0


def test_assign_records_the_event_the_stat_record_and_mails_the_expert(coordinator):
    expert = make_expert(affiliation="municipal")
    case = make_inquiry()
    event = lifecycle.assign(case, expert_id=expert.id, actor=coordinator)
    db.session.commit()
    assert (case.status, case.expert_id) == (Status.ASSIGNED, expert.id)
    assert (event.kind, event.actor_id, event.data["expert"]) == (
        EventKind.ASSIGNED, coordinator.id, expert.name
    )  # fmt: skip
    record = db.session.query(StatRecord).filter_by(inquiry_id=case.id).one()
    assert (record.status, record.affiliation) == ("assigned", "municipal")
    message = db.session.query(OutboxMessage).one()
    assert message.to == expert.email
    assert case.reference in message.subject
    assert f"/cases/{case.reference}" in message.body_text


def test_reassignment_keeps_the_history(coordinator):
    first, second = make_expert(name="Първи"), make_expert(name="Втори")
    case = make_inquiry()
    lifecycle.assign(case, expert_id=first.id, actor=coordinator)
    lifecycle.assign(case, expert_id=second.id, actor=coordinator)
    db.session.commit()
    assigned = [e for e in case.events if e.kind == EventKind.ASSIGNED]
    assert [e.data["expert"] for e in assigned] == ["Първи", "Втори"]
    assert assigned[1].data["previous"] == "Първи"
    assert case.expert_id == second.id
    assert sorted(m.to for m in db.session.query(OutboxMessage)) == sorted(
        [first.email, second.email]
    )


@pytest.mark.parametrize("role", [Role.DESK, Role.EXPERT, Role.COMMISSION])
def test_only_a_coordinator_assigns(coordinator, role):
    expert = make_expert()
    actor = expert if role == Role.EXPERT else make_user(role)
    case = make_inquiry()
    with pytest.raises(DomainError):
        lifecycle.assign(case, expert_id=expert.id, actor=actor)
    assert case.expert_id is None


def test_assign_refuses_someone_who_is_not_an_expert_of_the_office(coordinator):
    case = make_inquiry()
    for other in (make_user(Role.DESK), make_expert(make_office("STR")), coordinator):
        with pytest.raises(DomainError) as refused:
            lifecycle.assign(case, expert_id=other.id, actor=coordinator)
        assert refused.value.field == "expert"
    with pytest.raises(DomainError):
        lifecycle.assign(case, expert_id=987654, actor=coordinator)
    assert case.status == Status.NEW


def test_a_case_in_progress_cannot_be_reassigned_without_returning_it(coordinator):
    expert = make_expert()
    case = move_to(make_inquiry(), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    with pytest.raises(DomainError):
        lifecycle.assign(case, expert_id=make_expert().id, actor=coordinator)
    assert case.expert_id == expert.id


def test_accept_moves_to_in_progress_and_records_who(coordinator):
    expert = make_expert()
    case = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=expert)
    event = lifecycle.accept(case, actor=expert)
    db.session.commit()
    assert case.status == Status.IN_PROGRESS
    assert case.accepted_at is not None
    assert (event.kind, event.actor_id) == (EventKind.ACCEPTED, expert.id)


def test_decline_mails_every_active_coordinator_of_the_office(coordinator):
    second = make_coordinator()
    retired = make_coordinator()
    retired.active = False
    make_coordinator(make_office("STR"))
    expert = make_expert(name="Петя Експертова")
    case = move_to(make_inquiry(), Status.ASSIGNED, coordinator=coordinator, expert=expert)
    db.session.query(OutboxMessage).delete()
    lifecycle.decline(case, actor=expert, reason="Познавам гражданина лично.")
    db.session.commit()
    messages = db.session.query(OutboxMessage).all()
    assert sorted(m.to for m in messages) == sorted([coordinator.email, second.email])
    for message in messages:
        assert case.reference in message.subject
        assert "Познавам гражданина лично." in message.body_text
        assert "Петя Експертова" in message.body_text
