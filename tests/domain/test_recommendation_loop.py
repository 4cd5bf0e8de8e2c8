"""From cases to change in the domain: evidence flagged and approved, action plans with
their reminders, and impact measured before and after a recommendation was accepted."""

from datetime import date

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, jobs, recommendations, settings
from bureau.domain.recommendations import Draft, evidence, plans
from bureau.domain.statistics import impact
from bureau.extensions import db
from bureau.models import Inquiry, OutboxMessage, Role
from tests.domain.test_statistics import log
from tests.factories import make_inquiry, make_office, make_user

VIGNETTE = (
    "Пенсионерка от селото чака решение за данъчна оценка повече от два месеца, а "
    "законовият срок е седем дни."
)


@pytest.fixture
def people(app):
    office = make_office()
    return {
        "office": office,
        "expert": make_user(Role.EXPERT, office=office),
        "coordinator": make_user(Role.COORDINATOR, office=office),
        "member": make_user(Role.COMMISSION, office=office),
    }


def flagged(people, vignette=VIGNETTE, **fields):
    case = make_inquiry(people["office"])
    draft = evidence.EvidenceDraft(
        problem=fields.get("problem", "term_exceeded"),
        category=fields.get("category", "local_taxes"),
        vignette=vignette,
    )
    item = evidence.flag(case, draft, actor=people["expert"])
    db.session.commit()
    return item


def test_an_item_waits_for_a_coordinator_and_only_approved_ones_reach_the_commission(people):
    item = flagged(people)
    office_id = people["office"].id
    assert item.state == "pending" and evidence.approved(office_id) == []
    evidence.approve(item, version=item.version, actor=people["coordinator"], checked=False)
    assert evidence.approved(office_id) == [item]
    assert evidence.approved(office_id, category="health") == []


def test_a_possible_name_must_be_looked_at_before_approval(people):
    item = flagged(people, VIGNETTE + " Помогна ѝ г-жа Петрова от съседния вход.")
    with pytest.raises(DomainError) as refused:
        evidence.approve(item, version=item.version, actor=people["coordinator"], checked=False)
    assert refused.value.field == "checked"
    assert item.state == "pending"
    evidence.approve(item, version=item.version, actor=people["coordinator"], checked=True)
    assert item.state == "approved"


@pytest.mark.parametrize(
    "datum", ["0888 123 456", "ivan@abv.bg", "ЕГН 7501020018", "KRS-2026-00042"]
)
def test_a_phone_e_mail_egn_or_reference_never_reaches_the_commission(people, datum):
    item = flagged(people, f"{VIGNETTE} Връзка: {datum}.")
    with pytest.raises(DomainError) as refused:
        evidence.approve(item, version=item.version, actor=people["coordinator"], checked=True)
    assert "телефон, имейл адрес, ЕГН" in str(refused.value.message)
    assert item.state == "pending" and evidence.approved(people["office"].id) == []


def test_a_returned_item_is_rewritten_by_its_author_and_waits_again(people):
    item = flagged(people)
    with pytest.raises(DomainError):
        evidence.reject(item, reason="  ", version=item.version, actor=people["coordinator"])
    evidence.reject(item, reason="Махнете селото.", version=item.version,
                    actor=people["coordinator"])  # fmt: skip
    assert (item.state, item.review_note) == ("rejected", "Махнете селото.")
    other = make_user(Role.EXPERT, office=people["office"])
    draft = evidence.EvidenceDraft("term_exceeded", "local_taxes", VIGNETTE + " Без селото.")
    with pytest.raises(DomainError):
        evidence.revise(item, draft, version=item.version, actor=other)
    evidence.revise(item, draft, version=item.version, actor=people["expert"])
    assert item.state == "pending" and item.vignette.endswith("Без селото.")
    with pytest.raises(DomainError):  # a stale page
        evidence.revise(item, draft, version=item.version - 1, actor=people["expert"])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"problem": "nope"}, "problem"),
        ({"category": "nope"}, "category"),
        ({"vignette": "Кратко."}, "vignette"),
        ({"vignette": "а" * 3001}, "vignette"),
        ({"service": "no-such-service"}, "service"),
    ],
)
def test_a_draft_is_refused_on_its_field(people, fields, field):
    case = make_inquiry(people["office"])
    values = {"problem": "fee", "category": "local_taxes", "vignette": VIGNETTE, **fields}
    with pytest.raises(DomainError) as refused:
        evidence.flag(case, evidence.EvidenceDraft(**values), actor=people["expert"])
    assert refused.value.field == field


