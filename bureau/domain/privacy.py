"""Retention and data-subject requests (GDPR art. 5(1)(e), 15, 17).

Anonymising a case removes every personal datum it holds — the link to the citizen,
the description, resolution and public reply, the bodies of notes, contacts, replies
and referrals, attachments (files and rows), the feedback comment, the case's e-mails in
the outbox and its vignettes not yet approved — and keeps the reference, the coded fields
and the StatRecord, so no figure already reported changes. A citizen's identity is
forgotten once none of their cases still needs it.
"""

import logging
import secrets
from datetime import date, datetime, time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, event, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bureau.domain import DomainError, audit, citizens, clock, settings
from bureau.extensions import db
from bureau.models import (
    AnonymisedCase,
    Attachment,
    Citizen,
    ErasureRequest,
    Event,
    EventKind,
    EvidenceItem,
    EvidenceState,
    Feedback,
    FeedbackLink,
    Inquiry,
    OutboxMessage,
    Referral,
    RetentionRun,
    Status,
    User,
    utcnow,
)

log = logging.getLogger(__name__)
# Event data keys that could hold free text; coded keys (status, outcome, kind) stay.
FREE_TEXT_KEYS = {"reason", "summary", "note", "body", "filename", "comment", "text"}
UNLINK_AFTER_COMMIT = "bureau.unlink_after_commit"


def retention_cutoff(today: date, months: int) -> datetime:
    """Cases closed before this moment (naive UTC, midnight) have outlived retention."""
    return datetime.combine(today - relativedelta(months=months), time.min)


def expired_case_ids(today: date, months: int) -> list[int]:
    """Closed cases, not yet anonymised, whose last closing is older than the cutoff."""
    closed_at = (
        select(func.max(Event.created_at))
        .where(
            Event.inquiry_id == Inquiry.id,
            Event.kind == EventKind.STATUS_CHANGED,
            Event.data["to"].as_string() == Status.CLOSED.value,
        )
        .scalar_subquery()
    )
    done = exists().where(AnonymisedCase.inquiry_id == Inquiry.id)
    when = func.coalesce(closed_at, Inquiry.resolved_at, Inquiry.updated_at)
    query = select(Inquiry.id).where(
        Inquiry.status == Status.CLOSED.value, ~done, when < retention_cutoff(today, months)
    )
    return list(db.session.scalars(query.order_by(Inquiry.id)))


def purge_expired(today: date, *, months: int | None = None) -> int:
    """`jobs run`, once a day: anonymise every case closed RETENTION_MONTHS ago or more."""
    if not _claim_day(today):
        return 0
    months = settings.current().retention_months if months is None else months
    ids = expired_case_ids(today, months)
    for case_id in ids:
        anonymise_case(db.session.get(Inquiry, case_id), reason="retention")
    db.session.execute(update(RetentionRun).where(RetentionRun.day == today).values(cases=len(ids)))
    audit.record("privacy.purge", actor=None, details={"cases": len(ids), "months": months})
    db.session.flush()
    if ids:
        log.info("retention: %d cases anonymised", len(ids))
    return len(ids)


