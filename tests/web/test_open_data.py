"""Open data for everyone: the /open-data page and /api/v1/public/statistics."""

import csv
import io
import re
from datetime import date

import pytest

from bureau.domain import accounts, recommendations
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import Draft
from bureau.extensions import db
from bureau.models import Role
from tests.factories import PASSWORD, make_inquiry, make_office, make_user, without_adjustment

API = "/api/v1/public/statistics"


def log(n: int, office=None, **fields) -> None:
    """n inquiries; published counts of them are exact (see without_adjustment)."""
    office = office or make_office()
    for _ in range(n):
        make_inquiry(office, **fields)
    without_adjustment()


def draft(**fields) -> Draft:
    today = sofia_today()
    values = {
        "title": "Автобус до Влахи",
        "text": "Да се възстанови линията.",
        "addressee": "Общински съвет",
        "categories": ["transport_roads"],
        "evidence_from": date(today.year, 1, 1),
        "evidence_to": date(today.year, 1, 1),
    }
    return Draft(**{**values, **fields})


def test_anyone_reads_the_open_data_page(client):
    log(6)
    log(2, category="health")
    page = client.get("/open-data")
    assert page.status_code == 200
    assert "&lt;5" in page.text
    assert page.headers["Cache-Control"] == "public, max-age=3600"
    assert 'href="/api/v1/public/statistics?' in page.text


def test_api_answers_json_with_threshold_period_and_suppressed_cells(client):
    log(6)
    log(2, category="health")
    response = client.get(f"{API}?office=KRS&year={sofia_today().year}&group_by=category")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    data = response.get_json()
    assert data["threshold"] == 5
    assert data["office"]["code"] == "KRS"
    assert data["period"]["from"] == f"{sofia_today().year}-01-01"
    assert list(data["tables"]) == ["category"]
    table = data["tables"]["category"]
    codes = [row["code"] for row in table["rows"]]
    assert table["cells"][codes.index("health")] == [{"count": None, "suppressed": True}]
    assert table["cells"][codes.index("local_taxes")] == [{"count": None, "suppressed": True}]
    assert table["cells"][codes.index("education")] == [{"count": 0, "suppressed": False}]
    assert table["total"] == {"count": 8, "suppressed": False}


def test_api_gives_every_public_table_by_default_and_a_quarter_on_request(client):
    log(6)
    quarter = (sofia_today().month - 1) // 3 + 1
    data = client.get(f"{API}?year={sofia_today().year}&quarter={quarter}").get_json()
    assert set(data["tables"]) == {"category", "settlement", "month", "channel", "outcome"}
    assert data["period"]["from"][5:7] == f"{3 * quarter - 2:02d}"
    assert data["tables"]["month"]["total"] == {"count": 6, "suppressed": False}


@pytest.mark.parametrize("query", ["from=2024-05&to=2025-05", "to=2025-04", "from=2025-05"])
def test_free_month_ranges_are_not_published(client, query):
    """The attack of issue 11: two overlapping ranges subtracted gave a hidden month."""
    log(6)
    response = client.get(f"{API}?office=KRS&group_by=category&{query}")
    assert response.status_code == 400
    assert "календарни месеци, тримесечия, полугодия и години" in response.json["message"]


def test_api_csv_has_a_stable_column_set(client):
    log(6)
    response = client.get(f"{API}?format=csv&group_by=channel")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "office", "period_from", "period_to", "table", "row", "row_label", "column",
        "column_label", "count", "suppressed", "shown", "threshold",
    ]  # fmt: skip
    walk_in = next(r for r in rows if r["row"] == "walk_in")
    assert (walk_in["count"], walk_in["suppressed"]) == ("6", "false")


@pytest.mark.parametrize(
    "query, status",
    [("office=NOPE", 404), ("group_by=names", 400), ("period=x&year=abc", 400)],
)
def test_api_refuses_what_it_does_not_know(client, query, status):
    make_office()
    response = client.get(f"{API}?{query}")
    assert response.status_code == status
    assert "error" in response.get_json()


def test_api_needs_no_token_and_ignores_sessions(client, login_as):
    log(6)
    login_as(Role.COMMISSION)
    assert client.get(API).status_code == 200
    client.post("/logout")
    assert client.get(API).status_code == 200


def test_api_answers_alike_and_stays_cacheable_with_a_token(client):
    log(6)
    token = accounts.issue_api_token(make_user(Role.COMMISSION))
    db.session.commit()
    anonymous = client.get(API)
    with_token = client.get(API, headers={"Authorization": f"Bearer {token}"})
    assert with_token.status_code == 200
    assert with_token.get_json() == anonymous.get_json()
    assert with_token.headers["Cache-Control"] == "public, max-age=3600"


def test_submitted_recommendations_are_public_and_drafts_are_not(client):
    office = make_office()
    member = make_user(Role.COMMISSION, office=office)
    public = recommendations.create(office, draft(), actor=member)
    recommendations.respond(public, status="submitted", on=sofia_today(), text="",
                            version=public.version, actor=member, today=sofia_today())  # fmt: skip
    recommendations.create(office, draft(title="Тайна чернова"), actor=member)
    db.session.commit()
    page = client.get("/open-data").text
    assert "Автобус до Влахи" in page
    assert "Тайна чернова" not in page


def test_open_data_page_lists_offices_and_never_shows_a_login_form(client):
    make_office()
    make_office("MON")
    page = client.get("/open-data?office=MON")
    assert page.status_code == 200
    assert re.search(r'<option value="MON" selected>', page.text)
    assert PASSWORD not in page.text


def test_the_months_are_a_list_where_the_chart_is_too_narrow(client):
    """The months' chart is hidden on a phone; the same totals stand in as a list (it was
    an empty heading), each month as the machine-readable table counts it."""
    log(6)
    page = client.get("/open-data").text
    wrapped = r'<div class="([^"]*)">\s*<table[^>]*id="table-month".*?</table>'
    listed = re.search(wrapped, page, re.S)
    assert {"d-md-none", "d-print-none"} <= set(listed.group(1).split())
    listed = listed.group(0)
    rows = re.findall(r'<th scope="row">([^<]*)</th>\s*<td[^>]*>([^<]*)</td>', listed)
    data = client.get(f"{API}?year={sofia_today().year}&group_by=month").get_json()["tables"][
        "month"
    ]
    assert len(rows) == len(data["rows"]) > 0
    counts = [cell[0]["count"] for cell in data["cells"]]
    assert [count for _month, count in rows] == [str(c) for c in counts]
    assert rows[sofia_today().month - 1][1] == "6"