def test_an_escalated_case_proposes_a_vignette_until_it_has_one(people):
    case = make_inquiry(people["office"])
    case.outcome = "escalated_to_commission"
    assert evidence.proposed(case)
    draft = evidence.EvidenceDraft("fee", "local_taxes", VIGNETTE)
    evidence.flag(case, draft, actor=people["expert"])
    assert not evidence.proposed(case)


def recommendation(people, *, accepted_on: date | None, categories=("local_taxes",), **draft):
    values = dict(
        title="Гише и следобед", text="Текст.", addressee="Кмет", categories=list(categories),
        evidence_from=date(2025, 1, 1), evidence_to=date(2025, 6, 1),
    )  # fmt: skip
    made = recommendations.create(people["office"], Draft(**{**values, **draft}),
                                  actor=people["member"])  # fmt: skip
    if accepted_on:
        for status, day in (("submitted", accepted_on), ("accepted", accepted_on)):
            recommendations.respond(made, status=status, on=day, text="Да.",
                                    version=made.version, actor=people["member"],
                                    today=date(2026, 11, 30))  # fmt: skip
    db.session.commit()
    return made


def test_only_approved_evidence_of_the_office_may_be_cited(people):
    item = flagged(people)
    with pytest.raises(DomainError) as refused:
        recommendation(people, accepted_on=None, evidence=[item.id])
    assert refused.value.field == "evidence"
    evidence.approve(item, version=item.version, actor=people["coordinator"], checked=True)
    made = recommendation(people, accepted_on=None, evidence=[item.id, item.id])
    assert made.evidence == [item]


def test_an_action_moves_by_its_table_and_a_drop_needs_a_reason(people):
    made = recommendation(people, accepted_on=date(2026, 1, 15))
    draft = plans.ActionDraft("Списък онлайн", "Дирекция МДТ", date(2026, 3, 1))
    action = plans.add_action(made, draft, actor=people["member"])
    today = date(2026, 11, 30)
    with pytest.raises(DomainError):
        plans.move(action, status="dropped", on=today, version=action.version, today=today)
    plans.move(action, status="in_progress", on=today, version=action.version, today=today)
    db.session.flush()
    with pytest.raises(DomainError):  # not a move the table has
        plans.move(action, status="planned", on=today, version=action.version, today=today)
    plans.move(action, status="done", on=date(2026, 4, 1), version=action.version, today=today)
    assert (action.status, action.done_on) == ("done", date(2026, 4, 1))
    draft = recommendation(people, accepted_on=None)
    with pytest.raises(DomainError):
        plans.add_action(draft, plans.ActionDraft("x", "y", date(2026, 3, 1)),
                         actor=people["member"])  # fmt: skip


def test_overdue_actions_are_the_open_ones_past_their_date(people):
    made = recommendation(people, accepted_on=date(2026, 1, 15))
    late = plans.add_action(made, plans.ActionDraft("А", "Б", date(2026, 6, 1)),
                            actor=people["member"])  # fmt: skip
    done = plans.add_action(made, plans.ActionDraft("В", "Г", date(2026, 5, 1)),
                            actor=people["member"])  # fmt: skip
    plans.add_action(made, plans.ActionDraft("Д", "Е", date(2027, 1, 1)), actor=people["member"])
    today = date(2026, 11, 30)
    plans.move(done, status="done", on=today, version=done.version, today=today)
    assert plans.overdue_actions(people["office"].id, today) == [late]


def test_a_due_review_is_reminded_once_to_the_secretary(people):
    secretary = make_user(Role.COMMISSION, office=people["office"])
    secretary.commission_secretary = True
    made = recommendation(people, accepted_on=date(2026, 1, 15))
    plans.add_action(made, plans.ActionDraft("А", "Б", date(2026, 6, 1)), actor=people["member"])
    db.session.commit()
    assert plans.next_review(made) == date(2026, 7, 15)
    assert plans.remind_reviews(date(2026, 7, 14)) == 0
    assert plans.remind_reviews(date(2026, 7, 15)) == 1
    assert plans.remind_reviews(date(2026, 8, 1)) == 0  # the same due review: once
    sent = reminders()
    assert [m.to for m in sent] == [secretary.email]
    assert "Гише и следобед" in sent[0].subject
    plans.record_review(made, text="Прегледан.", on=date(2026, 8, 2), actor=people["member"],
                        today=date(2026, 8, 2))  # fmt: skip
    db.session.commit()
    assert plans.next_review(made) == date(2027, 2, 2)
    assert plans.remind_reviews(date(2027, 2, 2)) == 1  # the next one, once again
    jobs.run(today=date(2027, 2, 3))  # the cron job: nothing more for the same review
    assert len(reminders()) == 2


