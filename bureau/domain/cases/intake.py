"""Logging an inquiry: validation, reference and PIN, citizen, timeline, and its StatRecord
(through statistics.records)."""

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bureau.domain import (
    DomainError,
    audit,
    citizens,
    clock,
    emails,
    notices,
    notifications,
    settings,
    taxonomy,
    text,
)
from bureau.domain.answers import library
from bureau.domain.cases import deadlines, receipts, service
from bureau.domain.statistics import records
from bureau.domain.transliteration import phone_key, search_key
from bureau.extensions import db
from bureau.models import (
    AgeBand,
    Channel,
    Citizen,
    Event,
    EventKind,
    Flag,
    Gender,
    Inquiry,
    Office,
    ReferenceCounter,
    Settlement,
    Urgency,
    User,
    utcnow,
)

MAX_DESCRIPTION = 5000
CONSENT_NOTICE_VERSION = "2026-11"
# The longest one-time token or Idempotency-Key taken (a UUID has 36 characters).
TOKEN_LENGTH = 64
# Column sizes the search keys must fit (PostgreSQL refuses longer strings).
PHONE_KEY_LENGTH = Citizen.__table__.c.phone_key.type.length
NAME_KEY_LENGTH = Citizen.__table__.c.name_key.type.length


@dataclass
class CitizenData:
    name: str = ""
    phone: str = ""
    email: str = ""
    gender: str = Gender.UNDISCLOSED.value
    age_band: str = AgeBand.UNDISCLOSED.value
    flags: list[str] = field(default_factory=list)
    # How the citizen wants notices (email, sms, none; "" = the default rule), and
    # whether they agreed to SMS (choosing sms is agreeing).
    notify_by: str = ""
    sms_consent: bool = False

    @property
    def has_identity(self) -> bool:
        return bool(self.name.strip() or self.phone.strip() or self.email.strip())


@dataclass
class IntakeData:
    category: str
    description: str
    channel: str = Channel.WALK_IN.value
    subcategory: str | None = None
    settlement_id: int | None = None
    urgency: str = Urgency.NORMAL.value
    consent: bool = False
    anonymous: bool = False
    citizen: CitizenData = field(default_factory=CitizenData)
    citizen_id: int | None = None
    token: str | None = None
    # The municipal service the inquiry is about (its code in the office's register).
    service: str | None = None
    problems: list[str] = field(default_factory=list)
    # The library's answer the desk gave at once: the inquiry is logged resolved.
    answered_with: int | None = None


def validate(data: IntakeData, office: Office) -> tuple:
    """Check every field against the codes, the office and the rules; name the bad field."""
    _choice(data.channel, Channel, "channel")
    _choice(data.urgency, Urgency, "urgency")
    category = taxonomy.get_category(data.category or "")
    if category is None or not category.active:
        raise DomainError(_l("Изберете категория от списъка."), "category")
    subcategory = None
    if data.subcategory:
        subcategory = next((s for s in category.subcategories if s.code == data.subcategory), None)
        if subcategory is None:
            raise DomainError(_l("Подкатегорията не е от избраната категория."), "subcategory")
    settlement = None
    if data.settlement_id is not None:
        settlement = db.session.get(Settlement, data.settlement_id)
        if settlement is None or settlement.office_id != office.id:
            raise DomainError(_l("Изберете населено място от списъка."), "settlement")
    data.description = text.one_line_break(data.description)
    description = data.description.strip()
    if not description:
        raise DomainError(_l("Опишете накратко въпроса на гражданина."), "description")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            _l("Описанието е твърде дълго (до %(n)d знака).", n=MAX_DESCRIPTION), "description"
        )
    if data.token and len(data.token) > TOKEN_LENGTH:
        raise DomainError(
            _l("Формулярът е изтекъл. Презаредете страницата и опитайте отново."), "token"
        )
    # The coded demographics reach the StatRecord even of an anonymous inquiry.
    _choice(data.citizen.gender, Gender, "gender")
    _choice(data.citizen.age_band, AgeBand, "age_band")
    for flag in data.citizen.flags:
        _choice(flag, Flag, "flags")
    if not data.anonymous:
        _validate_citizen(data, office)
    about = service.checked(office, data.service, data.problems)
    if data.answered_with is not None:
        library.readable(data.answered_with, office, "answered_with")
    return category, subcategory, settlement, about


