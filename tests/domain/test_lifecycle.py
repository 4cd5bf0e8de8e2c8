"""The case lifecycle: one table of transitions, who may make each, what each requires."""

import itertools
from datetime import date, timedelta

import pytest

from bureau.domain import DomainError
from bureau.domain.cases import lifecycle
from bureau.domain.cases.lifecycle import TRANSITIONS, StaleCase
from bureau.extensions import db
from bureau.models import EventKind, Outcome, Role, StatRecord, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user

LEGAL = sorted(
    TRANSITIONS, key=lambda pair: (list(Status).index(pair[0]), list(Status).index(pair[1]))
)
ILLEGAL = [pair for pair in itertools.product(Status, Status) if pair not in TRANSITIONS]
ROLE_GRANTS = [(pair, role) for pair in LEGAL for role in sorted(TRANSITIONS[pair].roles)]
ROLE_REFUSALS = [
    (pair, role) for pair in LEGAL for role in Role if role not in TRANSITIONS[pair].roles
]


def _pair_id(pair) -> str:
    return f"{pair[0].value}->{pair[1].value}"


@pytest.fixture
def people(app):
    office = make_office()
    return {"coordinator": make_coordinator(office), "expert": make_expert(office)}


def case_in(status, people, **fields):
    case = make_inquiry(**fields)
    return move_to(case, status, coordinator=people["coordinator"], expert=people["expert"])


def details_for(pair) -> dict:
    """What the rule of the pair asks for, filled in."""
    rule = TRANSITIONS[pair]
    details = {}
    if rule.needs_outcome:
        details.update(outcome=Outcome.ADVICE_GIVEN.value, summary="Обяснихме процедурата.")
    if rule.needs_reason:
        details["reason"] = "Гражданинът донесе нов документ."
    return details


def test_the_table_has_the_transitions_of_the_design():
    assert set(TRANSITIONS) == {
        (Status.NEW, Status.ASSIGNED),
        (Status.ASSIGNED, Status.NEW),
        (Status.ASSIGNED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.WAITING),
        (Status.WAITING, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.RESOLVED),
        (Status.WAITING, Status.RESOLVED),
        (Status.RESOLVED, Status.CLOSED),
        (Status.RESOLVED, Status.IN_PROGRESS),
        (Status.CLOSED, Status.IN_PROGRESS),
    }
    assert len(ILLEGAL) == 36 - len(TRANSITIONS)


@pytest.mark.parametrize(
    ("pair", "role"), ROLE_GRANTS, ids=[f"{_pair_id(p)}-{r.value}" for p, r in ROLE_GRANTS]
)
def test_every_legal_transition_succeeds_for_a_permitted_role(people, pair, role):
    source, to = pair
    case = case_in(source, people)
    events_before = len(case.events)
    actor = people[role.value]
    if pair == (Status.NEW, Status.ASSIGNED):
        lifecycle.assign(case, expert_id=people["expert"].id, actor=actor)
    else:
        lifecycle.transition(case, to, actor=actor, **details_for(pair))
    db.session.commit()
    assert case.status == to
    assert len(case.events) == events_before + 1
    assert db.session.query(StatRecord).filter_by(inquiry_id=case.id).one().status == to


@pytest.mark.parametrize(
    ("pair", "role"), ROLE_REFUSALS, ids=[f"{_pair_id(p)}-{r.value}" for p, r in ROLE_REFUSALS]
)
def test_legal_transition_is_refused_for_a_role_the_table_does_not_name(people, pair, role):
    source, to = pair
    case = case_in(source, people)
    actor = people.get(role.value) or make_user(role)
    with pytest.raises(DomainError) as refused:
        lifecycle.transition(case, to, actor=actor, **details_for(pair))
    assert refused.value.field == "to"
    assert case.status == source


@pytest.mark.parametrize("pair", ILLEGAL, ids=[_pair_id(p) for p in ILLEGAL])
def test_every_other_pair_of_statuses_is_refused_with_a_clear_message(people, pair):
    source, to = pair
    case = case_in(source, people)
    version = case.version
    for actor in (people["coordinator"], people["expert"]):
        with pytest.raises(DomainError) as refused:
            lifecycle.transition(
                case, to, actor=actor, outcome="advice_given", summary="Готово.", reason="Защо."
            )
        assert refused.value.field == "to"
        assert "не може да премине" in str(refused.value.message)
    db.session.commit()
    assert case.status == source
    assert case.version == version


def test_assigned_status_without_an_expert_is_refused(people):
    case = make_inquiry()
    with pytest.raises(DomainError):
        lifecycle.transition(case, Status.ASSIGNED, actor=people["coordinator"])
    assert case.status == Status.NEW
    assert case.expert_id is None


