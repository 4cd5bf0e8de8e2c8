"""The audit trail: record an act, find acts, export them.

What is recorded: the actor, the action (a stable code, see ACTIONS), the object as
type + id (a case by its reference), the office, the IP and a few coded details.
What never is: a password, PIN, token, TOTP or recovery code, a case's description,
note or reply, a citizen's name or contact — details under such keys are dropped.
"""

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, insert, select
from sqlalchemy.orm import joinedload

from bureau.domain.clock import SOFIA
from bureau.extensions import db
from bureau.models import AuditEntry, Citizen, Inquiry, User
from bureau.models.base import utcnow

log = logging.getLogger(__name__)
UTC = ZoneInfo("UTC")

ACTIONS = {
    "auth.login": _l("Вход"),
    "auth.login_failed": _l("Неуспешен вход"),
    "auth.logout": _l("Изход"),
    "auth.mfa_failed": _l("Грешен код за двуфакторно влизане"),
    "account.password_changed": _l("Смяна на собствена парола"),
    "account.mfa_enabled": _l("Включено двуфакторно влизане"),
    "account.mfa_disabled": _l("Изключено двуфакторно влизане"),
    "account.recovery_codes": _l("Нови кодове за възстановяване"),
    "case.view": _l("Преглед на случай"),
    "case.receipt": _l("Преглед на разписка"),
    "case.api_view": _l("Случай през API"),
    "case.list": _l("Списък или търсене на случаи"),
    "citizen.search": _l("Търсене на завръщащ се гражданин"),
    "case.create": _l("Заведен случай"),
    "case.change": _l("Промяна по случай"),
    "case.pin_reset": _l("Нов ПИН"),
    "attachment.download": _l("Изтеглен файл"),
    "stats.export": _l("Експорт на статистика"),
    "feedback.paper_entered": _l("Въведена хартиена анкета"),
    "experts.profile_updated": _l("Променен профил на експерт"),
    "recommendation.changed": _l("Промяна в регистъра с препоръки"),
    "admin.taxonomy_updated": _l("Променени категории"),
    "audit.view": _l("Преглед на одитния дневник"),
    "audit.export": _l("Експорт на одитния дневник"),
    "admin.user_created": _l("Създаден потребител"),
    "admin.user_updated": _l("Променен потребител"),
    "admin.password_reset": _l("Нулирана парола"),
    "admin.mfa_reset": _l("Нулирано двуфакторно влизане"),
    "admin.office_updated": _l("Променен офис"),
    "privacy.search": _l("Търсене на гражданин (искане по ОРЗД)"),
    "privacy.view": _l("Преглед на данни на гражданин"),
    "privacy.export": _l("Експорт на данни на гражданин"),
    "privacy.erase": _l("Заличаване на данни на гражданин"),
    "privacy.purge": _l("Изтичане на срока за съхранение"),
    "mail.outbox_view": _l("Преглед на неизпратените писма"),
    "mail.retry": _l("Повторно изпращане на писмо"),
    "services.changed": _l("Промяна в регистъра на услугите"),
    "services.imported": _l("Регистър на услугите от файл"),
}
# Substrings of detail keys that are never stored, whatever the caller passes.
FORBIDDEN_KEYS = (
    "password", "pin", "token", "secret", "otp", "code", "description", "body", "note",
    "comment", "summary", "reply", "reason", "email", "phone", "name", "query",
)  # fmt: skip
MAX_VALUE = 80
CSV_COLUMNS = ["at_utc", "actor", "action", "object_type", "object_id", "office_id", "ip"]


@dataclass(frozen=True)
class Source:
    """Where the acts of this context come from: the request's network address, and
    whether it came through the API (a command has neither)."""

    ip: str | None = None
    api: bool = False

    def details(self) -> dict:
        return {"api": True} if self.api else {}


_source: ContextVar[Source | None] = ContextVar("bureau_audit_source", default=None)


def enter_source(source: Source) -> Token:
    """The web sets each request's source (bureau/__init__.py); `leave_source` resets it."""
    return _source.set(source)


def leave_source(token: Token) -> None:
    _source.reset(token)


def case_created(case: Inquiry, actor: User, *, new: bool) -> None:
    """A case logged by staff (a citizen's own online inquiry has no actor to audit);
    `new`: False when the same form sent again found the case it made the first time."""
    _write("case.create", actor=actor, obj=case, details={"new": new})


def case_changed(case: Inquiry, step: str, actor: User) -> None:
    """A change to a case, recorded by the domain function that made it, so every entry
    point (the case page, the API, a command) is audited alike."""
    record("case.change", actor=actor, obj=case, details={"step": step})