def _validate_citizen(data: IntakeData, office: Office) -> None:
    citizen = data.citizen
    if not data.consent:
        raise DomainError(
            _l("Нужно е съгласие за обработване на данните — или отбележете анонимно запитване."),
            "consent",
        )
    if data.citizen_id is None and not citizen.has_identity:
        raise DomainError(
            _l("Въведете име, телефон или e-mail — или отбележете анонимно запитване."), "name"
        )
    citizen.name = text.one_line(citizen.name)
    if len(citizen.name) > 200 or len(citizen.phone) > 40:
        raise DomainError(_l("Данните за контакт са твърде дълги."), "name")
    citizen.phone = citizens.normalise_phone(citizen.phone)
    if len(phone_key(citizen.phone) or "") > PHONE_KEY_LENGTH:
        raise DomainError(_l("Данните за контакт са твърде дълги."), "phone")
    # Stored, and e-mailed the receipt, in the one form the outbox can send to.
    citizen.email = emails.normalise(citizen.email)
    if data.citizen_id is None:  # a returning citizen's channel is checked on the merge
        notices.choose(
            citizen.notify_by,
            email=citizen.email,
            phone=citizen.phone,
            sms_consent=citizen.sms_consent,
        )


def _choice(value, codes, field_name: str) -> None:
    if value not in {c.value for c in codes}:
        raise DomainError(_l("Невалидна стойност: %(value)s", value=str(value)[:40]), field_name)


def log_inquiry(
    data: IntakeData,
    *,
    office: Office,
    actor: User | None,
    now: datetime | None = None,
    same_body: bool = False,
    online: bool = False,
) -> tuple[Inquiry, str | None]:
    """Log a new inquiry; return it with its PIN (shown once). The citizen gets the
    receipt by their channel (`online`: the citizen's own, from the public site).

    A form submitted twice (same one-time token) returns the first inquiry and no PIN.
    With `same_body` (the API's Idempotency-Key) the repeat must carry what the first
    request carried: the same key with another body is refused, not answered with a case
    that is not what was asked for. Staff's intakes are audited ("case.create").
    """
    inquiry, pin = _log(data, office, actor, now, same_body)
    if actor is not None:
        audit.case_created(inquiry, actor, new=pin is not None)
    if pin is not None:
        _send_receipt(inquiry, pin, online=online)
    return inquiry, pin


def _send_receipt(inquiry: Inquiry, pin: str, *, online: bool) -> None:
    """The receipt's reference and status address, by the citizen's channel: by e-mail
    (with the PIN) only to who asked online, by SMS (never the PIN) to anyone."""
    context = {
        "reference": inquiry.reference,
        "pin": pin,
        "status_url": notifications.status_url(inquiry.reference),
        "office": inquiry.office,
        "due_date": inquiry.due_date,
    }
    notice = "online_receipt" if online else "desk_receipt"
    notices.tell(inquiry.citizen, notice, context, inquiry=inquiry)


def _log(
    data: IntakeData, office: Office, actor: User | None, now: datetime | None, same_body: bool
) -> tuple[Inquiry, str | None]:
    token_key = intake_token_key(data.token, office, actor) if data.token else None
    if token_key and (existing := find_by_token(token_key)) is not None:
        _same_request(existing, data, same_body)
        return existing, None
    checked = validate(data, office)
    received_at = now or utcnow()
    # Make sure the counter row exists before the savepoint. On SQLite this first write
    # also opens the transaction: pysqlite begins none for a SAVEPOINT, whose RELEASE
    # would then commit the inquiry behind the request boundary's back.
    ensure_counter(office.id, clock.local_now(received_at).year)
    if token_key is None:
        # No token, no race to lose: the savepoint below is only for that (a refusal
        # is undone by the request boundary's rollback, as for every domain function).
        return _create(data, office, actor, checked, received_at, None)
    try:
        with db.session.begin_nested():
            return _create(data, office, actor, checked, received_at, token_key)
    except IntegrityError:
        # Another request with the same token won the race: show its inquiry.
        existing = find_by_token(token_key)
        if existing is None:
            raise
        _same_request(existing, data, same_body)
        return existing, None