def test_expert_cannot_act_on_a_colleagues_case(people):
    colleague = make_expert(name="Колега Експертов")
    case = case_in(Status.ASSIGNED, people)
    with pytest.raises(DomainError):
        lifecycle.accept(case, actor=colleague)
    move_to(case, Status.IN_PROGRESS, coordinator=people["coordinator"], expert=people["expert"])
    for to in (Status.WAITING, Status.RESOLVED):
        with pytest.raises(DomainError):
            lifecycle.transition(
                case, to, actor=colleague, outcome="advice_given", summary="Готово."
            )
    assert case.status == Status.IN_PROGRESS


def test_coordinator_of_another_office_cannot_change_the_status(people):
    stranger = make_coordinator(make_office("STR"))
    case = case_in(Status.RESOLVED, people)
    with pytest.raises(DomainError):
        lifecycle.transition(case, Status.CLOSED, actor=stranger)
    for status in (Status.NEW, Status.ASSIGNED):
        case = case_in(status, people)
        with pytest.raises(DomainError):
            lifecycle.assign(case, expert_id=make_expert().id, actor=stranger)
        assert case.expert_id == (people["expert"].id if status == Status.ASSIGNED else None)


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"summary": "Обяснихме."}, "outcome"),
        ({"outcome": "solved_somehow", "summary": "Обяснихме."}, "outcome"),
        ({"outcome": "advice_given"}, "summary"),
        ({"outcome": "advice_given", "summary": "   "}, "summary"),
    ],
)
def test_resolve_requires_an_outcome_and_a_summary(people, details, field):
    case = case_in(Status.IN_PROGRESS, people)
    with pytest.raises(DomainError) as refused:
        lifecycle.transition(case, Status.RESOLVED, actor=people["expert"], **details)
    assert refused.value.field == field
    assert case.status == Status.IN_PROGRESS
    assert case.outcome is None


def test_resolving_records_outcome_summary_and_the_stat_record(people):
    case = case_in(Status.IN_PROGRESS, people)
    lifecycle.transition(case, Status.RESOLVED, actor=people["expert"],
                         outcome="document_drafted", summary="  Изготвихме жалба.  ")  # fmt: skip
    db.session.commit()
    assert (case.outcome, case.resolution_summary) == ("document_drafted", "Изготвихме жалба.")
    assert case.resolved_at is not None
    record = db.session.query(StatRecord).filter_by(inquiry_id=case.id).one()
    assert (record.status, record.outcome, record.affiliation) == (
        "resolved", "document_drafted", "ngo"
    )  # fmt: skip
    assert record.resolution_days == 0
    assert record.overdue is False


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_decline_requires_a_reason(people, reason):
    case = case_in(Status.ASSIGNED, people)
    with pytest.raises(DomainError) as refused:
        lifecycle.decline(case, actor=people["expert"], reason=reason)
    assert refused.value.field == "reason"
    assert case.status == Status.ASSIGNED
    assert case.expert_id == people["expert"].id


def test_decline_returns_the_case_to_new_and_clears_the_expert(people):
    case = case_in(Status.ASSIGNED, people)
    lifecycle.decline(case, actor=people["expert"], reason="Конфликт на интереси.")
    db.session.commit()
    assert case.status == Status.NEW
    assert case.expert_id is None
    last = case.events[-1]
    assert (last.kind, last.body, last.actor_id) == (
        EventKind.DECLINED, "Конфликт на интереси.", people["expert"].id
    )  # fmt: skip
    assert db.session.query(StatRecord).filter_by(inquiry_id=case.id).one().status == "new"


@pytest.mark.parametrize("source", [Status.RESOLVED, Status.CLOSED])
@pytest.mark.parametrize("reason", [None, " "])
def test_reopen_requires_a_reason(people, source, reason):
    case = case_in(source, people)
    with pytest.raises(DomainError) as refused:
        lifecycle.transition(case, Status.IN_PROGRESS, actor=people["coordinator"], reason=reason)
    assert refused.value.field == "reason"
    assert case.status == source


@pytest.mark.parametrize("source", [Status.RESOLVED, Status.CLOSED])
def test_reopen_keeps_the_history_and_clears_the_outcome(people, source):
    case = case_in(source, people)
    history = [(e.id, e.kind) for e in case.events]
    lifecycle.transition(case, Status.IN_PROGRESS, actor=people["coordinator"],
                         reason="Институцията не отговори.")  # fmt: skip
    db.session.commit()
    assert case.status == Status.IN_PROGRESS
    assert case.outcome is None
    assert case.resolved_at is None
    assert [(e.id, e.kind) for e in case.events][: len(history)] == history
    reopened = case.events[-1]
    assert reopened.data == {"from": source.value, "to": "in_progress"}
    assert reopened.body == "Институцията не отговори."
    record = db.session.query(StatRecord).filter_by(inquiry_id=case.id).one()
    assert (record.status, record.outcome, record.resolved_on) == ("in_progress", None, None)