def _claim_day(today: date) -> bool:
    """Insert the day's run row unless it exists: two jobs at once purge only once."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = RetentionRun.__table__
    statement = insert(table).values(day=today, at=utcnow(), cases=0).on_conflict_do_nothing()
    return db.session.execute(statement.returning(table.c.day)).scalar() is not None


def anonymise_case(case: Inquiry, *, reason: str, erasure: ErasureRequest | None = None) -> None:
    """Remove the personal data of one case; its reference, codes and StatRecord stay."""
    citizen = case.citizen
    case.citizen = None
    case.description = ""
    case.resolution_summary = None
    case.public_reply = None
    case.intake_token = None
    case.pin_hash = secrets.token_hex(32)  # no PIN opens the status page any more
    for entry in case.events:
        entry.body = None
        entry.data = {k: v for k, v in (entry.data or {}).items() if k not in FREE_TEXT_KEYS}
    # The institution's link dies with the texts: nothing of the case is left to open.
    db.session.execute(
        update(Referral)
        .where(Referral.inquiry_id == case.id)
        .values(note="", summary="", decline_reason="", outcome="", token_hash=None)
    )
    db.session.execute(update(Feedback).where(Feedback.inquiry_id == case.id).values(comment=None))
    db.session.execute(delete(FeedbackLink).where(FeedbackLink.inquiry_id == case.id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.inquiry_id == case.id))
    # A vignette not yet approved may still name someone: it goes. An approved one was
    # checked to hold no personal data and may be cited: it stays, cut from the case.
    of_case = EvidenceItem.inquiry_id == case.id
    approved = EvidenceItem.state == EvidenceState.APPROVED.value
    db.session.execute(delete(EvidenceItem).where(of_case, ~approved))
    db.session.execute(update(EvidenceItem).where(of_case).values(inquiry_id=None))
    _delete_attachments(case)
    db.session.add(
        AnonymisedCase(
            inquiry_id=case.id, reason=reason, erasure_id=erasure.id if erasure else None
        )
    )
    db.session.flush()
    if citizen is not None and not _has_cases(citizen):
        forget_identity(citizen)


def _delete_attachments(case: Inquiry) -> None:
    folder = Path(settings.current().upload_folder)
    for attachment in db.session.scalars(
        select(Attachment).where(Attachment.inquiry_id == case.id)
    ):
        unlink_after_commit(folder / attachment.stored_name)
        db.session.delete(attachment)


def _has_cases(citizen: Citizen) -> bool:
    return db.session.scalar(select(exists().where(Inquiry.citizen_id == citizen.id)))


def forget_identity(citizen: Citizen) -> None:
    """Blank the name, contacts and search tokens; the coded demographics stay."""
    citizen.name = citizen.phone = citizen.email = None
    citizen.name_key = citizen.phone_key = None
    citizen.notify_by, citizen.sms_consent_at = "none", None
    citizen.tokens = []
    db.session.flush()


def unlink_after_commit(path: Path) -> None:
    """Delete the file once the transaction that forgets it commits (not if it rolls back)."""
    db.session().info.setdefault(UNLINK_AFTER_COMMIT, []).append(path)


@event.listens_for(Session, "after_commit")
def _unlink_files(session: Session) -> None:
    for path in session.info.pop(UNLINK_AFTER_COMMIT, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files(session: Session) -> None:
    session.info.pop(UNLINK_AFTER_COMMIT, None)


# Data-subject requests


def search_citizens(q: str) -> Select | None:
    """Citizens of every office by name (Cyrillic or Latin), phone, both, or exact e-mail,
    by name; None when too little was typed to search. The caller pages and counts."""
    q = (q or "").strip()
    if "@" in q:
        ids = select(Citizen.id).where(func.lower(Citizen.email) == q.lower())
    else:
        ids = citizens.matching_ids(None, q)
    if ids is None:
        return None
    return select(Citizen).where(Citizen.id.in_(ids)).order_by(Citizen.name, Citizen.id)


def find_citizens(q: str, limit: int = 50) -> list[Citizen]:
    query = search_citizens(q)
    return [] if query is None else list(db.session.scalars(query.limit(limit)))


def cases_of(citizen: Citizen) -> list[Inquiry]:
    query = select(Inquiry).where(Inquiry.citizen_id == citizen.id).order_by(Inquiry.received_at)
    return list(db.session.scalars(query))


def erase_citizen(
    citizen: Citizen, *, actor: User, requested_by: str, received_on: date, reason: str
) -> ErasureRequest:
    """Carry out a request to be forgotten: every case of the citizen is anonymised."""
    requested_by, reason = (requested_by or "").strip(), (reason or "").strip()
    if not requested_by or len(requested_by) > 200:
        raise DomainError(_l("Посочете кой е предал искането (до 200 знака)."), "requested_by")
    if not reason or len(reason) > 1000:
        raise DomainError(_l("Посочете основанието (до 1000 знака)."), "reason")
    if received_on is None or received_on > clock.sofia_today():
        raise DomainError(_l("Посочете датата на искането."), "received_on")
    request = ErasureRequest(
        actor_id=actor.id,
        citizen_id=citizen.id,
        requested_by=requested_by,
        received_on=received_on,
        reason=reason,
    )
    db.session.add(request)
    db.session.flush()
    cases = cases_of(citizen)
    for case in cases:
        anonymise_case(case, reason="erasure", erasure=request)
    forget_identity(citizen)
    request.cases = len(cases)
    db.session.flush()
    return request


def export_citizen(citizen: Citizen) -> dict:
    """Everything the bureau holds about the citizen (art. 15), as plain JSON data: UTC
    times (ISO 8601, "Z") and stable codes, for programs."""
    return _jsonable(subject_record(citizen))


def subject_record(citizen: Citizen) -> dict:
    """Everything the bureau holds about the citizen (art. 15): times as datetimes and
    codes as codes, for the printable copy to put into words and the JSON export."""
    return {
        "exported_at": utcnow(),
        "citizen": {
            "id": citizen.id,
            "office": citizen.office.code,
            "office_name": citizen.office.name,
            "name": citizen.name,
            "phone": citizen.phone,
            "email": citizen.email,
            "settlement": citizen.settlement.name if citizen.settlement else None,
            "gender": citizen.gender,
            "age_band": citizen.age_band,
            "flags": citizen.flag_list,
            "consent_at": citizen.consent_at,
            "consent_notice_version": citizen.consent_notice_version,
            "notify_by": citizen.notify_by,
            "sms_consent_at": citizen.sms_consent_at,
            "created_at": citizen.created_at,
        },
        "inquiries": [_case_record(case, citizen) for case in cases_of(citizen)],
    }


def _case_record(case: Inquiry, citizen: Citizen) -> dict:
    feedback = db.session.scalar(select(Feedback).where(Feedback.inquiry_id == case.id))
    return {
        "reference": case.reference,
        "received_at": case.received_at,
        "channel": case.channel,
        "category": case.category.code,
        "subcategory": case.subcategory.code if case.subcategory else None,
        "settlement": case.settlement.name if case.settlement else None,
        "urgency": case.urgency,
        "status": case.status,
        "due_date": case.due_date,
        "description": case.description,
        "outcome": case.outcome,
        "resolution_summary": case.resolution_summary,
        "public_reply": case.public_reply,
        "expert": case.expert.name if case.expert else None,
        "timeline": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "by": e.actor.name if e.actor else None,
                "text": e.body,
                "data": e.data or {},
            }
            for e in case.events
        ],
        "referrals": [
            {
                "at": r.created_at,
                "institution": r.institution.name,
                "note": r.note,
                "summary": r.summary,
                "state": r.state,
                "outcome": r.outcome,
            }
            for r in db.session.scalars(select(Referral).where(Referral.inquiry_id == case.id))
        ],
        "attachments": [
            {"at": a.created_at, "filename": a.filename, "size": a.size}
            for a in db.session.scalars(select(Attachment).where(Attachment.inquiry_id == case.id))
        ],
        "feedback": None
        if feedback is None
        else {
            "satisfaction": feedback.satisfaction,
            "problem_solved": feedback.problem_solved,
            "would_recommend": feedback.would_recommend,
            "comment": feedback.comment,
        },
        "emails": [  # those sent to the citizen; staff notices stay internal
            {"at": m.created_at, "to": m.to, "subject": m.subject, "status": m.status}
            for m in db.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.inquiry_id == case.id,
                    OutboxMessage.channel == "email",
                    OutboxMessage.to == (citizen.email or ""),
                )
            )
        ],
        "sms": [  # only citizens are sent SMS
            {"at": m.created_at, "to": m.to, "text": m.body_text, "status": m.status}
            for m in db.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.inquiry_id == case.id, OutboxMessage.channel == "sms"
                )
            )
        ],
    }


def _jsonable(value):
    """Datetimes (naive UTC) as ISO 8601 with "Z", dates as ISO dates, the rest as it is."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value