def fingerprint(data: IntakeData) -> str:
    """A digest of everything the request asked for (the token aside)."""
    fields = {**asdict(data), "token": None}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _same_request(existing: Inquiry, data: IntakeData, same_body: bool) -> None:
    if same_body and existing.intake_fingerprint not in (None, fingerprint(data)):
        raise DomainError(
            _l("Този Idempotency-Key вече е използван за друго запитване."), "Idempotency-Key"
        )


def _create(data, office, actor, checked, received_at, token_key):
    category, subcategory, settlement, (about, problems) = checked
    local = clock.local_now(received_at)
    reference = f"{office.code}-{local.year}-{next_number(office.id, local.year):05d}"
    pin = f"{secrets.randbelow(1_000_000):06d}"
    inquiry = Inquiry(
        office=office,
        reference=reference,
        pin_hash=hash_pin(reference, pin),
        received_at=received_at,
        channel=data.channel,
        category=category,
        subcategory=subcategory,
        settlement=settlement,
        service=about,
        service_problems=problems,
        urgency=data.urgency,
        description=data.description.strip(),
        due_date=deadlines.due_date(
            local.date(),
            response_days=category.response_days,
            response_months=category.response_months,
        ),
        citizen=None if data.anonymous else _citizen(data, office, settlement, received_at),
        created_by=actor,
        intake_token=token_key,
        intake_fingerprint=fingerprint(data) if token_key else None,
    )
    db.session.add(inquiry)
    db.session.flush()
    # What only points at the new rows goes in with plain INSERTs: as ORM objects, the
    # unit of work cost more than all of this request's SQL (bench/profile_intake.py).
    if inquiry.citizen is not None and data.citizen_id is None:
        citizens.index_new(inquiry.citizen)
    db.session.execute(
        _CREATED,
        {
            "inquiry_id": inquiry.id,
            "kind": EventKind.CREATED.value,
            "actor_id": actor.id if actor is not None else None,
            "created_at": received_at,
            "data": {"channel": data.channel},
        },
    )
    given = data.citizen
    records.create(
        inquiry,
        gender=given.gender,
        age_band=given.age_band,
        flags=given.flags,
        settlement=settlement,
        received_on=local.date(),
    )
    from bureau.domain.cases import lifecycle  # the lifecycle builds on intake's models

    if data.answered_with is not None:
        _answered_at_once(inquiry, data.answered_with, actor)
    elif office.auto_assign:
        lifecycle.auto_assign(inquiry, actor)
        db.session.flush()
    return inquiry, pin


# The timeline's first entry, built once (see _create).
_CREATED = insert(Event.__table__)


def _answered_at_once(inquiry: Inquiry, answer_id: int, actor: User | None) -> None:
    """Resolved at the first contact with the library's answer (the desk's own intake)."""
    from bureau.domain.cases import lifecycle

    if actor is None:
        raise DomainError(_l("Само бюрото решава запитване на място."), "answered_with")
    answer = library.get(answer_id, inquiry.office)
    inquiry.answer = answer
    summary = _l("Отговорено на място: %(title)s", title=library.live(answer).title)
    lifecycle.resolve_at_first_contact(inquiry, actor=actor, summary=str(summary))
    records.note_answer(inquiry, first_contact=True)
    db.session.flush()


def _citizen(data: IntakeData, office: Office, settlement, when: datetime) -> Citizen:
    """The returning citizen the desk picked, updated; or a new one."""
    given = data.citizen
    if data.citizen_id is not None:
        citizen = db.session.get(Citizen, data.citizen_id)
        if citizen is None or citizen.office_id != office.id:
            raise DomainError(_l("Гражданинът не е намерен."), "citizen_id")
    else:
        citizen = Citizen(office=office, office_id=office.id)
        db.session.add(citizen)
    for attr in ("name", "phone", "email"):
        if value := getattr(given, attr).strip():
            setattr(citizen, attr, value)
    # "Щ" becomes "sht": the key of a long name is cut to fit; search still finds it.
    citizen.name_key = (search_key(citizen.name) or "")[:NAME_KEY_LENGTH] or None
    citizen.phone_key = phone_key(citizen.phone)
    if citizen.id is not None:  # a new citizen's tokens follow its flush (index_new)
        citizens.index_name(citizen)
    citizen.settlement = settlement or citizen.settlement
    citizen.gender, citizen.age_band = given.gender, given.age_band
    citizen.flags = ",".join(sorted(set(given.flags)))
    citizen.consent_at = when
    citizen.consent_notice_version = CONSENT_NOTICE_VERSION
    _choose_channel(citizen, given, when)
    return citizen


