"""The commission's yearly report to the municipal council: the A4 page and its XLSX."""

import io
import re
from datetime import date, datetime

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select

from bureau.domain import recommendations
from bureau.domain.cases import intake
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import Draft, plans, yearly
from bureau.domain.recommendations.plans import ActionDraft
from bureau.domain.statistics import impact
from bureau.extensions import db
from bureau.models import AuditEntry, RecommendationComment, Role
from tests.factories import make_office, make_user, without_adjustment


def report_year() -> int:
    """A year that is over: every impact window has passed."""
    return sofia_today().year - 1


def report_url() -> str:
    return f"/commission/recommendations/report?year={report_year()}"


def xlsx_url() -> str:
    return f"/commission/recommendations/report.xlsx?year={report_year()}"


SECRET = "Тайна история на гражданката от Ощава"


def recommend(office, actor, title: str, *steps, categories=("transport_roads",)):
    """A recommendation of the office moved through the dated steps ((status, day), …)."""
    draft = Draft(
        title=title, text=f"Текст на „{title}“.", addressee="Общински съвет Кресна",
        categories=list(categories), evidence_from=date(report_year() - 1, 1, 1),
        evidence_to=date(report_year() - 1, 12, 1),
    )  # fmt: skip
    recommendation = recommendations.create(office, draft, actor=actor)
    for status, on in steps:
        recommendations.respond(
            recommendation, status=status, on=on, text="" if status == "submitted" else "Отговор.",
            version=recommendation.version, actor=actor, today=sofia_today(),
        )  # fmt: skip
    db.session.commit()
    return recommendation


def act(recommendation, actor, what: str, due: date):
    action = plans.add_action(
        recommendation, ActionDraft(what, "Отдел „Транспорт“", due), actor=actor
    )
    db.session.commit()
    return action


def log(office, n: int, on: date, category: str = "transport_roads") -> None:
    """n anonymous inquiries of the category received on the day (their StatRecords)."""
    for _ in range(n):
        data = IntakeData(category=category, description=SECRET, anonymous=True,
                          citizen=CitizenData())  # fmt: skip
        moment = datetime(on.year, on.month, on.day, 10, 0)
        intake.log_inquiry(data, office=office, actor=None, now=moment)
    db.session.commit()


@pytest.fixture
def year(app):
    """Kresna's year: an accepted recommendation with a done and an overdue action, a
    rejected one; a draft, another office's and another year's, none of which is in it."""
    year, today = report_year(), sofia_today()
    office = make_office()
    member = make_user(Role.COMMISSION, office=office)
    steps = ("submitted", date(year, 2, 10)), ("accepted", date(year, 3, 15))
    accepted = recommend(office, member, "Автобус до Влахи", *steps)
    done = act(accepted, member, "Нов график на линията", date(year, 6, 30))
    plans.move(done, status="done", on=date(year, 6, 1), version=done.version, today=today)
    late = act(accepted, member, "Спирка в Сливница", date(year, 9, 30))
    plans.add_note(late, text="Чака се разрешение от АПИ.", on=date(year, 10, 5), actor=member,
                   today=today)  # fmt: skip
    plans.record_review(accepted, text="Планът се изпълнява със закъснение.",
                        on=date(year, 9, 15), actor=member, today=today)  # fmt: skip
    accepted.discussion_summary = "Жителите подкрепят линията в делнични дни."
    accepted.comments.append(RecommendationComment(text=SECRET, state="published"))
    steps = ("submitted", date(year, 4, 1)), ("rejected", date(year, 5, 20))
    rejected = recommend(office, member, "Безплатен паркинг", *steps)
    recommend(office, member, "Чернова за училищата")
    other = make_office("MON")
    recommend(other, make_user(Role.COMMISSION, office=other), "Чужда препоръка",
              ("submitted", date(year, 3, 1)))  # fmt: skip
    recommend(office, member, "Стара препоръка",
              ("submitted", date(year - 2, 5, 1)), ("rejected", date(year - 2, 6, 1)))  # fmt: skip
    # Figures for the impact: before (Sep–Feb) and after (Apr–Sep) the acceptance in March.
    log(office, 8, date(year - 1, 10, 7))
    log(office, 6, date(year, 5, 12))
    without_adjustment()
    db.session.commit()
    return {"office": office, "member": member, "accepted": accepted, "rejected": rejected}


@pytest.fixture
def member(year, login):
    return login(year["member"])


