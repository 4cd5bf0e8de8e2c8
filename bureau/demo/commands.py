"""`flask --app wsgi demo load|logins`: a demo bureau to try Bureau out."""

import time
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from bureau.demo import answers as demo_answers
from bureau.demo import data
from bureau.demo import recommendations as demo_recommendations
from bureau.domain import accounts, clock, experts, offices, taxonomy
from bureau.domain.answers import library
from bureau.domain.services import importing, register
from bureau.domain.statistics import cube
from bureau.extensions import db
from bureau.models import Answer, Role

demo_cli = AppGroup("demo", help="Demo data for trying Bureau out.")

# More experts for routing: (e-mail, name, affiliation, organisation, category codes).
# Each demo office's register of municipal services, in the import's own CSV format.
SERVICES = Path(__file__).parent / "services"

DEMO_EXPERTS = [
    ("expert@kresna.test", "Елена Експерт", "ngo", "Сдружение „Граждански съвет“",
     ["social_assistance", "pensions_disability", "health"]),
    ("lawyer@kresna.test", "Николай Юристов", "ngo", "Адвокатска колегия — Благоевград",
     ["property_land", "consumer", "employment", "other"]),
    ("taxes@kresna.test", "Силвия Данъчна", "municipal", "Отдел „Местни данъци и такси“",
     ["local_taxes", "utilities", "admin_complaint", "policy_proposal"]),
    ("registry@kresna.test", "Георги Общински", "municipal", "Отдел „Устройство на територията“",
     ["construction", "civil_registration", "transport_roads", "environment",
      "corruption_signal", "education"]),
]  # fmt: skip

DEMO_USERS = [
    ("admin@bureau.test", "Администратор Демо", Role.ADMIN, None),
    ("coordinator@kresna.test", "Мария Координатор", Role.COORDINATOR, "KRS"),
    ("desk@kresna.test", "Иван Приемна", Role.DESK, "KRS"),
    ("expert@kresna.test", "Елена Експерт", Role.EXPERT, "KRS"),
    ("commission@kresna.test", "Петър Комисия", Role.COMMISSION, "KRS"),
]


def demo_password(role: Role) -> str:
    return f"{role.value}-demo-2026"


# Four times a national network's ten years: enough for any bench, and a typo of a few
# more digits is refused at once rather than running for days.
MAX_CASES = 50_000_000


