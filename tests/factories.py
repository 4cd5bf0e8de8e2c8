"""Small builders for test data: make_office(), make_user(...)."""

import itertools

from bureau.domain import accounts, offices
from bureau.domain.clock import sofia_today
from bureau.extensions import db
from bureau.models import Office, Role, User

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_office(code: str = "KRS", **details) -> Office:
    """The office with this code, created (Kresna's settlements for KRS) if missing."""
    office = offices.get_office(code)
    if office is not None:
        return office
    if code == "KRS":
        office = offices.create_office(**{**offices.KRESNA, **details})
    else:
        details.setdefault("name", f"Бюро {code}")
        details.setdefault("settlements", [(f"Село {code}", f"9{next(_sequence):04d}", 500)])
        office = offices.create_office(code=code, **details)
    db.session.commit()
    return office


def make_user(
    role: Role | str = Role.DESK,
    *,
    office: Office | None = None,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    **kwargs,
) -> User:
    role = Role(role)
    if office is None and role != Role.ADMIN:
        office = make_office()
    n = next(_sequence)
    user = accounts.create_user(
        email=email or f"{role.value}{n}@example.test",
        name=name or f"{role.value.title()} {n}",
        role=role,
        password=password,
        office=office,
        hash_method="pbkdf2:sha256:1000",
        **kwargs,
    )
    db.session.commit()
    return user


def make_inquiry(office: Office | None = None, *, actor: User | None = None, **fields):
    """Log an inquiry through the real intake; the PIN is kept on `inquiry.pin`."""
    from bureau.domain.cases import intake
    from bureau.domain.cases.intake import CitizenData, IntakeData

    office = office or make_office()
    citizen, now = fields.pop("citizen", None), fields.pop("now", None)
    if isinstance(citizen, dict):
        citizen = CitizenData(**citizen)
    data = IntakeData(
        category=fields.pop("category", "local_taxes"),
        description=fields.pop("description", "Въпрос за данък сгради."),
        consent=fields.pop("consent", citizen is not None),
        anonymous=fields.pop("anonymous", citizen is None),
        citizen=citizen or CitizenData(),
        **fields,
    )
    inquiry, pin = intake.log_inquiry(data, office=office, actor=actor, now=now)
    db.session.commit()
    inquiry.pin = pin
    return inquiry


def without_adjustment() -> None:
    """Give every StatRecord and service rating cell key 0: published counts are exact.

    Published statistics adjust each count by its records' keys (domain/statistics/suppression.py);
    a key of 0 means no adjustment. Tests of what is counted use this; the tests of the
    adjustment itself keep the random keys intake gives."""
    from sqlalchemy import select

    from bureau.models import ServiceRating, StatRecord

    for record in db.session.scalars(select(StatRecord)):
        record.cell_key = 0
    for rating in db.session.scalars(select(ServiceRating)):
        rating.cell_key = 0
    db.session.commit()


def make_answer(office: Office | None = None, *, publish: bool = True, author=None, **fields):
    """An answer of the library written by an expert of the office; published (approved
    by a coordinator of the office) unless told."""
    from datetime import timedelta

    from bureau.domain.answers import library

    office = office or make_office()
    author = author or make_user(Role.EXPERT, office=office)
    fields.setdefault("title", "Как се плаща данък сгради")
    fields.setdefault("body", "Данъкът се плаща в общината или онлайн.")
    fields.setdefault("categories", ["local_taxes"])
    fields.setdefault("review_by", sofia_today() + timedelta(days=180))
    answer = library.create(office, library.AnswerData(**fields), actor=author, today=sofia_today())
    if publish:
        library.submit(answer, actor=author)
        coordinator = make_user(Role.COORDINATOR, office=office)
        library.approve(answer, actor=coordinator, today=sofia_today())
    db.session.commit()
    return answer
