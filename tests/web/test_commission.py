"""The commission's pages over HTTP: dashboard, exports, report, network, recommendations."""

import csv
import html
import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bureau.domain import taxonomy
from bureau.domain.cases import intake, lifecycle, timeline
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.domain.clock import sofia_today, utcnow
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.domain.statistics import records
from bureau.domain.statistics.periods import half_number
from bureau.extensions import db
from bureau.models import Citizen, Event, Inquiry, Recommendation, Role, ServiceRating
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user, without_adjustment


def log(n: int, office=None, **fields) -> None:
    """n inquiries; published counts of them are exact (see without_adjustment)."""
    office = office or make_office()
    for _ in range(n):
        make_inquiry(office, **fields)
    without_adjustment()


def excel_rows(data: bytes) -> list[dict]:
    """The people's CSV as Excel reads it: UTF-8 after a byte-order mark, semicolons."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def cells_of(page: str, table: str) -> list[str]:
    """The texts of a table's data cells, in reading order."""
    found = re.search(rf'<table[^>]*id="table-{table}".*?</table>', page, re.S)
    assert found, f"no table {table}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found[0])
    return [html.unescape(re.sub(r"\s+", " ", c)).strip() for c in cells]


def test_dashboard_shows_the_year_with_small_counts_hidden(client, login_as):
    log(6)
    log(2, category="health")
    login_as(Role.COMMISSION)
    page = client.get("/commission/")
    assert page.status_code == 200
    assert "&lt;5" in page.text
    assert "<svg" in page.text and 'role="img"' in page.text
    assert "<script>" not in page.text.replace("<script src", "")
    channel = cells_of(page.text, "channel")
    assert channel[0] == "8"  # walk-in: 6 + 2


def test_the_form_keeps_the_chosen_period_and_filters(client, login_as):
    office = make_office()
    login_as(Role.COMMISSION)
    ekatte = office.settlements[0].ekatte
    page = client.get(
        f"/commission/?period=quarter&year={sofia_today().year}&quarter=2&category=health"
        f"&settlement={ekatte}&channel=phone"
    )
    assert page.status_code == 200
    assert re.search(r'<option value="quarter" selected>', page.text)
    assert re.search(r'<option value="2" selected>', page.text)
    assert re.search(rf'<option value="{ekatte}" selected>', page.text)
    assert re.search(r'<option value="health" selected>', page.text)
    assert "само за цялата община" in page.text  # no gender or age for one village


@pytest.mark.parametrize(
    ("query", "message"),
    [("period=custom&from=2026-05&to=2026-01", "календарни месеци, тримесечия, полугодия и години"),
     ("period=week", "Невалиден период."), ("period=month&month=13", "Невалиден период.")],
)  # fmt: skip
def test_a_bad_period_falls_back_to_this_year_with_a_message(client, login_as, query, message):
    login_as(Role.COMMISSION)
    page = client.get(f"/commission/?{query}")
    assert page.status_code == 200
    assert message in page.text
    assert '<option value="year" selected>' in page.text


def test_commission_member_sees_only_their_office(client, login_as):
    log(7, make_office("MON"))
    login_as(Role.COMMISSION)
    data = client.get("/commission/export.json?office=MON").get_json()
    assert data["office"]["code"] == "KRS"
    assert data["tables"]["category_month"]["total"] == {"count": 0, "suppressed": False}


def test_admin_chooses_the_office_and_sees_the_network(client, login_as):
    log(7, make_office("MON"))
    log(6)
    login_as(Role.ADMIN)
    data = client.get("/commission/export.json?office=MON").get_json()
    assert data["tables"]["category_month"]["total"]["count"] == 7
    page = client.get("/commission/network")
    assert page.status_code == 200
    assert "MON" in page.text and "KRS" in page.text


def test_network_view_needs_its_permission(client, login_as):
    login_as(Role.COMMISSION)
    assert client.get("/commission/network").status_code == 403


def test_json_export_carries_threshold_period_filters_and_cells(client, login_as):
    log(6)
    log(2, category="health")
    login_as(Role.COMMISSION)
    data = client.get(f"/commission/export.json?period=year&year={sofia_today().year}").get_json()
    assert data["threshold"] == 5
    assert data["period"] == {"kind": "year", "from": f"{sofia_today().year}-01-01",
                              "to": f"{sofia_today().year}-12-31"}  # fmt: skip
    assert data["filters"] == {"settlement": None, "category": None, "channel": None,
                               "affiliation": None}  # fmt: skip
    table = data["tables"]["category_month"]
    health = [r["code"] for r in table["rows"]].index("health")
    assert {"count": None, "suppressed": True} in table["cells"][health]
    assert table["total"] == {"count": 8, "suppressed": False}
    assert data["figures"]["total"] == {"count": 8, "suppressed": False}