@demo_cli.command("load")
@click.option(
    "--cases",
    "n_cases",
    default=0,
    show_default=True,
    type=click.IntRange(0, MAX_CASES),
    help="Inquiries to add (a national network's ten years are about 13 million).",
)
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--network",
    is_flag=True,
    help="Also create the partner offices (Strumyani, Montana, Ihtiman, Belene) and share "
    "the cases among all five by population.",
)
@click.option(
    "--offices",
    "n_offices",
    default=5,
    show_default=True,
    type=click.IntRange(5, 600),
    help="With --network: this many offices — the five above, then numbered demo offices "
    "(a national network is 265).",
)
@click.option(
    "--years",
    default=3,
    show_default=True,
    type=click.IntRange(1, 20),
    help="Spread the inquiries over this many years, up to today.",
)
def load_demo(n_cases, seed, network, n_offices, years):
    """Create Kresna, one demo user per role and N synthetic inquiries."""
    taxonomy.seed_default_taxonomy()
    office = offices.get_office("KRS") or offices.create_office(**offices.KRESNA)
    for email, name, role, office_code in DEMO_USERS:
        if accounts.get_user_by_email(email) is None:
            accounts.create_user(
                email=email,
                name=name,
                role=role,
                password=demo_password(role),
                office=office if office_code else None,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
    _demo_experts(office)
    _demo_services(office)
    _demo_answers(office)
    db.session.commit()
    shares = [(office, n_cases)]
    if network:
        shares = _network_shares(office, n_cases, n_offices)
        for partner, _share in shares[1:]:
            _demo_services(partner)
    started = time.perf_counter()
    shares = [(share_office, share) for share_office, share in shares if share]
    samples = data.load_many(shares, seed=seed, years=years) if shares else []
    db.session.commit()
    for (share_office, share), (reference, pin) in zip(shares, samples, strict=True):
        if len(shares) <= 10 or share_office.code == "KRS":
            click.echo(f"  {share_office.code}: {share:,} inquiries; try {reference} PIN {pin}")
    if len(shares) > 10:
        click.echo(f"  … and {len(shares) - 1} more offices")
    if n_cases:
        elapsed = time.perf_counter() - started
        click.echo(f"Loaded {n_cases:,} inquiries in {elapsed:.1f} s ({n_cases / elapsed:,.0f}/s).")
        # The bulk rows bypassed the ORM: recount the commission's monthly summary now,
        # rather than in the first dashboard request.
        started = time.perf_counter()
        months = cube.rebuild_all([office.id for office, share in shares if share])
        db.session.commit()
        click.echo(
            f"Statistics summary rebuilt: {months} months in {time.perf_counter() - started:.1f} s."
        )
    demo_recommendations.load(office)  # after the cases: evidence is flagged from them
    db.session.commit()
    _echo_logins_and_receipt()


NUMBERED = "DM"  # the numbered demo offices' codes: DMAF, DMAG, …


def _numbered_office(number: int) -> dict:
    """Demo office number `number` (6 …) of a national network: one settlement of 3,000 to
    42,000 inhabitants (most of Bulgaria's 265 municipalities are small)."""
    code = NUMBERED + chr(65 + number // 26) + chr(65 + number % 26)
    population = 3_000 + number * 7_919 % 39_000
    return {
        "code": code,
        "name": f"Бюро за информиране и съветване — община {number} (демо)",
        "municipality": f"Община {number} (демо)",
        "address": f"Община {number}",
        "opening_hours": "Пн–Пт 9:00–17:00",
        "settlements": [(f"Град {number} (демо)", f"9{number:04d}", population)],
    }


def _network_shares(kresna, n_cases: int, n_offices: int = 5) -> list:
    """The offices with a coordinator, an expert and a desk each (a numbered demo office:
    an expert), and their share of cases by population."""
    network = [kresna]
    for partner in [*offices.PARTNERS, *map(_numbered_office, range(6, n_offices + 1))]:
        office = offices.get_office(partner["code"]) or offices.create_office(**partner)
        network.append(office)
        numbered = partner["code"].startswith(NUMBERED)
        for role in (Role.EXPERT,) if numbered else (Role.COORDINATOR, Role.EXPERT, Role.DESK):
            email = f"{role.value}@{office.code.lower()}.test"
            if accounts.get_user_by_email(email) is None:
                user = accounts.create_user(
                    email=email,
                    name=f"{role.value.title()} {office.municipality}",
                    role=role,
                    password=demo_password(role),
                    office=office,
                    hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                )
                if role == Role.EXPERT:
                    experts.update_profile(
                        user,
                        affiliation="municipal",
                        organisation=office.municipality,
                        capacity=40,
                        on_leave_until=None,
                        category_ids=[c.id for c in taxonomy.categories()],
                    )
    db.session.flush()
    populations = [sum(s.population or 0 for s in o.settlements) or 1 for o in network]
    total = sum(populations)
    shares = [n_cases * p // total for p in populations]
    shares[0] += n_cases - sum(shares)
    return list(zip(network, shares, strict=True))


def _demo_services(office) -> None:
    """The office's municipal services (bureau/demo/services/<CODE>.csv, the importer's own
    format), where its register is still empty."""
    path = SERVICES / f"{office.code}.csv"
    if path.exists() and not register.of_office(office.id):
        report = importing.import_services(office, path.name, path.read_bytes(), actor=None)
        if report.refused:
            raise click.ClickException(f"{path}: {report.refused[0].reason}")


def _demo_answers(office) -> None:
    """The office's answers library (bureau/demo/answers.py), where it has none yet: each
    written by the expert of its field, submitted and approved by the coordinator through
    the library's own steps, on the day it was last reviewed (so the handbook's dates
    differ and a few answers are past their review-by date)."""
    if db.session.scalar(select(Answer.id).where(Answer.office_id == office.id).limit(1)):
        return
    coordinator = accounts.get_user_by_email("coordinator@kresna.test")
    today = clock.sofia_today()
    for item in demo_answers.ANSWERS:
        author = _author_of(item["categories"][0])
        day = today - timedelta(days=item["reviewed"])
        fields = {k: v for k, v in item.items() if k not in ("state", "local", "reviewed")}
        answer = library.create(office, library.AnswerData(**fields), actor=author, today=day)
        state = item.get("state", "published")
        if state != "draft":
            library.submit(answer, actor=author)
        if state in ("published", "stale"):
            library.approve(answer, actor=coordinator, today=day)
        if item.get("local"):
            library.set_local_part(answer, office, item["local"], actor=coordinator)
        moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
        for version in answer.versions:  # as if written and approved on that day
            version.created_at = moment


def _author_of(category: str):
    email = next((e[0] for e in DEMO_EXPERTS if category in e[4]), DEMO_EXPERTS[0][0])
    return accounts.get_user_by_email(email)


def _demo_experts(office) -> None:
    categories = {c.code: c.id for c in taxonomy.categories()}
    for email, name, affiliation, organisation, codes in DEMO_EXPERTS:
        user = accounts.get_user_by_email(email) or accounts.create_user(
            email=email,
            name=name,
            role=Role.EXPERT,
            password=demo_password(Role.EXPERT),
            office=office,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
        if user.expert_profile is None:
            experts.update_profile(
                user,
                affiliation=affiliation,
                organisation=organisation,
                capacity=40,
                on_leave_until=None,
                category_ids=[categories[c] for c in codes],
            )
    offices.seed_institutions(office)


@demo_cli.command("logins")
def print_demo_logins():
    """Print the demo users and their passwords, and a demo receipt with a fresh PIN."""
    _echo_logins_and_receipt()


def _echo_logins_and_receipt() -> None:
    _echo_logins()
    if (receipt := data.fresh_receipt()) is not None:
        db.session.commit()
        reference, pin = receipt
        click.echo(f"A citizen's receipt to try at {_site()}/status: {reference}, PIN {pin}")


def _site() -> str:
    return (current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")


def _echo_logins() -> None:
    click.echo(f"Demo logins ({_site()}/login):")
    for email, _name, role, _office in DEMO_USERS:
        click.echo(f"  {role.value:<12} {email:<28} {demo_password(role)}")
    others = ", ".join(email for email, *_rest in DEMO_EXPERTS[1:])
    click.echo(f"  more experts (password {demo_password(Role.EXPERT)}): {others}")
    roles = sorted(current_app.config.get("MFA_REQUIRED_ROLES") or ())
    if roles:
        click.echo(
            f"  {' and '.join(roles)} enrol an authenticator app (two-factor login) at their "
            "first login: scan the QR code it shows with FreeOTP, Aegis, Google or Microsoft "
            "Authenticator. Without a phone: BUREAU_MFA_REQUIRED_ROLES= make run (demo only)."
        )
