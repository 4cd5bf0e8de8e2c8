"""Offices and the settlements they serve."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from bureau.domain import DomainError
from bureau.extensions import db
from bureau.models import Institution, Office, Settlement

# Kresna municipality. EKATTE codes from the national register; populations are
# rounded recent estimates, used only for "per 1,000 inhabitants" figures. Both are
# data an administrator can correct. Будилци was joined to Сливница.
KRESNA = {
    "code": "KRS",
    "name": "Бюро за информиране и съветване — Кресна",
    "municipality": "Кресна",
    "address": "гр. Кресна, ул. „Македония“ 99, Община Кресна",
    "phone": "07433 2120",
    "email": "bureau@kresna.bg",
    "opening_hours": "Пн–Пт 9:00–17:00",
    "settlements": [
        ("Кресна", "39504", 3300),
        ("Влахи", "11394", 40),
        ("Горна Брезница", "16349", 350),
        ("Долна Градешница", "22215", 350),
        ("Сливница", "67324", 300),
        ("Стара Кресна", "68984", 30),
        ("Ощава", "54383", 150),
    ],
}


# Partner municipalities that may share one installation (demo data for a network).
# EKATTE codes and rounded populations as for Kresna: data an administrator can correct.
PARTNERS = [
    {"code": "STR", "name": "Бюро за информиране и съветване — Струмяни",
     "municipality": "Струмяни", "address": "с. Струмяни, Община Струмяни",
     "opening_hours": "Пн–Пт 9:00–17:00",
     "settlements": [("Струмяни", "69993", 800), ("Микрево", "48057", 1700),
                     ("Илинденци", "32514", 700), ("Драката", "23683", 200),
                     ("Каменица", "35928", 300)]},
    {"code": "MON", "name": "Бюро за информиране и съветване — Монтана",
     "municipality": "Монтана", "address": "гр. Монтана, ул. „Извора“ 1",
     "opening_hours": "Пн–Пт 8:30–17:30",
     "settlements": [("Монтана", "48489", 38000), ("Безденица", "03318", 500),
                     ("Долно Белотинци", "22085", 1100), ("Смоляновци", "67787", 900),
                     ("Крапчене", "39472", 700)]},
    {"code": "IHT", "name": "Бюро за информиране и съветване — Ихтиман",
     "municipality": "Ихтиман", "address": "гр. Ихтиман, ул. „Цар Освободител“ 123",
     "opening_hours": "Пн–Пт 9:00–17:00",
     "settlements": [("Ихтиман", "32216", 12000), ("Вакарел", "10094", 1700),
                     ("Живково", "29290", 900), ("Мирово", "48204", 400),
                     ("Стамболово", "68891", 300)]},
    {"code": "BEL", "name": "Бюро за информиране и съветване — Белене",
     "municipality": "Белене", "address": "гр. Белене, ул. „България“ 35",
     "opening_hours": "Пн–Пт 8:00–16:30",
     "settlements": [("Белене", "03366", 7500), ("Деков", "20376", 500),
                     ("Петокладенци", "56321", 300), ("Кулина вода", "40364", 200),
                     ("Татари", "72223", 300)]},
]  # fmt: skip

# The institutions a Kresna case is most often referred to (admin-editable per office).
DEFAULT_INSTITUTIONS = [
    ("social_assistance_directorate", "Дирекция „Социално подпомагане“ — Кресна"),
    ("noi", "Национален осигурителен институт (НОИ) — Благоевград"),
    ("nra", "Национална агенция за приходите (НАП) — Благоевград"),
    ("rhi", "Регионална здравна инспекция (РЗИ) — Благоевград"),
    ("labour_office", "Дирекция „Бюро по труда“"),
    ("municipal_local_taxes", "Община Кресна — отдел „Местни данъци и такси“"),
    ("municipal_construction", "Община Кресна — отдел „Устройство на територията“"),
    ("municipal_civil_registration", "Община Кресна — „Гражданска регистрация“"),
]


# The kind of a seeded institution, by the first word of its code.
INSTITUTION_KINDS_BY_CODE = {
    "social": "social_assistance",
    "noi": "noi",
    "nra": "nra",
    "rhi": "rhi",
    "labour": "labour",
    "municipal": "municipal",
}


def get_office(code: str) -> Office | None:
    return db.session.scalar(select(Office).where(Office.code == code.strip().upper()))


def create_office(
    *, code: str, name: str, settlements: list[tuple[str, str, int | None]] = (), **details
) -> Office:
    """A new office with its settlements (name, EKATTE code, population)."""
    code = code.strip().upper()
    if not code.isalpha() or not 2 <= len(code) <= 8:
        raise DomainError(_l("Кодът трябва да е от 2 до 8 латински букви."), "code")
    if get_office(code) is not None:
        raise DomainError(_l("Вече има офис с този код."), "code")
    office = Office(code=code, name=name, **details)
    for settlement_name, ekatte, population in settlements:
        office.settlements.append(
            Settlement(name=settlement_name, ekatte=ekatte, population=population)
        )
    db.session.add(office)
    db.session.flush()
    seed_institutions(office)
    return office


def seed_institutions(office: Office) -> None:
    """The default institutions for referrals, where the office has none yet."""
    existing = set(
        db.session.scalars(select(Institution.code).where(Institution.office_id == office.id))
    )
    for code, name in DEFAULT_INSTITUTIONS:
        if code not in existing:
            kind = INSTITUTION_KINDS_BY_CODE.get(code.partition("_")[0], "other")
            db.session.add(Institution(office_id=office.id, code=code, name=name, kind=kind))
    db.session.flush()


def update_office(office: Office, **details) -> None:
    """The administrator edits an office's public details."""
    for key in ("name", "municipality", "address", "phone", "email", "opening_hours"):
        if key in details:
            setattr(office, key, (details[key] or "").strip())
    if "auto_assign" in details:
        office.auto_assign = bool(details["auto_assign"])


def institutions(office_id: int) -> list[Institution]:
    """The institutions the office refers cases to, active ones only: its own, then the
    national ones every office shares."""
    own = or_(Institution.office_id == office_id, Institution.office_id.is_(None))
    query = select(Institution).where(own, Institution.active)
    order = (Institution.office_id.is_(None), Institution.id)
    return list(db.session.scalars(query.order_by(*order)))


def list_offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.name)))


def save_settlement(
    office: Office,
    *,
    name: str,
    ekatte: str,
    population: int | None,
    active: bool = True,
    settlement: Settlement | None = None,
) -> Settlement:
    """Add a settlement to the office, or correct one (name, EKATTE code, population)."""
    name, ekatte = (name or "").strip(), (ekatte or "").strip()
    if not name:
        raise DomainError(_l("Въведете име на населеното място."), "name")
    if not (ekatte.isdigit() and len(ekatte) == 5):
        raise DomainError(_l("Кодът по ЕКАТТЕ е от 5 цифри."), "ekatte")
    if population is not None and population < 0:
        raise DomainError(_l("Населението не може да е отрицателно."), "population")
    clash = next(
        (s for s in office.settlements if s.ekatte == ekatte and s is not settlement), None
    )
    if clash is not None:
        raise DomainError(_l("Вече има населено място с този код."), "ekatte")
    if settlement is None:
        settlement = Settlement(name=name, ekatte=ekatte)
        office.settlements.append(settlement)
    settlement.name, settlement.ekatte = name, ekatte
    settlement.population, settlement.active = population, active
    db.session.flush()
    return settlement