def test_exports_match_the_screen(client, login_as):
    log(6)
    log(3, channel="phone")
    log(9, channel="email")
    login_as(Role.COMMISSION)
    screen = cells_of(client.get("/commission/").text, "channel")
    rows = excel_rows(client.get("/commission/export.csv").data)
    exported = [row["Показано като"] for row in rows if row["Код на таблицата"] == "channel"]
    assert exported == screen
    # Phone's 3 is hidden; walk-in's 6, the smallest beside it, too: 18 - 9 would give it.
    assert screen == ["×", "<5", "9", "0", "0", "18"]
    book = load_workbook(io.BytesIO(client.get("/commission/export.xlsx").data))
    sheet = [row[1].value for row in book["По канал"].iter_rows(min_row=3)]
    assert sheet == ["×", "<5", 9, 0, 0, 18]


def test_exported_text_cannot_run_as_a_formula(client, login_as):
    category = taxonomy.get_category("health")
    category.label_bg = '=HYPERLINK("http://evil.example","здраве")'
    db.session.commit()
    log(6, category="health")
    login_as(Role.COMMISSION)
    text = client.get("/commission/export.csv?table=category_month").text
    assert "'=HYPERLINK" in text
    assert not re.search(r'(^|[;,])"?=HYPERLINK', text, re.M)
    book = load_workbook(io.BytesIO(client.get("/commission/export.xlsx").data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value


def test_single_table_csv_and_unknown_ones(client, login_as):
    log(6)
    login_as(Role.COMMISSION)
    response = client.get("/commission/export.csv?table=channel")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header == ("Бюро;Период от;Период до;Таблица;Ред;Колона;Брой;Скрито;Показано като;"
                      "Праг;Код на таблицата;Код на реда;Код на колоната")  # fmt: skip
    assert client.get("/commission/export.csv?table=nope").status_code == 404
    assert client.get("/commission/export.pdf").status_code == 404


def test_quarterly_report_prints_figures_tables_and_the_quarters_recommendations(client, login_as):
    office = make_office()
    member = login_as(Role.COMMISSION)
    today = sofia_today()
    recommendation = Recommendation(
        office_id=office.id, title="По-дълго работно време в Сливница", text="Текст.",
        addressee="Общински съвет", categories=["health"], evidence_from=date(today.year, 1, 1),
        evidence_to=date(today.year, 1, 1), status="submitted", submitted_on=today,
        created_by_id=member.id,
    )  # fmt: skip
    db.session.add(recommendation)
    db.session.commit()
    page = client.get("/commission/report")
    assert page.status_code == 200
    assert "По-дълго работно време в Сливница" in page.text
    assert "statistics.css" in page.text
    quarter = (today.month - 1) // 3 + 1
    assert f"Доклад за {quarter} тримесечие на {today.year} г." in page.text


def test_dashboard_takes_the_threshold_from_the_settings(app, client, login_as):
    app.config["SUPPRESSION_THRESHOLD"] = 10
    log(7)
    login_as(Role.COMMISSION)
    data = client.get("/commission/export.json").get_json()
    assert data["threshold"] == 10
    assert data["tables"]["category_month"]["total"]["suppressed"]


@pytest.fixture
def marked_cases(app):
    """Inquiries with a unique string in every personal field, worked on by an expert."""
    office = make_office()
    coordinator, expert = make_coordinator(office), make_expert(office)
    marks = {
        "name": "Зорница Пъстрогорска-Уникална",
        "phone": "0899123987",
        "email": "zornitsa.unikalna@example.bg",
        "description": "Съседът Кирчо Маркиран от ул. Тайна 17 не плаща",
        "note": "Вътрешна бележка Маркирана-Бележка-42",
        "summary": "Обобщение-Маркирано-77",
    }
    for index in range(6):
        data = IntakeData(
            category="local_taxes", description=marks["description"], consent=True,
            citizen=CitizenData(name=marks["name"], phone=marks["phone"], email=marks["email"],
                                gender="female", age_band="65+"),
            settlement_id=office.settlements[1].id,
        )  # fmt: skip
        case, _pin = intake.log_inquiry(data, office=office, actor=coordinator,
                                        now=utcnow())  # fmt: skip
        db.session.commit()
        move_to(case, "in_progress", coordinator=coordinator, expert=expert)
        timeline.add_note(case, body=marks["note"], actor=expert)
        if index % 2:
            lifecycle.transition(case, "resolved", actor=expert, outcome="advice_given",
                                 summary=marks["summary"])  # fmt: skip
        db.session.commit()
    # The marks are really stored where the desk and the expert see them.
    assert db.session.scalar(select(Citizen.name).limit(1)) == marks["name"]
    assert (
        db.session.scalar(select(Event.body).where(Event.kind == "note").limit(1)) == marks["note"]
    )
    return marks


def test_no_personal_data_reaches_any_statistics_page_or_download(client, login, marked_cases):
    office = make_office()
    pages = ["/commission/", "/commission/report", "/open-data",
             "/api/v1/public/statistics", "/api/v1/public/statistics?format=csv"]  # fmt: skip
    for kind in ("csv", "json", "xlsx"):
        pages.append(f"/commission/export.{kind}")
    for ekatte in (s.ekatte for s in office.settlements):
        pages.append(f"/commission/?settlement={ekatte}")
    # The cases are about a service, which a citizen rated with a comment naming people.
    sketch = register.save(office, ServiceData(name="Скица", code="sketch"), actor=None)
    for case in db.session.scalars(select(Inquiry)):
        case.service, case.service_problems = sketch, 1
        records.note_service(case)
    rating = ServiceRating(
        service_id=sketch.id, office_id=office.id, rated_on=sofia_today(), satisfaction=1,
        within_term="no", clear_requirements="no", courteous="no", extra_payment="yes",
        comment=marked_cases["note"],
    )  # fmt: skip
    db.session.add(rating)
    db.session.commit()
    half = f"year={sofia_today().year}&half={half_number(sofia_today())}"
    pages += ["/commission/services", "/commission/services?group=department",
              "/commission/monitoring", f"/services/KRS/report?{half}",
              f"/api/v1/public/services?office=KRS&{half}",
              f"/api/v1/public/services?office=KRS&{half}&format=csv"]  # fmt: skip
    for kind in ("csv", "json", "xlsx"):
        pages += [f"/commission/services.{kind}", f"/commission/monitoring.{kind}"]
    member = login(make_user(Role.COMMISSION, office=office))
    recommendation = Recommendation(
        office_id=office.id, title="Данъци", text="Текст.", addressee="Съвет",
        categories=["local_taxes"], evidence_from=date(sofia_today().year, 1, 1),
        evidence_to=date(sofia_today().year, 12, 1), status="submitted", submitted_on=sofia_today(),
        created_by_id=member.id,
    )  # fmt: skip
    db.session.add(recommendation)
    db.session.commit()
    pages += ["/commission/recommendations/", f"/commission/recommendations/{recommendation.id}",
              f"/api/v1/public/statistics?year={sofia_today().year}&quarter=1"]  # fmt: skip
    pages += _the_loop_from_cases_to_change(office, member, marked_cases)
    seen = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append((url, response.data.decode("utf-8", "replace")))
        if url.endswith("xlsx"):
            book = load_workbook(io.BytesIO(response.data))
            text = json.dumps([[c.value for r in s.iter_rows() for c in r] for s in book],
                              ensure_ascii=False, default=str)  # fmt: skip
            seen.append((url, text))
    client.post("/logout")
    for url in ("/open-data", "/api/v1/public/statistics", f"/services/KRS/report?{half}"):
        seen.append((url, client.get(url).text))
    login(make_user(Role.ADMIN))
    for url in (
        "/commission/network",
        "/commission/?office=KRS",
        "/commission/export.json",
        "/commission/services?office=KRS",
        "/commission/monitoring.json?office=KRS",
    ):
        seen.append((url, client.get(url).text))
    for url, text in seen:
        for field, mark in marked_cases.items():
            assert mark not in text, f"{field} on {url}"
        for word in ("Пъстрогорска", "Кирчо", "Маркиран", "0899123987", "unikalna"):
            assert word not in text, f"{word} on {url}"


def _the_loop_from_cases_to_change(office, member, marks) -> list[str]:
    """Evidence flagged from the marked cases (one vignette approved, one naming the citizen
    still waiting), a table frozen, a recommendation citing both, accepted with an action
    plan and open for comments: the pages where each shows."""
    from bureau.domain import recommendations
    from bureau.domain.recommendations import evidence, frozen

    case = db.session.scalars(select(Inquiry)).first()
    coordinator = make_coordinator(office)
    clean = "Възрастни жители чакат удостоверение за данъчна оценка повече от законовия срок."
    approved = evidence.flag(case, evidence.EvidenceDraft("term_exceeded", "local_taxes", clean),
                             actor=coordinator)  # fmt: skip
    evidence.approve(approved, version=approved.version, actor=coordinator, checked=True)
    naming = f"{marks['name']}, {marks['phone']}: {marks['description']} — {marks['note']}"
    evidence.flag(case, evidence.EvidenceDraft("fee", "local_taxes", naming), actor=coordinator)
    view = frozen.freeze(office.id, title="Канали", table="channel", args={},
                         document={"tables": {"channel": {"rows": [], "columns": []}},
                                   "threshold": 5}, actor=member)  # fmt: skip
    year = sofia_today().year
    made = recommendations.create(
        office,
        recommendations.Draft("Срокове", "Текст.", "Кмет", ["local_taxes"], date(year, 1, 1),
                              date(year, 1, 1), evidence=[approved.id], views=[view.id]),
        actor=member,
    )  # fmt: skip
    today = sofia_today()
    for status in ("submitted", "accepted"):
        recommendations.respond(made, status=status, on=today - timedelta(days=200), text="Да.",
                                version=made.version, actor=member, today=today)  # fmt: skip
    made.comments_from, made.comments_to = today, today + timedelta(days=10)
    db.session.commit()
    return [
        "/commission/evidence/",
        "/commission/views/",
        f"/commission/recommendations/{made.id}",
        f"/commission/recommendations/report?year={today.year}",
        f"/commission/recommendations/report.xlsx?year={today.year}",
        f"/recommendations/{made.id}",
        "/open-data",
    ]


def test_the_summary_can_be_recounted_from_the_command_line(app):
    log(6)
    result = app.test_cli_runner().invoke(args=["commission", "rebuild-summary"])
    assert result.exit_code == 0, result.output
    assert "Recounted 1 office-months." in result.output
    unknown = app.test_cli_runner().invoke(args=["commission", "rebuild-summary", "--office", "X"])
    assert unknown.exit_code != 0


def test_a_running_year_says_so_and_names_the_months_it_is_compared_with(client, login_as):
    log(6)
    login_as(Role.COMMISSION)
    page = client.get(f"/commission/?period=year&year={sofia_today().year}").text
    assert "Периодът не е приключил: данни до" in page
    assert f"спрямо същите месеци на {sofia_today().year - 1}" in page  # the rising categories
    finished = client.get(f"/commission/?period=year&year={sofia_today().year - 1}").text
    assert "предходен период" in re.search(r'stat-comparison">([^<]*)<', finished)[1]
    assert "Периодът не е приключил" not in finished
    report = client.get("/commission/report")
    assert report.status_code == 200 and "Периодът не е приключил" in report.text


def on_day(monkeypatch, day: date) -> None:
    """The commission's pages count as if today were `day`."""
    from bureau.web.commission import views
    from bureau.web.common import loaders

    monkeypatch.setattr(views, "sofia_today", lambda: day)
    monkeypatch.setattr(loaders, "sofia_today", lambda: day)


def test_a_running_quarter_sets_its_finished_months_beside_the_same_months_before(
    client, login_as, monkeypatch
):
    office = make_office()
    log(8, office, now=datetime(2025, 10, 6, 10))
    log(9, office, now=datetime(2025, 12, 6, 10))  # December 2026 has only begun
    log(10, office, now=datetime(2026, 10, 5, 10))
    log(1, office, now=datetime(2026, 12, 1, 10))
    on_day(monkeypatch, date(2026, 12, 1))
    login_as(Role.COMMISSION, office=office)
    page = client.get("/commission/?period=quarter&year=2026&quarter=4").text
    comparison = html.unescape(re.search(r'stat-comparison">([^<]*)<', page)[1])
    assert "Приключилите месеци (октомври–ноември): 10; същите месеци на 2025: 8" in comparison
    assert "(+25,0\xa0%)" in comparison  # not -35 %: 11 against 17
    assert "данни до 01.12.2026 вкл." in page
    rising = re.search(r'id="h-rising".*?</section>', page, re.S)[0]
    assert "октомври–ноември 2026" in rising and "октомври–ноември 2025" in rising
    data = client.get("/commission/export.json?period=quarter&year=2026&quarter=4").get_json()
    assert data["comparison"]["months"] == {
        "kind": "same_months", "from": "2026-10-01", "to": "2026-11-30"
    }  # fmt: skip
    assert data["comparison"]["with"]["to"] == "2025-11-30"
    figures = data["figures"]
    assert (figures["total"]["count"], figures["compared_total"]["count"]) == (11, 10)
    assert figures["change_percent"] == {"value": 25.0, "withheld": False}

    on_day(monkeypatch, date(2026, 10, 20))
    first = client.get("/commission/?period=quarter&year=2026&quarter=4").text
    comparison = re.search(r'stat-comparison">([^<]*)<', first)[1]
    assert "след края на първия месец от периода" in comparison
    assert "Сравнението започва след края на първия месец от периода." in first