def reminders() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.subject.like("Преглед на плана%"))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_a_plan_with_no_open_action_is_not_reviewed(people):
    made = recommendation(people, accepted_on=date(2026, 1, 15))
    assert plans.next_review(made) is None  # no action yet
    action = plans.add_action(made, plans.ActionDraft("А", "Б", date(2026, 6, 1)),
                              actor=people["member"])  # fmt: skip
    plans.move(action, status="dropped", reason="Няма бюджет.", on=date(2026, 2, 1),
               version=action.version, today=date(2026, 2, 1))  # fmt: skip
    assert plans.next_review(made) is None


def test_impact_compares_equal_windows_before_and_after_acceptance(people):
    office = people["office"]
    log(12, on=date(2025, 10, 5), office=office)  # before: Aug 2025 – Jan 2026
    log(6, on=date(2026, 1, 20), office=office)
    log(7, on=date(2026, 2, 10), office=office)  # the month of acceptance: neither
    log(9, on=date(2026, 5, 3), office=office)  # after: Mar – Aug 2026
    log(3, on=date(2026, 10, 1), office=office)  # beyond the window
    made = recommendation(people, accepted_on=date(2026, 2, 14))
    measured = impact.measure(made, k=5, today=date(2026, 11, 30))
    assert measured.months == 6
    assert (measured.before.start, measured.before.end) == (date(2025, 8, 1), date(2026, 2, 1))
    assert (measured.after.start, measured.after.end) == (date(2026, 3, 1), date(2026, 9, 1))
    inquiries = next(i for i in measured.indicators if i.key == "inquiries")
    assert (inquiries.before, inquiries.after, inquiries.direction) == (18, 9, "better")
    text = impact.reading(inquiries, "Местни данъци", measured.months)
    assert text == "По-малко запитвания за „Местни данъци“: 18 → 9 за 6 месеца."
    per_1000 = next(i for i in measured.indicators if i.key == "per_1000")
    assert per_1000.before > per_1000.after > 0


def test_impact_hides_small_counts_and_cautions_about_short_windows(people):
    office = people["office"]
    log(3, on=date(2026, 8, 5), office=office)  # before: August
    log(8, on=date(2026, 11, 2), office=office)  # November is not over: in no window
    made = recommendation(people, accepted_on=date(2026, 9, 20))
    measured = impact.measure(made, k=5, today=date(2026, 11, 30))
    assert measured.months == 1  # only October is over
    inquiries = next(i for i in measured.indicators if i.key == "inquiries")
    assert inquiries.after == 0 and inquiries.before is None  # 3 is under k: hidden
    assert inquiries.direction is None
    assert impact.reading(inquiries, "X", 1) is None
    assert any("1 месеца" in c for c in measured.cautions)
    assert any("по-малко от 5" in c for c in measured.cautions)


def test_impact_waits_for_a_whole_month_and_for_acceptance(people):
    not_yet = recommendation(people, accepted_on=date(2026, 11, 3))
    measured = impact.measure(not_yet, k=5, today=date(2026, 11, 30))
    assert measured.before is None and measured.indicators == []
    assert "01.01.2027" in measured.cautions[0]
    draft = recommendation(people, accepted_on=None)
    assert impact.measure(draft, k=5, today=date(2026, 11, 30)).indicators == []


def test_the_window_is_a_setting(people, app):
    made = recommendation(people, accepted_on=date(2025, 2, 14))
    with settings.use(settings.Settings(secret_key="x", impact_window_months=3)):
        measured = impact.measure(made, k=5, today=date(2026, 11, 30))
    assert measured.months == 3
    assert (measured.before.start, measured.after.end) == (date(2024, 11, 1), date(2025, 6, 1))


def test_erasure_removes_waiting_vignettes_and_cuts_approved_ones_from_the_case(people):
    from bureau.domain import privacy
    from bureau.models import EvidenceItem

    waiting = flagged(people)
    approved = flagged(people)
    evidence.approve(approved, version=approved.version, actor=people["coordinator"],
                     checked=True)  # fmt: skip
    for item in (waiting, approved):
        privacy.anonymise_case(db.session.get(Inquiry, item.inquiry_id), reason="test")
    db.session.commit()
    left = db.session.scalars(select(EvidenceItem)).all()
    assert [(i.id, i.inquiry_id, i.vignette) for i in left] == [(approved.id, None, VIGNETTE)]
