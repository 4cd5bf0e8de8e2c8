"""One office's register of services: what one service must say, and the list.

A service is matched on re-import by its number in the national register of
administrative services or, without one, by its name: both are unique within an office,
the name whatever its letter case. Its code is its address on the public site.
"""

import re
from dataclasses import dataclass, fields, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from bureau.domain import DomainError, audit, taxonomy
from bureau.domain.text import one_line
from bureau.domain.transliteration import search_key, to_latin
from bureau.extensions import db
from bureau.models import Office, Service, ServiceKind, User

MAX_TERM_DAYS = 365
LIMITS = {"name": 300, "name_en": 300, "department": 200, "fee": 200, "legal_basis": 300}
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
REGISTER_NUMBER = re.compile(r"^\d{1,10}$")
# Addresses under /services/<office>/ that are pages of their own, never a service's code.
RESERVED_CODES = {"report"}


@dataclass(frozen=True)
class ServiceData:
    """A service as typed in a form or read from a file row, before it is checked."""

    name: str
    code: str = ""
    register_number: str = ""
    name_en: str = ""
    kind: str = ServiceKind.ADMINISTRATIVE.value
    department: str = ""
    term_days: int | None = None
    fee: str = ""
    legal_basis: str = ""
    category: str = ""  # the taxonomy's code, or none
    active: bool = True


def checked(data: ServiceData, *, categories: set[str] | None = None) -> ServiceData:
    """The data trimmed and checked; a DomainError names the first field in error.
    `categories`: the taxonomy's codes, when the caller holds them (an import)."""
    text = {key: one_line(getattr(data, key)) for key in LIMITS}
    if not text["name"]:
        raise DomainError(_l("Въведете наименованието на услугата."), "name")
    for key, limit in LIMITS.items():
        if len(text[key]) > limit:
            raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=limit), key)
    number = (data.register_number or "").replace("№", "").strip()
    if number and not REGISTER_NUMBER.match(number):
        raise DomainError(_l("Номерът в регистъра е число (до 10 цифри)."), "register_number")
    code = (data.code or "").strip().lower()
    if code and not CODE.match(code):
        raise DomainError(_l("Кодът е до 40 малки латински букви, цифри и тирета."), "code")
    if code in RESERVED_CODES:
        raise DomainError(_l("Този код е запазен за страница на сайта; изберете друг."), "code")
    if data.kind not in {kind.value for kind in ServiceKind}:
        raise DomainError(_l("Изберете вид: административна или техническа."), "kind")
    if data.category:
        known = categories if categories is not None else _category_codes()
        if data.category not in known:
            raise DomainError(_l("Изберете категория от списъка."), "category")
    term = data.term_days
    if term is not None and not 0 <= term <= MAX_TERM_DAYS:
        raise DomainError(
            _l("Срокът е от 0 (в деня) до %(n)d работни дни.", n=MAX_TERM_DAYS), "term_days"
        )
    return replace(data, **text, register_number=number, code=code)


def save(
    office: Office,
    data: ServiceData,
    *,
    actor: User | None,
    service: Service | None = None,
    known: list[Service] | None = None,
    categories: set[str] | None = None,
) -> Service:
    """Add a service to the office's register, or change `service`; audited. `known`:
    the office's services, when the caller holds them already (an import, row after
    row); a new service is added to it."""
    data = checked(data, categories=categories)
    services = known if known is not None else of_office(office.id)
    others = [s for s in services if s is not service]
    _require_unique(data, others)
    if service is None:
        service = Service(office_id=office.id, office=office)
        db.session.add(service)
        services.append(service)
    code = data.code or service.code or new_code(data.name, {s.code for s in others})
    for field in fields(ServiceData):
        setattr(service, field.name, getattr(data, field.name))
    service.code = code
    service.register_number = data.register_number or None
    db.session.flush()
    audit.record(
        "services.changed", actor=actor, obj=("service", service.code), office_id=office.id
    )
    return service


def _category_codes() -> set[str]:
    return {c.code for c in taxonomy.categories(active_only=False, subcategories=False)}


def _require_unique(data: ServiceData, others: list[Service]) -> None:
    name = data.name.casefold()
    for other in others:
        if data.code and other.code == data.code:
            raise DomainError(_l("Друга услуга вече има този код."), "code")
        if data.register_number and other.register_number == data.register_number:
            message = _l("Друга услуга вече има този номер в регистъра.")
            raise DomainError(message, "register_number")
        if other.name.casefold() == name:
            raise DomainError(_l("Друга услуга вече има това наименование."), "name")


def new_code(name: str, taken: set[str]) -> str:
    """A code from the name, in Latin letters (`Издаване на скица` → `izdavane-na-skitsa`),
    made unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", to_latin(name)).strip("-")[:36].strip("-") or "service"
    code, n = base, 1
    while code in taken or code in RESERVED_CODES:
        n += 1
        code = f"{base}-{n}"
    return code


def of_office(office_id: int) -> list[Service]:
    return list(db.session.scalars(select(Service).where(Service.office_id == office_id)))


def search(office_ids: list[int] | None, q: str = "", kind: str = "") -> Select:
    """The services of the offices (every office for None), by name; `q` finds a name,
    department or register number typed in Cyrillic or Latin."""
    query = select(Service).order_by(Service.name, Service.id)
    if office_ids is not None:
        query = query.where(Service.office_id.in_(office_ids))
    if kind in {k.value for k in ServiceKind}:
        query = query.where(Service.kind == kind)
    if (q or "").strip():
        found = matching(list(db.session.scalars(query)), q)
        query = query.where(Service.id.in_([s.id for s in found]))
    return query


def matching(services: list[Service], q: str) -> list[Service]:
    """The services whose name, department, code or register number holds what was typed,
    in Cyrillic or Latin. A register is a few hundred rows: matched here, not in SQL."""
    words = (q or "").strip()[:100]
    if not words:
        return services
    latin = search_key(words) or ""
    return [s for s in services if _matches(s, words, latin)]


def _matches(service: Service, words: str, latin: str) -> bool:
    if service.register_number and words.strip("№ ") == service.register_number:
        return True
    haystack = " ".join([service.name, service.name_en, service.department, service.code])
    return latin in (search_key(haystack) or "")


def search_text(service: Service) -> str:
    """What a service picker matches typed text against, in lower case: the name as written,
    its Latin transliteration and the English name, so `скица` and `skitsa` both find it."""
    names = [service.name.lower(), search_key(service.name) or "", service.name_en.lower()]
    return one_line(" ".join(names))


def offices_offering() -> set[int]:
    """The offices whose register lists at least one active service (the public home
    links only to those)."""
    return set(db.session.scalars(select(Service.office_id).where(Service.active).distinct()))


def published(office_code: str, code: str | None = None):
    """The public site's view: an office and its active services by name (None if the
    office does not exist), or with `code` that one active service (None if it is not
    there). Codes typed into an address are checked before they reach the database."""
    office_code = (office_code or "").strip().upper()
    if not office_code.isalpha() or len(office_code) > 8:
        return None
    query = (
        select(Service)
        .join(Office)
        .where(Office.code == office_code, Service.active)
        .order_by(Service.name)
    )
    if code is None:
        office = db.session.scalar(select(Office).where(Office.code == office_code))
        return None if office is None else (office, list(db.session.scalars(query)))
    if not CODE.match(code):
        return None
    return db.session.scalar(query.where(Service.code == code))