def test_the_report_lists_the_years_recommendations_with_plans_and_history(client, year, member):
    response = client.get(report_url())
    assert response.status_code == 200
    page = response.text
    heading = f"Годишен доклад на консултативната комисия към общинския съвет — {report_year()}"
    assert heading in page
    assert f"Изготвен на {sofia_today():%d.%m.%Y}" in page
    assert page.index("Автобус до Влахи") < page.index("Безплатен паркинг")  # by submission
    for absent in ("Чернова за училищата", "Чужда препоръка", "Стара препоръка"):
        assert absent not in page
    assert 'yearly-status">приета<' in page and 'yearly-status">отхвърлена<' in page
    for day in (f"10.02.{report_year()}", f"15.03.{report_year()}", f"20.05.{report_year()}"):
        assert day in page  # the dated history
    actions = re.search(r'<table class="[^"]*yearly-actions.*?</table>', page, re.S)[0]
    assert "Нов график на линията" in actions and "Спирка в Сливница" in actions
    assert (
        f"30.06.{report_year()}" in actions and f"01.06.{report_year()}" in actions
    )  # due, done on
    assert actions.count("просрочено") == 1
    assert (
        f'05.10.{report_year()}: <span class="stat-text">Чака се разрешение от АПИ.</span>'
        in actions
    )
    assert "Планът се изпълнява със закъснение." in page
    assert "Жителите подкрепят линията в делнични дни." in page
    assert "Пътища и обществен транспорт" in page
    assert 'id="print-receipt"' in page and "d-print-none" in page
    assert f"report.xlsx?year={report_year()}" in page


def test_the_summary_counts_by_status(client, year, member):
    summary = re.search(r'id="yearly-summary".*?</table>', client.get(report_url()).text, re.S)[0]
    counts = dict(
        re.findall(r'<th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', summary)
    )
    assert counts["приета"] == "1" and counts["отхвърлена"] == "1" and counts["Общо"] == "2"
    assert counts["внесена"] == "0"


def test_no_case_or_citizen_text_is_in_the_report(client, year, member):
    assert SECRET not in client.get(report_url()).text
    book = load_workbook(io.BytesIO(client.get(xlsx_url()).data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert SECRET not in " ".join(str(v) for v in row)


def test_of_year_takes_what_the_year_touched(year):
    office, member = year["office"], year["member"]
    old = (
        ("submitted", date(report_year() - 1, 2, 1)),
        ("accepted", date(report_year() - 1, 3, 1)),
    )
    reviewed = recommend(office, member, "Прегледана", *old)
    plans.record_review(
        reviewed, text="Преглед.", on=date(report_year(), 1, 20), actor=member, today=sofia_today()
    )
    noted = recommend(office, member, "С бележка", *old)
    note = act(noted, member, "Действие", date(report_year() - 1, 6, 1))
    plans.add_note(
        note, text="Напредък.", on=date(report_year(), 2, 2), actor=member, today=sofia_today()
    )
    due = recommend(office, member, "Със срок", *old)
    act(due, member, "Действие със срок", date(report_year(), 12, 31))
    quiet = recommend(office, member, "Без движение", *old)
    db.session.commit()
    titles = [r.title for r in yearly.of_year(office, report_year())]
    assert titles == [
        "Прегледана",
        "С бележка",
        "Със срок",
        "Автобус до Влахи",
        "Безплатен паркинг",
    ]
    assert quiet.title not in titles
    assert [r.title for r in yearly.of_year(office, report_year() - 2)] == ["Стара препоръка"]


def test_the_xlsx_has_the_three_sheets_with_their_rows(client, year, member):
    response = client.get(xlsx_url())
    assert response.status_code == 200
    assert response.content_type.startswith("application/vnd.openxmlformats")
    assert f"{report_year()}.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["Препоръки", "Действия", "Въздействие"]
    recs = list(book["Препоръки"].iter_rows(values_only=True))
    assert recs[0][:4] == ("Препоръка", "До", "Категории", "Статус")
    assert [r[0] for r in recs[1:]] == ["Автобус до Влахи", "Безплатен паркинг"]
    bus, parking = recs[1], recs[2]
    assert bus[2:4] == ("Пътища и обществен транспорт", "приета")
    assert bus[4].date() == date(report_year(), 2, 10) and bus[5].date() == date(
        report_year(), 3, 15
    )
    assert bus[6] is None  # not implemented
    assert bus[7:12] == (2, 1, 0, 1, "Жителите подкрепят линията в делнични дни.")
    assert parking[3] == "отхвърлена" and parking[7:11] == (0, 0, 0, 0)
    assert book["Препоръки"]["E2"].number_format == "dd.mm.yyyy"
    actions = list(book["Действия"].iter_rows(values_only=True))[1:]
    assert [(a[0], a[1], a[4]) for a in actions] == [
        ("Автобус до Влахи", "Нов график на линията", "изпълнено"),
        ("Автобус до Влахи", "Спирка в Сливница", "планирано"),
    ]
    assert actions[0][3].date() == date(report_year(), 6, 30) and actions[0][5].date() == date(
        report_year(), 6, 1
    )
    assert actions[1][5] is None
    effects = list(book["Въздействие"].iter_rows(values_only=True))
    assert effects[0][:6] == ("Препоръка", "За", "Показател", "Преди", "След", "Накратко")
    assert {row[0] for row in effects[1:]} == {"Автобус до Влахи"}  # the rejected has none


def test_the_xlsx_download_is_audited(client, year, member):
    client.get(xlsx_url())
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "stats.export"))
    assert entry is not None and entry.actor_id == member.id
    assert entry.office_id == year["office"].id