def _choose_channel(citizen: Citizen, given: CitizenData, when: datetime) -> None:
    """Record how the citizen wants notices, from what they have now (a returning
    citizen keeps an earlier choice unless a new one is made)."""
    chosen = given.notify_by or (citizen.notify_by if citizen.id is not None else "")
    citizen.notify_by = notices.choose(
        chosen,
        email=citizen.email or "",
        phone=citizen.phone or "",
        sms_consent=given.sms_consent or citizen.sms_consent_at is not None,
    )
    if citizen.notify_by == "sms" or given.sms_consent:
        citizen.sms_consent_at = citizen.sms_consent_at or when


# The counter's two statements, built once (an intake's CPU is mostly SQLAlchemy's).
COUNTER = ReferenceCounter.__table__
_ENSURE = {
    "postgresql": pg_insert(COUNTER).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(COUNTER).on_conflict_do_nothing(),
}
_NEXT = (
    update(COUNTER)
    .where(COUNTER.c.office_id == bindparam("of_office"), COUNTER.c.year == bindparam("of_year"))
    .values(last=COUNTER.c.last + 1)
    .returning(COUNTER.c.last)
)


def ensure_counter(office_id: int, year: int) -> None:
    """The counter row of the office and year, created at 0 if missing."""
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    statement = _ENSURE["postgresql" if postgresql else "sqlite"]
    db.session.execute(statement, {"office_id": office_id, "year": year, "last": 0})


def next_number(office_id: int, year: int) -> int:
    """The next reference number of the office and year (its counter row must exist).

    The row lock taken by the UPDATE serialises concurrent intakes.
    """
    return db.session.execute(_NEXT, {"of_office": office_id, "of_year": year}).scalar_one()


def hash_pin(reference: str, pin: str, key: bytes | None = None) -> str:
    """A keyed hash of the PIN: useless without the server's secret key."""
    key = key or pin_key()
    return hmac.digest(key, f"{reference}:{pin}".encode(), "sha256").hex()


def pin_key() -> bytes:
    return hashlib.sha256(b"pin:" + settings.current().secret_key.encode()).digest()


def check_pin(inquiry: Inquiry, pin: str) -> bool:
    return hmac.compare_digest(inquiry.pin_hash, hash_pin(inquiry.reference, pin.strip()))


def reset_pin(inquiry: Inquiry, *, actor: User) -> str:
    """Give the inquiry a new PIN (the old receipt stops working); logged on the timeline."""
    pin = f"{secrets.randbelow(1_000_000):06d}"
    inquiry.pin_hash = hash_pin(inquiry.reference, pin)
    receipts.forget(inquiry)  # an old PIN waiting to be shown would no longer work
    db.session.add(Event(inquiry=inquiry, kind=EventKind.PIN_RESET, actor=actor))
    db.session.flush()
    return pin


def intake_token_key(token: str, office: Office, actor: User | None) -> str:
    """The stored form of a one-time token, scoped to the office and the user.

    Idempotency keys are chosen by each API client ("1", "2", ...): one client's key must
    never find, and so disclose, another office's or another client's inquiry.
    """
    scope = f"{office.id}:{actor.id if actor else ''}:{token}"
    return hashlib.sha256(scope.encode()).hexdigest()


def find_by_token(token_key: str) -> Inquiry | None:
    return db.session.scalar(select(Inquiry).where(Inquiry.intake_token == token_key))


def logged_with(token: str | None, offices: list[Office], actor: User | None) -> Inquiry | None:
    """The inquiry a one-time form token already made in one of the offices, if any: the
    same form sent again (Back, then "Запиши") answers with it, whatever it says now."""
    if not token or len(token) > TOKEN_LENGTH:
        return None
    keys = [intake_token_key(token, office, actor) for office in offices]
    return db.session.scalar(select(Inquiry).where(Inquiry.intake_token.in_(keys)).limit(1))


def new_token() -> str:
    return secrets.token_urlsafe(24)