def record(
    action: str,
    *,
    actor: User | None,
    obj=None,
    office_id: int | None = None,
    details: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry in the current transaction (it commits or rolls back with the act).
    Without an `ip`, an act recorded during a request carries the request's Source: its
    address, and the API's mark."""
    values = _sourced(action, actor=actor, obj=obj, office_id=office_id, details=details, ip=ip)
    entry = AuditEntry(**values)
    db.session.add(entry)
    return entry


# A plain INSERT, built once, for the entry every intake writes: an object for the
# session to flush cost the unit of work more than the row.
_INSERT = insert(AuditEntry.__table__)


def _write(action: str, **values) -> None:
    """As record(), written at once and without an AuditEntry object."""
    db.session.execute(_INSERT, _sourced(action, **values))


def _sourced(action: str, *, actor, obj=None, office_id=None, details=None, ip=None) -> dict:
    """The entry's columns, with the request's Source when no `ip` is given."""
    if ip is None and (source := _source.get()) is not None:
        ip, details = source.ip, {**(details or {}), **source.details()}
    return entry_values(action, actor=actor, obj=obj, office_id=office_id, details=details, ip=ip)


def entry_values(action: str, *, actor, obj=None, office_id=None, details=None, ip=None) -> dict:
    """The columns of an entry, computed now (the object may be expired later)."""
    object_type, object_id, object_office = describe(obj)
    return {
        "action": action,
        "actor_id": actor.id if actor is not None and getattr(actor, "id", None) else None,
        "object_type": object_type,
        "object_id": object_id,
        "office_id": office_id if office_id is not None else object_office,
        "ip": (ip or None) and ip[:45],
        "details": clean(details or {}),
        "at": utcnow(),
    }


def write_deferred(entries: list[dict]) -> None:
    """Insert entries kept back from a read-only request, in a transaction of their own.

    A page view that wrote its audit row inside the request would hold SQLite's single
    write lock while the page renders; written here, the lock lasts one INSERT."""
    if entries:
        db.session.execute(insert(AuditEntry), entries)
        db.session.commit()


def describe(obj) -> tuple[str | None, str | None, int | None]:
    """(type, id, office) of an audited object; a case is named by its reference."""
    if obj is None:
        return None, None, None
    if isinstance(obj, tuple):
        kind, key = obj
        return kind, str(key)[:40], None
    if isinstance(obj, Inquiry):
        return "inquiry", obj.reference, obj.office_id
    if isinstance(obj, User):
        return "user", str(obj.id), obj.office_id
    if isinstance(obj, Citizen):
        return "citizen", str(obj.id), obj.office_id
    kind = getattr(obj, "__tablename__", type(obj).__name__.lower())
    return kind, str(getattr(obj, "id", ""))[:40], getattr(obj, "office_id", None)


def clean(details: dict) -> dict:
    """Only short scalar details under harmless keys survive."""
    kept = {}
    for key, value in details.items():
        lowered = str(key).lower()
        if any(word in lowered for word in FORBIDDEN_KEYS):
            log.warning("audit detail %r dropped: it may hold a secret or personal data", key)
            continue
        if isinstance(value, bool | int | float) or value is None:
            kept[lowered] = value
        elif isinstance(value, str):
            kept[lowered] = value[:MAX_VALUE]
    return kept


@dataclass
class AuditFilters:
    actor: str = ""  # an e-mail, or the start of one
    action: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None  # inclusive, a Sofia calendar day


def search(filters: AuditFilters) -> Select:
    """Entries matching the filters, newest first (indexed by time, actor and action)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters.actor:
        actor_ids = select(User.id).where(User.email.startswith(filters.actor.strip().lower()))
        query = query.where(AuditEntry.actor_id.in_(actor_ids))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id.strip().upper()[:40])
    if filters.since:
        query = query.where(AuditEntry.at >= utc_midnight(filters.since))
    if filters.until:
        query = query.where(AuditEntry.at < utc_midnight(filters.until, days_after=1))
    return query


def export_rows(filters: AuditFilters, *, limit: int, batch: int = 1000) -> Iterator[AuditEntry]:
    """The matching entries, newest first, fetched in batches by id (an export streams
    after the request's commit, so no cursor may stay open across it)."""
    last_id = None
    remaining = limit
    while remaining > 0:
        query = search(filters).order_by(None).order_by(AuditEntry.id.desc())
        if last_id is not None:
            query = query.where(AuditEntry.id < last_id)
        query = query.options(joinedload(AuditEntry.actor)).limit(min(batch, remaining))
        rows = list(db.session.scalars(query))
        if not rows:
            return
        yield from rows
        last_id, remaining = rows[-1].id, remaining - len(rows)


def utc_midnight(day: date, days_after: int = 0) -> datetime:
    """The start of a Sofia calendar day (plus some days), as naive UTC."""
    local = datetime.combine(day + timedelta(days=days_after), time.min, tzinfo=SOFIA)
    return local.astimezone(UTC).replace(tzinfo=None)


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The entries as CSV text, one line at a time; no cell can start a spreadsheet formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([*CSV_COLUMNS, "details"])
    yield flush()
    for entry in entries:
        actor = entry.actor.email if entry.actor else ""
        details = ";".join(f"{k}={v}" for k, v in sorted((entry.details or {}).items()))
        row = [
            entry.at.isoformat(sep=" ", timespec="seconds"),
            actor,
            entry.action,
            entry.object_type or "",
            entry.object_id or "",
            entry.office_id or "",
            entry.ip or "",
            details,
        ]
        writer.writerow([safe_cell(value) for value in row])
        yield flush()


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab/CR) is quoted away."""
    text = str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
