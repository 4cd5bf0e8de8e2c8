"""A referral's workflow: the steps and who makes them, the institution's one link
(expiry, revocation, use after the outcome, guessing), reminders, statistics."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, clock, referrals, settings
from bureau.domain.cases import deadlines, timeline
from bureau.domain.referrals import institutions
from bureau.domain.referrals.workflow import INSTITUTION, SYSTEM
from bureau.domain.statistics import referrals as referral_stats
from bureau.extensions import db
from bureau.models import (
    AuditEntry,
    EventKind,
    Institution,
    OutboxMessage,
    Referral,
    ReferralRecord,
    Role,
    Status,
    utcnow,
)
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user

SUMMARY = "Гражданинът търси помощ за преизчисляване на пенсия; съгласен е да споделим това."
NOTE = "Вътрешно: звучи притеснен, съседът му се обажда."


@pytest.fixture
def people(app):
    office = make_office()
    return {"coordinator": make_coordinator(office), "expert": make_expert(office)}


@pytest.fixture
def case(people):
    citizen = {"name": "Иван Иванов", "phone": "0888123456", "email": "ivan@example.test"}
    return move_to(make_inquiry(citizen=citizen), Status.IN_PROGRESS, **people)


@pytest.fixture
def noi(people):
    office = make_office()
    found = db.session.scalar(
        select(Institution).where(Institution.office_id == office.id, Institution.code == "noi")
    )
    found.email = "noi-blagoevgrad@example.test"
    db.session.commit()
    return found


def refer(case, noi, people) -> tuple[Referral, str]:
    referral = timeline.refer(
        case, institution_id=noi.id, note=NOTE, summary=SUMMARY, consent=True,
        actor=people["expert"],
    )  # fmt: skip
    db.session.commit()
    return referral, last_token(noi.email)


def last_token(address: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == address).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"/r/([A-Za-z0-9_-]+)", message.body_text).group(1)


def test_the_steps_table_names_who_makes_each_step():
    by = {name: step.by for name, step in referrals.STEPS.items()}
    assert by == {"acknowledge": INSTITUTION, "accept": INSTITUTION, "decline": INSTITUTION,
                  "report": INSTITUTION, "no_answer": SYSTEM}  # fmt: skip
    targets = {step.target for step in referrals.STEPS.values()}
    assert targets | {"sent"} == set(referrals.STATES)


def test_a_referral_sends_the_institution_a_link_whose_token_is_kept_only_hashed(case, noi, people):
    referral, token = refer(case, noi, people)
    assert referral.state == "sent" and referral.summary == SUMMARY
    assert referral.token_hash and token not in referral.token_hash
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == noi.email)).one()
    assert NOTE not in message.body_text and "0888123456" not in message.body_text
    assert referrals.by_link(token) == referral
    assert referral.record.institution == "noi" and referral.record.state == "sent"


def test_a_referral_needs_a_summary_for_the_institution(case, noi, people):
    with pytest.raises(DomainError) as refused:
        timeline.refer(case, institution_id=noi.id, note=NOTE, summary="  ", consent=True,
                       actor=people["expert"])  # fmt: skip
    assert refused.value.field == "summary"


def test_the_whole_way_to_the_outcome(case, noi, people):
    referral, token = refer(case, noi, people)
    referrals.take_step(token, "acknowledge")
    referrals.take_step(token, "accept")
    referrals.take_step(token, "report", outcome="Пенсията е преизчислена.", result="resolved")
    db.session.commit()
    assert referral.state == "outcome_reported" and referral.result == "resolved"
    steps = [e.data["step"] for e in case.events if e.kind == EventKind.REFERRAL_STEP]
    assert steps == ["acknowledge", "accept", "report"]
    to_expert = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == people["expert"].email)
    ).all()
    assert len([m for m in to_expert if "НОИ" in m.subject or "noi" in m.subject.lower()]) >= 3
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"referral.acknowledge", "referral.accept", "referral.report"} <= actions
    assert referral.record.state == "outcome_reported" and referral.record.result == "resolved"
    assert referral.record.ack_days == 0 and referral.record.outcome_days == 0
    with pytest.raises(referrals.LinkGone):  # used up: the same answer as a wrong token
        referrals.by_link(token)


@pytest.mark.parametrize(
    ("done", "step"),
    [([], "accept"), ([], "report"), (["acknowledge"], "report"),
     (["acknowledge"], "acknowledge"), (["acknowledge", "accept"], "decline")],
)  # fmt: skip
def test_steps_out_of_order_are_refused(case, noi, people, done, step):
    referral, token = refer(case, noi, people)
    for earlier in done:
        referrals.take_step(token, earlier)
    with pytest.raises(DomainError):
        referrals.take_step(token, step, reason="x", outcome="x", result="resolved")


def test_the_institution_cannot_make_the_systems_step(case, noi, people):
    _referral, token = refer(case, noi, people)
    with pytest.raises(DomainError):
        referrals.take_step(token, "no_answer")


def test_a_decline_needs_a_reason_and_uses_the_link_up(case, noi, people):
    referral, token = refer(case, noi, people)
    referrals.take_step(token, "acknowledge")
    with pytest.raises(DomainError) as refused:
        referrals.take_step(token, "decline", reason=" ")
    assert refused.value.field == "reason"
    referrals.take_step(token, "decline", reason="Не е от нашата компетентност.")
    assert referral.state == "declined"
    with pytest.raises(referrals.LinkGone):
        referrals.by_link(token)


def test_an_outcome_needs_a_coded_result(case, noi, people):
    _referral, token = refer(case, noi, people)
    referrals.take_step(token, "acknowledge")
    referrals.take_step(token, "accept")
    with pytest.raises(DomainError) as refused:
        referrals.take_step(token, "report", outcome="Готово.", result="great")
    assert refused.value.field == "result"


def test_an_expired_revoked_or_replaced_link_is_gone_like_an_unknown_one(case, noi, people):
    referral, token = refer(case, noi, people)
    later = utcnow() + timedelta(days=settings.current().referral_link_days, minutes=1)
    with pytest.raises(referrals.LinkGone):
        referrals.by_link(token, now=later)
    referrals.revoke(referral, actor=people["expert"])
    with pytest.raises(referrals.LinkGone):
        referrals.by_link(token)
    referrals.resend(referral, actor=people["coordinator"])
    db.session.commit()
    fresh = last_token(noi.email)
    assert fresh != token and referrals.by_link(fresh) == referral
    with pytest.raises(referrals.LinkGone):
        referrals.by_link(token)  # one link per referral: the old one stopped
    for guess in ("", "x", "a" * 43, "a" * 5000, "\x00" * 43):
        with pytest.raises(referrals.LinkGone):
            referrals.by_link(guess)


def test_the_institution_is_reminded_once_and_marked_no_answer_after_the_second_term(
    case, noi, people
):
    referral, token = refer(case, noi, people)
    days = settings.current().referral_ack_days
    first = deadlines.add_working_days(referral.sent_on, days)
    assert referrals.remind_institutions(first) == (0, 0)  # the last day of the term
    after = first + timedelta(days=1)
    assert referrals.remind_institutions(after) == (1, 0)
    assert referrals.remind_institutions(after) == (0, 0)  # once
    assert referrals.remind_institutions(after + timedelta(days=1)) == (0, 0)
    assert referrals.overdue(referral, after)
    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == noi.email))
    assert len(list(reminders)) == 2  # the referral and one reminder
    fresh = last_token(noi.email)
    second = deadlines.add_working_days(referral.sent_on, 2 * days) + timedelta(days=1)
    assert referrals.remind_institutions(second) == (0, 1)
    db.session.refresh(referral)
    assert referral.state == "no_answer" and referral.record.state == "no_answer"
    assert referrals.remind_institutions(second) == (0, 0)
    referrals.take_step(fresh, "acknowledge")  # a late answer still counts
    assert referral.state == "acknowledged"


def test_an_acknowledged_referral_is_never_reminded(case, noi, people):
    referral, token = refer(case, noi, people)
    referrals.take_step(token, "acknowledge")
    db.session.commit()
    later = deadlines.add_working_days(referral.sent_on, 30)
    assert referrals.remind_institutions(later) == (0, 0)
    assert not referrals.overdue(referral, later)


def test_without_an_expert_the_coordinators_are_told(people, noi):
    case = make_inquiry()
    referral = timeline.refer(case, institution_id=noi.id, note="", summary=SUMMARY,
                              consent=True, actor=people["coordinator"])  # fmt: skip
    db.session.commit()
    referrals.take_step(last_token(noi.email), "acknowledge")
    db.session.commit()
    told = db.session.scalars(
        select(OutboxMessage.to).where(OutboxMessage.inquiry_id == referral.inquiry_id)
    ).all()
    assert people["coordinator"].email in told


def test_an_institution_without_an_email_gets_no_link(case, people):
    office = make_office()
    plain = db.session.scalar(
        select(Institution).where(Institution.office_id == office.id, Institution.code == "nra")
    )
    referral = timeline.refer(case, institution_id=plain.id, note="", summary=SUMMARY,
                              consent=True, actor=people["expert"])  # fmt: skip
    assert referral.token_hash is None and not referrals.link_active(referral)


def test_national_institutions_are_shared_and_kept_by_the_administrator(case, people):
    admin = make_user(Role.ADMIN)
    data = institutions.InstitutionData(
        name="Агенция за социално подпомагане", kind="social_assistance", email="asp@example.test"
    )
    national = institutions.save(data, office_id=None, actor=admin)
    db.session.commit()
    assert national.office_id is None and national.code == "agentsia_za_sotsialno_podpomagane"
    assert institutions.may_edit(admin, national)
    assert not institutions.may_edit(people["coordinator"], national)
    referral = timeline.refer(case, institution_id=national.id, note="", summary=SUMMARY,
                              consent=True, actor=people["expert"])  # fmt: skip
    assert referral.institution == national
    with pytest.raises(DomainError) as refused:
        institutions.save(institutions.InstitutionData(name="X", email="not an address"),
                          office_id=None, actor=admin)  # fmt: skip
    assert refused.value.field == "email"
    pasted = institutions.InstitutionData(name="НОИ\r\nБлагоевград", kind="social_assistance")
    assert institutions.save(pasted, office_id=None, actor=admin).name == "НОИ Благоевград"


def test_statistics_count_codes_and_suppress_small_cells(case, noi, people):
    _referral, token = refer(case, noi, people)
    referrals.take_step(token, "acknowledge")
    db.session.commit()
    today = clock.sofia_today()
    made, figures = referral_stats.tables([case.office_id], today, today, k=5)
    table = made["referral_result"]
    assert table.rows == ("noi",)
    assert table.cell("noi", "open").suppressed  # one referral: under k
    assert figures["referral_ack_median_days"] is None  # withheld under k
    made, figures = referral_stats.tables([case.office_id], today, today, k=1)
    assert figures["referral_ack_median_days"] == 0
    columns = {c.name for c in ReferralRecord.__table__.columns}
    assert columns == {"id", "office_id", "referred_on", "institution", "state", "result",
                       "ack_days", "outcome_days", "cell_key"}  # codes only, no case  # fmt: skip