def test_expert_cannot_reopen_or_close(people):
    case = case_in(Status.RESOLVED, people)
    for to in (Status.CLOSED, Status.IN_PROGRESS):
        with pytest.raises(DomainError):
            lifecycle.transition(case, to, actor=people["expert"], reason="Моля.")


def test_allowed_targets_are_the_buttons_each_role_gets(people):
    case = case_in(Status.IN_PROGRESS, people)
    assert set(lifecycle.allowed_targets(case, people["expert"])) == {
        Status.WAITING, Status.RESOLVED
    }  # fmt: skip
    lifecycle.transition(case, Status.RESOLVED, actor=people["expert"], outcome="referred",
                         summary="Насочен към НОИ.")  # fmt: skip
    assert lifecycle.allowed_targets(case, people["expert"]) == []
    assert set(lifecycle.allowed_targets(case, people["coordinator"])) == {
        Status.CLOSED, Status.IN_PROGRESS
    }  # fmt: skip


def test_every_change_raises_the_version(people):
    case = make_inquiry()
    versions = [case.version]
    steps = [
        lambda: lifecycle.assign(case, expert_id=people["expert"].id,
                                  actor=people["coordinator"]),
        lambda: lifecycle.accept(case, actor=people["expert"]),
        lambda: lifecycle.transition(case, Status.WAITING, actor=people["expert"]),
    ]  # fmt: skip
    for step in steps:
        step()
        db.session.commit()
        versions.append(case.version)
    assert versions == sorted(set(versions))  # strictly rising


def test_stale_version_is_refused_naming_who_changed_the_case(people):
    other = make_coordinator(name="Мария Координаторова")
    case = make_inquiry()
    seen = case.version
    lifecycle.assign(case, expert_id=people["expert"].id, actor=other)
    db.session.commit()
    with pytest.raises(StaleCase) as stale:
        lifecycle.transition(case, Status.NEW, actor=people["coordinator"],
                             reason="Грешка.", expected_version=seen)  # fmt: skip
    message = str(stale.value.message)
    assert "променен" in message
    assert "Мария Координаторова" in message
    assert case.status == Status.ASSIGNED


def test_stale_version_is_refused_by_assign_accept_and_decline(people):
    case = case_in(Status.ASSIGNED, people)
    stale = case.version - 1
    with pytest.raises(StaleCase):
        lifecycle.assign(case, expert_id=people["expert"].id,
                          actor=people["coordinator"], expected_version=stale)  # fmt: skip
    with pytest.raises(StaleCase):
        lifecycle.accept(case, actor=people["expert"], expected_version=stale)
    with pytest.raises(StaleCase):
        lifecycle.decline(case, actor=people["expert"], reason="Не.", expected_version=stale)
    assert case.status == Status.ASSIGNED


def test_current_version_is_accepted(people):
    case = case_in(Status.ASSIGNED, people)
    lifecycle.accept(case, actor=people["expert"], expected_version=case.version)
    assert case.status == Status.IN_PROGRESS


def test_is_overdue_only_for_open_running_cases_past_their_due_date(people):
    today = date(2026, 6, 10)
    case = case_in(Status.IN_PROGRESS, people)
    case.due_date = today - timedelta(days=1)
    assert lifecycle.is_overdue(case, today)
    assert not lifecycle.is_overdue(case, today - timedelta(days=1))
    case.status = Status.RESOLVED
    assert not lifecycle.is_overdue(case, today)


def test_waiting_on_the_citizen_is_not_overdue_where_the_category_stops_the_clock(people):
    today = date(2026, 6, 10)
    case = case_in(Status.WAITING, people)
    case.due_date = today - timedelta(days=1)
    assert lifecycle.is_overdue(case, today)  # local taxes: the clock runs while waiting
    case.category.pause_when_waiting = True
    assert not lifecycle.is_overdue(case, today)


def test_leaving_waiting_clears_the_pause_even_if_the_category_changed_meanwhile(people):
    case = case_in(Status.IN_PROGRESS, people)
    case.category.pause_when_waiting = True
    lifecycle.transition(case, Status.WAITING, actor=people["expert"], today=date(2026, 6, 1))
    assert case.waiting_since == date(2026, 6, 1)
    case.category.pause_when_waiting = False
    due = case.due_date
    lifecycle.transition(case, Status.IN_PROGRESS, actor=people["expert"], today=date(2026, 6, 9))
    assert case.waiting_since is None and case.due_date == due


def test_resolving_after_the_due_date_marks_the_stat_record_overdue(people):
    case = case_in(Status.IN_PROGRESS, people)
    case.due_date = date(2026, 6, 1)
    lifecycle.transition(case, Status.RESOLVED, actor=people["expert"], outcome="advice_given",
                         summary="Късно, но готово.", today=date(2026, 6, 3))  # fmt: skip
    db.session.commit()
    record = db.session.query(StatRecord).filter_by(inquiry_id=case.id).one()
    assert record.overdue is True
    assert record.resolved_on == date(2026, 6, 3)