def test_the_impact_figures_are_those_of_impact_measure(app, client, year, member):
    k = app.config["SUPPRESSION_THRESHOLD"]
    measured = impact.measure(year["accepted"], k=k, today=sofia_today())
    inquiries = next(i for i in measured.indicators if i.key == "inquiries")
    assert (inquiries.before, inquiries.after) == (8, 6)  # a real figure, not only "—"
    page = client.get(report_url()).text
    assert f"{measured.before.start:%m.%Y} – {measured.before.last_day:%m.%Y}" in page
    assert f"{measured.after.start:%m.%Y} – {measured.after.last_day:%m.%Y}" in page
    shown = re.findall(
        r'data-indicator="(\w+)" data-subject="([\w:]+)">\s*<td>[^<]*</td><td>[^<]*</td>\s*'
        r'<td class="text-end">([^<]*)</td><td class="text-end">([^<]*)</td>',
        page,
    )
    assert shown == [
        (i.key, i.subject, impact.number(i.before), impact.number(i.after))
        for i in measured.indicators
    ]
    assert "По-малко запитвания за „Пътища и обществен транспорт“: 8 → 6 за 6 месеца." in page
    for caution in measured.cautions:
        assert str(escape(caution)) in page
    rows = list(load_workbook(io.BytesIO(client.get(xlsx_url()).data))["Въздействие"].iter_rows(
        values_only=True))[1:]  # fmt: skip
    assert [(r[3], r[4]) for r in rows] == [
        tuple("—" if v is None else v for v in (i.before, i.after)) for i in measured.indicators
    ]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.COMMISSION, True), (Role.COORDINATOR, True), (Role.ADMIN, True),
     (Role.DESK, False), (Role.EXPERT, False), (None, False)],
    ids=lambda value: getattr(value, "value", str(value)),
)  # fmt: skip
def test_who_may_read_and_download_the_report(client, year, login_as, role, allowed):
    if role is not None:
        login_as(role)
    for path in (report_url(), xlsx_url()):
        response = client.get(path + "&office=KRS")
        if allowed:
            assert response.status_code == 200, path
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, path


def parses(value: str) -> bool:
    text = value.strip()
    return not text or (text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100)


@pytest.mark.parametrize(
    "value", ["99999999", "-1", "\x00", "abc", "", "1999", "2101", "2026.5", "9" * 300,
              "١٢", "2026\x00", " 2026 ", "%", "1e4", "0x7e9"],
)  # fmt: skip
def test_a_hostile_year_never_breaks_the_report(client, year, member, value):
    for path in ("/commission/recommendations/report", "/commission/recommendations/report.xlsx"):
        response = client.get(path, query_string={"year": value})
        assert response.status_code < 500, (path, value)
        if response.status_code != 200:
            assert 400 <= response.status_code < 500  # e.g. a NUL byte: refused app-wide
        elif path.endswith("report") and not parses(value):
            assert "Показана е текущата година." in response.text
            assert f"— {sofia_today().year}</h1>" in response.text


def test_another_offices_code_shows_the_members_own_office(client, year, member):
    page = client.get(report_url() + "&office=MON").text
    assert "Автобус до Влахи" in page and "Чужда препоръка" not in page


def test_the_register_links_to_the_yearly_report(client, year, member):
    assert "/commission/recommendations/report" in client.get("/commission/recommendations/").text
