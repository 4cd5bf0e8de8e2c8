"""The services view, the monitoring report, their exports, the public report card and
/api/v1/public/services over HTTP: the same figures everywhere, small ones hidden,
nothing personal, never a rating's comment."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from bureau.domain.clock import sofia_today
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.domain.statistics.periods import Period, half_number
from bureau.extensions import db
from bureau.models import Recommendation, Role, ServiceRating
from tests.factories import make_inquiry, make_office, make_user, without_adjustment
from tests.web.test_commission import cells_of, excel_rows


def this_half() -> int:
    return half_number(sofia_today())


COMMENT = "Служителката Пена Тайнова-Коментарна поиска 50 лв. на ръка"


@pytest.fixture
def monitored(app):
    """Kresna's sketch service with 8 inquiries (6 late) and 10 ratings, one commented;
    its certificate of heirs with 6 inquiries (5 about the fee, 1 about access)."""
    office = make_office()
    sketch = register.save(
        office,
        ServiceData(name="Издаване на скица", code="sketch", department="Устройство на територията",
                    kind="technical", term_days=7),
        actor=None,
    )  # fmt: skip
    register.save(office, ServiceData(name="Удостоверение за наследници", code="heirs"), actor=None)
    for index in range(8):
        problems = ["term_exceeded"] if index < 6 else []
        make_inquiry(office, service="sketch", problems=problems)
    for _ in range(5):
        make_inquiry(office, service="heirs", problems=["fee"])
    make_inquiry(office, service="heirs", problems=["access"])
    for index in range(10):
        db.session.add(
            ServiceRating(
                service_id=sketch.id, office_id=office.id, rated_on=sofia_today(),
                satisfaction=5 if index < 5 else 2, within_term="no", clear_requirements="yes",
                courteous="yes", extra_payment="yes" if index == 0 else "no",
                comment=COMMENT if index == 0 else "",
            )
        )  # fmt: skip
    db.session.commit()
    without_adjustment()
    return office, sketch


def test_the_services_view_shows_each_services_figures_with_small_ones_hidden(
    client, login_as, monitored
):
    login_as(Role.COMMISSION)
    page = client.get("/commission/services")
    assert page.status_code == 200
    assert "Издаване на скица" in page.text
    problems = cells_of(page.text, "service_problems")
    # sketch: 8 inquiries, 6 with the term exceeded; heirs' one about access is "<5".
    assert problems[:3] == ["8", "6", "6"]
    heirs = problems[10:20]  # the second row of ten columns
    assert heirs[:5] == ["6", "6", "0", "0", "5"] and heirs[6] == "<5"
    ratings = cells_of(page.text, "service_ratings")
    assert ratings[1] == "5" and ratings[4] == "5"  # five 2s and five 5s
    lines = re.search(r'<table[^>]*id="service-lines".*?</table>', page.text, re.S)[0]
    assert "75,0&nbsp;%" in lines  # 6 of 8 late
    assert "3,50" in lines  # the average of five 2s and five 5s
    assert COMMENT not in page.text


def test_by_department_and_the_year_are_offered(client, login_as, monitored):
    login_as(Role.COMMISSION)
    page = client.get(
        f"/commission/services?group=department&period=year&year={sofia_today().year}"
    )
    assert page.status_code == 200
    table = re.search(r'<table[^>]*id="table-department_problems".*?</table>', page.text, re.S)[0]
    assert "Устройство на територията" in table and "не е посочено" in table
    assert cells_of(page.text, "department_problems")[:2] == ["8", "6"]
    assert 'value="department" selected' in page.text and 'value="year" selected' in page.text


def test_a_bad_period_falls_back_with_a_message_never_an_error(client, login_as, monitored):
    login_as(Role.COMMISSION)
    for query in ("year=99999", "half=7", "year=abc&half=x", "period=custom&from=2026-01"):
        page = client.get(f"/commission/services?{query}")
        assert page.status_code == 200, query
    assert "Невалиден" in client.get("/commission/services?half=7").text


def test_the_exports_carry_the_pages_figures(client, login_as, monitored):
    login_as(Role.COMMISSION)
    data = client.get("/commission/services.json").json
    line = next(i for i in data["indicators"] if i["code"] == "sketch")
    assert line["inquiries"] == {"count": 8, "suppressed": False}
    assert line["term_exceeded_percent"] == 75.0 and line["satisfaction_average"] == 3.5
    assert data["threshold"] == 5
    rows = excel_rows(client.get("/commission/services.csv").data)
    wanted = ("service_problems", "Издаване на скица", "inquiries")
    inquiries = [
        r for r in rows if (r["Код на таблицата"], r["Ред"], r["Код на колоната"]) == wanted
    ]
    assert [r["Брой"] for r in inquiries] == ["8"]
    book = load_workbook(io.BytesIO(client.get("/commission/services.xlsx").data))
    assert any("Услуги" in name for name in book.sheetnames)
    assert COMMENT not in json.dumps(data, ensure_ascii=False)


def test_the_monitoring_report_equals_the_view_and_names_the_recommendation(
    client, login_as, monitored
):
    office, _sketch = monitored
    member = login_as(Role.COMMISSION)
    half = Period.half(sofia_today().year, this_half())
    db.session.add(
        Recommendation(
            office_id=office.id, title="Скиците — в законовия срок", text="…", addressee="Кмет",
            categories=[], services=["sketch"], evidence_from=half.start,
            evidence_to=half.start, status="submitted", submitted_on=half.start,
            created_by_id=member.id,
        )
    )  # fmt: skip
    db.session.commit()
    page = client.get("/commission/monitoring")
    assert page.status_code == 200
    assert "Скиците — в законовия срок" in page.text
    assert "Метод" in page.text and "±2" in page.text
    top = re.search(r'<table[^>]*id="monitoring-top".*?</table>', page.text, re.S)[0]
    assert "Издаване на скица" in top and "75,0&nbsp;%" in top
    view = client.get("/commission/services.json").json
    report = client.get("/commission/monitoring.json").json
    assert report["tables"]["service_problems"] == view["tables"]["service_problems"]
    assert report["method"]["about_services"] == {"count": 14, "suppressed": False}
    (change,) = report["recommendations"]
    assert change["service"] == "sketch" and change["now"]["term_exceeded_percent"] == 75.0
    assert "service_problems_previous" in report["tables"]
    for kind in ("csv", "xlsx"):
        response = client.get(f"/commission/monitoring.{kind}")
        assert response.status_code == 200
        assert "monitoring" in response.headers["Content-Disposition"]


def test_desk_and_experts_do_not_see_the_services_statistics(client, login_as, monitored):
    for role in (Role.DESK, Role.EXPERT):
        login_as(role)
        for url in ("/commission/services", "/commission/monitoring", "/commission/services.csv"):
            assert client.get(url).status_code == 403, (role, url)
        client.post("/logout")


def test_the_public_report_card_and_its_data_never_carry_a_comment(client, monitored):
    args = f"year={sofia_today().year}&half={this_half()}"
    page = client.get(f"/services/KRS/report?{args}")
    assert page.status_code == 200
    assert "Издаване на скица" in page.text and "75,0&nbsp;%" in page.text
    data = client.get(f"/api/v1/public/services?office=KRS&{args}").json
    sketch = next(s for s in data["services"] if s["code"] == "sketch")
    assert sketch["inquiries"] == {"count": 8, "suppressed": False}
    assert sketch["satisfaction_average"] == 3.5
    csv_text = client.get(f"/api/v1/public/services?office=KRS&{args}&format=csv").text
    assert csv_text.startswith("office,period_from")
    for text in (page.text, json.dumps(data, ensure_ascii=False), csv_text):
        assert COMMENT not in text and "Тайнова" not in text


@pytest.mark.parametrize(
    ("query", "status"),
    [("office=NOPE", 404), ("office=KRS&year=1800", 400), ("office=KRS&half=3", 400),
     ("office=KRS&year=%00", 400), ("office=KRS&from=2026-01&to=2026-02", 400)],
)  # fmt: skip
def test_the_open_data_refuses_what_is_not_a_half_year(client, monitored, query, status):
    response = client.get(f"/api/v1/public/services?{query}")
    assert response.status_code == status
    assert response.json["message"]


def test_the_report_card_defaults_to_the_last_half_year_that_is_over(client, monitored):
    last = Period.half(sofia_today().year, this_half()).previous()
    page = client.get("/services/KRS/report")
    assert page.status_code == 200
    assert last.start.strftime("%d.%m.%Y") in page.text
    assert client.get("/services/NOPE/report").status_code == 404


def test_the_administrator_compares_offices_by_kind_and_department(client, login, monitored):
    login(make_user(Role.ADMIN))
    page = client.get("/commission/network")
    assert page.status_code == 200
    assert cells_of(page.text, "office_kind")[:3] == ["6", "8", "14"]  # KRS: adm., tech., all
    assert "Устройство на територията" in page.text


def test_the_network_ignores_an_office_in_its_address(client, login, monitored):
    login(make_user(Role.ADMIN))
    assert client.get("/commission/network?office=NOPE").status_code == 200
