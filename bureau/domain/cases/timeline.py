"""Working a case: notes, contacts, the public reply, referrals. Every entry on the timeline."""

from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError, audit
from bureau.domain.answers import library
from bureau.domain.cases import lifecycle
from bureau.domain.statistics import records
from bureau.domain.text import checked
from bureau.extensions import db
from bureau.models import Event, EventKind, Inquiry, Institution, Referral, User

CONTACT_KINDS = ("phone", "visit", "letter", "email")


def _text(value: str | None, field: str, message) -> str:
    return checked(value, field, required=message)


def _require_open_work(case: Inquiry, actor: User, expected_version: int | None) -> None:
    lifecycle.check_version(case, expected_version)
    lifecycle.require_open_for_work(case, actor)


def add_note(case: Inquiry, *, body: str, actor: User) -> Event:
    """An internal note: never shown to the citizen or the commission. Notes only add to
    the timeline, so two people writing at once never conflict."""
    _require_open_work(case, actor, None)
    text = _text(body, "body", _l("Напишете бележката."))
    audit.case_changed(case, "add_note", actor)
    return _event(case, actor, EventKind.NOTE, body=text)


def log_contact(case: Inquiry, *, kind: str, body: str, actor: User) -> Event:
    """A contact with the citizen: a call, a visit, a letter."""
    _require_open_work(case, actor, None)
    if kind not in CONTACT_KINDS:
        raise DomainError(_l("Изберете вид контакт."), "kind")
    text = _text(body, "body", _l("Опишете контакта."))
    audit.case_changed(case, "log_contact", actor)
    return _event(case, actor, EventKind.CONTACT, body=text, data={"kind": kind})


def set_public_reply(
    case: Inquiry, *, body: str, actor: User, expected_version=None, answer_id: int | None = None
) -> Event:
    """What the citizen reads on the status page (and in the resolution e-mail); with
    `answer_id`, the library's answer it was written from (the case records it)."""
    _require_open_work(case, actor, expected_version)
    case.public_reply = _text(body, "body", _l("Напишете отговора до гражданина."))
    if answer_id is not None:
        case.answer = library.readable(answer_id, case.office, "answer")
        records.note_answer(case)
    audit.case_changed(case, "reply", actor)
    return _event(case, actor, EventKind.REPLY, body=case.public_reply)


def refer(
    case: Inquiry,
    *,
    institution_id: int,
    note: str,
    consent: bool,
    actor: User,
    summary: str = "",
    expected_version=None,
) -> Referral:
    """Refer the case to an outside institution — only with the citizen's consent to share.

    `summary` is what the institution reads (what the citizen agreed to share); `note`
    stays inside the bureau. The workflow and the institution's link: domain/referrals."""
    from bureau.domain import referrals  # the workflow notes on the timeline through here

    _require_open_work(case, actor, expected_version)
    if not consent:
        raise DomainError(
            _l("Насочване само със съгласието на гражданина да се споделят данните му."), "consent"
        )
    institution = db.session.get(Institution, institution_id)
    shared = institution is not None and institution.office_id in (None, case.office_id)
    if not shared or not institution.active:
        raise DomainError(_l("Изберете институция от списъка."), "institution")
    referral = referrals.make(case, institution, summary=summary, note=note, actor=actor)
    _event(
        case,
        actor,
        EventKind.REFERRAL,
        body=referral.note or None,
        data={"institution": institution.code, "name": institution.name},
    )
    audit.case_changed(case, "refer", actor)
    db.session.flush()
    return referral


def _event(case: Inquiry, actor: User, kind: EventKind, *, body=None, data=None) -> Event:
    event = Event(inquiry=case, actor=actor, kind=kind, body=body, data=data or {})
    db.session.add(event)
    db.session.flush()
    return event
