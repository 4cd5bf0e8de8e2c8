"""The StatRecord: the de-identified twin of each case that every statistic counts. This
module is the only one that writes it — at intake, at every status change, and when a
referral or the citizen's feedback adds a coded fact. Retention and erasure never touch it,
so figures once reported stay true.
"""

from datetime import date

from sqlalchemy import insert, select

from bureau.domain.cases import deadlines
from bureau.domain.statistics import cube
from bureau.extensions import db
from bureau.models import Flag, Inquiry, Referral, ReferralRecord, StatRecord, Status

# A new inquiry's record: a plain INSERT, built once, that reads the row back for the
# monthly summary (every intake writes one; the ORM's unit of work cost more than the row).
_INSERT = insert(StatRecord.__table__).returning(*cube.COLUMNS)


def create(
    inquiry: Inquiry, *, gender: str, age_band: str, flags, settlement, received_on: date
) -> None:
    """The record of a new inquiry (flushed already): coded fields only."""
    flags = set(flags)
    values = dict(
        inquiry_id=inquiry.id,
        office_id=inquiry.office_id,
        received_on=received_on,
        category=inquiry.category.code,
        subcategory=inquiry.subcategory.code if inquiry.subcategory else None,
        ekatte=settlement.ekatte if settlement else None,
        channel=inquiry.channel,
        urgency=inquiry.urgency,
        gender=gender,
        age_band=age_band,
        status=inquiry.status or Status.NEW.value,
        due_on=inquiry.due_date,
        service_id=inquiry.service.id if inquiry.service else None,
        service_problems=inquiry.service_problems or 0,
        **{flag.value: flag.value in flags for flag in Flag},
    )
    row = db.session.execute(_INSERT, values).mappings().one()
    cube.count_inserted(db.session.connection(), row)


def of(case: Inquiry) -> StatRecord | None:
    """The case's record (None for a case logged before records existed)."""
    return db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))


def sync(case: Inquiry, today: date) -> None:
    """Copy the case's coded facts into its record after a change of status or expert."""
    from bureau.domain.cases import lifecycle  # the overdue rule is the lifecycle's

    record = of(case)
    if record is None:
        return
    closed = (Status.RESOLVED, Status.CLOSED)
    record.status = case.status
    record.due_on = case.due_date
    record.outcome = case.outcome if case.status in closed else None
    profile = case.expert.expert_profile if case.expert else None
    if profile is not None:
        record.affiliation = profile.affiliation
    if case.status == Status.RESOLVED:
        record.resolved_on = today
        record.resolution_days = deadlines.working_days_between(record.received_on, today)
    elif case.status != Status.CLOSED:
        record.resolved_on = record.resolution_days = None
    if record.resolved_on and record.due_on:
        record.overdue = record.resolved_on > record.due_on
    else:
        record.overdue = lifecycle.is_overdue(case, today)


def note_referral(case: Inquiry, institution_code: str) -> None:
    """The first institution the case was referred to."""
    record = of(case)
    if record is not None and record.referral_institution is None:
        record.referral_institution = institution_code


def open_referral(case: Inquiry, institution_code: str, today: date) -> ReferralRecord:
    """The de-identified record of a new referral (models.referral.ReferralRecord)."""
    note_referral(case, institution_code)
    record = ReferralRecord(
        office_id=case.office_id, referred_on=today, institution=institution_code, state="sent"
    )
    db.session.add(record)
    return record


def note_referral_step(referral: Referral, today: date) -> None:
    """The referral's state, coded result and working days to each answer."""
    record = referral.record
    if record is None or referral.sent_on is None:
        return
    record.state = referral.state
    record.result = referral.result
    days = deadlines.working_days_between(referral.sent_on, today)
    if referral.acknowledged_at is not None and record.ack_days is None:
        record.ack_days = days
    if referral.state == "outcome_reported" and record.outcome_days is None:
        record.outcome_days = days


def note_service(case: Inquiry) -> None:
    """The service the case is about and its problems (codes of the register)."""
    record = of(case)
    if record is not None:
        record.service_id = case.service.id if case.service else None
        record.service_problems = case.service_problems or 0


def note_answer(case: Inquiry, *, first_contact: bool = False) -> None:
    """The library's answer the case was answered with; whether at the first contact."""
    record = of(case)
    if record is not None:
        record.answer_id = case.answer_id
        record.first_contact = record.first_contact or first_contact


def note_feedback(case: Inquiry, *, satisfaction, problem_solved, would_recommend) -> None:
    """The citizen's answers, as codes (never the comment)."""
    record = of(case)
    if record is not None:
        record.satisfaction = satisfaction
        record.problem_solved = problem_solved
        record.would_recommend = would_recommend
