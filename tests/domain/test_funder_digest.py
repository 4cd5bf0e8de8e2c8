"""The funder report's tables and the commission's monthly digest."""

from datetime import date

import pytest
from sqlalchemy import select

from bureau.domain import jobs
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import digest, funder
from bureau.domain.statistics.periods import Period, next_month
from bureau.extensions import db
from bureau.models import DigestRun, OutboxMessage, Role
from tests.factories import make_inquiry, make_office, make_user, without_adjustment


def this_month() -> Period:
    today = sofia_today()
    return Period.month(today.year, today.month)


def digest_day():
    """ "Today" for the digest of this month's inquiries: the first of the next month."""
    return next_month(sofia_today())


pytest_plugins = ["tests.smtp"]
pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config()


def person(gender="undisclosed", age_band="undisclosed", flags=(), name="Иван Иванов"):
    return {"name": name, "gender": gender, "age_band": age_band, "flags": list(flags)}


def counts(table) -> dict:
    return {row: cell.count for row, (cell,) in zip(table.rows, table.cells, strict=True)}


def test_sex_age_and_disadvantaged_are_mapped_as_esf_reports_them():
    office = make_office()
    for gender, age_band, flags in [
        ("female", "under-18", ()),
        ("female", "18-24", ("unemployed",)),
        ("male", "25-34", ("pensioner", "disability")),
        ("male", "35-44", ()),
        ("other", "45-54", ("single_parent",)),
        ("undisclosed", "55-64", ("minority",)),
        ("female", "65+", ()),
        ("male", "undisclosed", ()),
    ]:
        make_inquiry(office, citizen=person(gender, age_band, flags))
    without_adjustment()
    tables = funder.funder_report(office.id, this_month(), k=1)  # k=1: nothing hidden
    assert counts(tables["funder_sex"]) == {"female": 3, "male": 3, "other": 2}
    assert counts(tables["funder_age"]) == {"under_25": 2, "25_54": 3, "55_plus": 2, "unknown": 1}
    assert counts(tables["funder_disadvantaged"]) == {"disadvantaged": 4, "none": 4}
    assert all(t.total.count == 8 for t in tables.values())


def test_only_the_office_and_period_are_counted():
    office, other = make_office(), make_office("OTH")
    make_inquiry(office, citizen=person("female"))
    make_inquiry(other, citizen=person("female"))
    without_adjustment()
    tables = funder.funder_report(office.id, this_month(), k=1)
    assert tables["funder_sex"].total.count == 1
    earlier = funder.funder_report(office.id, this_month().previous(), k=1)
    assert earlier["funder_sex"].total.count == 0


def test_small_cells_are_suppressed():
    office = make_office()
    for _ in range(6):
        make_inquiry(office, citizen=person("female", "35-44"))
    for _ in range(2):
        make_inquiry(office, citizen=person("male", "35-44", ("unemployed",)))
    tables = funder.funder_report(office.id, this_month(), k=5)
    sex = tables["funder_sex"]
    male = sex.cell("male")
    assert male.suppressed and male.primary and male.count is None
    # The total and the other cells must not give the 2 back.
    assert sex.cell("female").suppressed or sex.total.suppressed
    assert sex.cell("other").count == 0  # zero stays zero
    dis = tables["funder_disadvantaged"]
    assert dis.cell("disadvantaged").suppressed
    for table in tables.values():
        for (cell,) in table.cells:
            assert cell.count is None or cell.count == 0 or cell.count >= 5


def commission_members(office):
    return [make_user(Role.COMMISSION, office=office) for _ in range(2)]


def test_digest_is_queued_once_a_month_to_each_commission_member_with_figures_only():
    office = make_office()
    members = commission_members(office)
    make_user(Role.COMMISSION, office=office).active = False
    db.session.commit()
    make_user(Role.COORDINATOR, office=office)
    secret_name, secret_text = "Зорница Неповторимова", "Тайноописание-7731 на случая"
    for _ in range(6):
        make_inquiry(office, citizen=person(name=secret_name), description=secret_text)
    for _ in range(5):
        make_inquiry(office, category="health", description=secret_text)
    without_adjustment()

    assert digest.send_monthly_digest(digest_day()) == 2
    assert digest.send_monthly_digest(digest_day()) == 0  # same month: nothing twice
    assert digest.send_monthly_digest(digest_day().replace(day=20)) == 0
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted(m.to for m in messages) == sorted(u.email for u in members)
    run = db.session.scalars(select(DigestRun)).one()
    assert run.month == this_month().start and run.recipients == 2
    link = f"/commission/?period=month&year={sofia_today().year}&month={sofia_today().month}"
    for message in messages:
        assert message.inquiry_id is None
        assert f"{sofia_today():%m.%Y}" in message.subject
        for body in (message.body_text, message.body_html):
            assert link in body.replace("&amp;", "&")
            assert "11" in body  # the total, published
            assert "Местни данъци и такси: 6" in body
            assert secret_name not in body and secret_text not in body
            assert "Иван" not in body


def test_digest_hides_a_small_total():
    office = make_office()
    commission_members(office)
    make_inquiry(office, description="Нещо лично")
    digest.send_monthly_digest(digest_day())
    message = db.session.scalars(select(OutboxMessage)).first()
    assert "<5" in message.body_text and "Нещо лично" not in message.body_text


def test_a_new_month_sends_a_new_digest():
    office = make_office()
    commission_members(office)
    assert digest.send_monthly_digest(digest_day()) == 2
    assert digest.send_monthly_digest(next_month(digest_day())) == 2
    months = db.session.scalars(select(DigestRun.month).order_by(DigestRun.month)).all()
    assert months == [this_month().start, digest_day()]


def test_previous_month_crosses_the_year():
    assert digest.previous_month(date(2026, 1, 15)) == Period.month(2025, 12)


def test_jobs_run_delivers_the_digest_through_smtp(smtp_server):
    office = make_office()
    member = make_user(Role.COMMISSION, office=office)
    for _ in range(5):
        make_inquiry(office, description="Лична история 55")
    report = jobs.run(today=digest_day())
    assert report.sent == 1
    (received,) = smtp_server.wait_for(1)
    assert received.recipients == [member.email]
    assert "Месечен обзор" in received.subject
    assert "/commission/?period=month" in received.text
    assert "Лична история 55" not in received.text + received.html
    jobs.run(today=digest_day())
    assert len(smtp_server.messages) == 1
