"""The services' pages as an outsider attacks them: extreme periods, repeated and unknown
parameters, another office's codes and ids, huge and unreadable text. Each answers a 4xx
or the page with a message — never a 500 — and nothing personal, no rating's comment and
no other office's figure reaches a commission, public or open-data answer."""

import io

import pytest
from sqlalchemy import func, select

from bureau.domain.clock import sofia_today
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import Role, Service, ServiceRating
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

COMMENT = "КОМЕНТАР-НА-ГРАЖДАНИН"
CITIZEN = "Иван Граждани-Тайнов"
DESCRIPTION = "ОПИСАНИЕ-НА-СЛУЧАЯ"
FOREIGN = "Струмянска-тайна-услуга"
PERSONAL = (COMMENT, CITIZEN, DESCRIPTION)

COMMISSION_PATHS = [
    "/commission/services",
    "/commission/services.csv",
    "/commission/services.xlsx",
    "/commission/services.json",
    "/commission/monitoring",
    "/commission/monitoring.csv",
    "/commission/monitoring.xlsx",
    "/commission/monitoring.json",
]
PUBLIC_PATHS = [
    ("/services/KRS/report", {}),
    ("/api/v1/public/services", {"office": "KRS"}),
    ("/api/v1/public/services", {"office": "KRS", "format": "csv"}),
]
EXTREME = ["0", "-1", "99999", str(2**63), "9" * 30, "1e9", "2026.5", "", "x"]


@pytest.fixture
def world(app):
    """Kresna and Strumyani, a service each with cases (a named citizen and a
    description in Kresna) and commented ratings; a user of every role in Kresna."""
    kresna, strumyani = make_office(), make_office("STR")
    sketch = register.save(
        kresna, ServiceData(name="Издаване на скица", code="skitsa", department="УТ"), actor=None
    )
    theirs = register.save(strumyani, ServiceData(name=FOREIGN, code="str-secret"), actor=None)
    for _ in range(7):
        make_inquiry(
            kresna, service="skitsa", problems=["fee"], description=DESCRIPTION,
            citizen={"name": CITIZEN}, anonymous=False, consent=True,
        )  # fmt: skip
        make_inquiry(strumyani, service="str-secret", problems=["fee"])
    for service in (sketch, theirs):
        for _ in range(6):
            db.session.add(
                ServiceRating(
                    service_id=service.id, office_id=service.office_id, rated_on=sofia_today(),
                    satisfaction=3, within_term="no", clear_requirements="yes",
                    courteous="yes", extra_payment="no", comment=COMMENT,
                )
            )  # fmt: skip
    users = {role: make_user(role, office=None if role == Role.ADMIN else kresna) for role in Role}
    db.session.commit()
    return {"sketch": sketch, "theirs": theirs, "users": users, "strumyani": strumyani}


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    return client


def body_of(response) -> str:
    data = response.get_data()
    if response.mimetype.endswith("sheet"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return data.decode("utf-8-sig")


# Periods and parameters -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["year", "half", "period", "group"])
def test_extreme_periods_on_the_commissions_services_are_a_page_with_a_message(app, world, name):
    commission = signed_in(app, world["users"][Role.COMMISSION])
    for path in COMMISSION_PATHS:
        for value in EXTREME:
            response = commission.get(path, query_string={name: value})
            assert response.status_code == 200, (path, value, response.status_code)
    page = commission.get("/commission/services", query_string={"year": "99999"}).text
    assert "Невалидна година." in page


@pytest.mark.parametrize("name", ["year", "half"])
def test_extreme_periods_on_the_public_figures_are_a_400(app, world, name):
    client = app.test_client()
    for path, args in PUBLIC_PATHS:
        for value in ["0", "-1", "99999", str(2**63), "9" * 30, "1e9", "3", "x"]:
            query = {**args, "year": "2026", "half": "1", name: value}
            response = client.get(path, query_string=query)
            assert response.status_code == 400, (path, value, response.status_code)
    page = client.get("/services/KRS/report?year=99999&half=1")
    assert "Невалидна година." in page.text


def test_repeated_parameters_take_the_first_and_never_fail(app, world):
    commission = signed_in(app, world["users"][Role.COMMISSION])
    query = "year=2026&year=0&half=1&half=7&group=department&group=x&period=year&period=half"
    for path in COMMISSION_PATHS:
        assert commission.get(f"{path}?{query}").status_code == 200
    client = app.test_client()
    assert client.get(f"/services/KRS/report?{query}").status_code == 200
    assert client.get(f"/api/v1/public/services?office=KRS&{query}").status_code == 200


def test_the_open_data_refuses_a_format_it_does_not_write(client, world):
    for path in ("/api/v1/public/services", "/api/v1/public/statistics"):
        response = client.get(path, query_string={"office": "KRS", "format": "xlsx"})
        assert response.status_code == 400
        assert response.json["message"] == "format must be json or csv"
        assert client.get(path, query_string={"office": "KRS", "format": ""}).is_json


def test_csv_answers_name_their_charset_once(app, world):
    answer = app.test_client().get("/api/v1/public/services?office=KRS&format=csv")
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    commission = signed_in(app, world["users"][Role.COMMISSION])
    for path in (
        "/commission/services.csv",
        "/commission/monitoring.csv",
        "/commission/export.csv",
    ):
        assert commission.get(path).headers["Content-Type"] == "text/csv; charset=utf-8"


def test_unreadable_text_in_a_query_is_a_400(app, world):
    commission = signed_in(app, world["users"][Role.COMMISSION])
    for path in ["/commission/services", "/commission/monitoring.json"]:
        assert commission.get(f"{path}?year=20%0026").status_code == 400
    client = app.test_client()
    assert client.get("/services/KRS?q=a%00b").status_code == 400
    assert client.get("/api/v1/public/services?office=K%00RS").status_code == 400


# Offices --------------------------------------------------------------------------------


def test_the_commission_never_sees_another_offices_services(app, world):
    commission = signed_in(app, world["users"][Role.COMMISSION])
    for path in COMMISSION_PATHS:
        for office in ("STR", "str", "STR&office=KRS"):
            response = commission.get(f"{path}?office={office}")
            assert response.status_code == 200
            assert FOREIGN not in body_of(response), (path, office)
    assert commission.get("/commission/network").status_code == 403


def test_a_coordinator_never_sees_or_writes_another_offices_register(app, world):
    coordinator = signed_in(app, world["users"][Role.COORDINATOR])
    theirs = world["theirs"]
    assert coordinator.get(f"/admin/services/{theirs.id}").status_code == 404
    edit = {"name": "Подменена", "office": str(theirs.office_id), "kind": "administrative"}
    assert coordinator.post(f"/admin/services/{theirs.id}", data=edit).status_code == 404
    assert FOREIGN not in coordinator.get(f"/admin/services/?q={FOREIGN[:10]}").text
    # An office id typed into the form is not a way into another office's register.
    new = {"name": "Вмъкната", "office": str(theirs.office_id), "kind": "administrative"}
    coordinator.post("/admin/services/new", data=new)
    sheet = "name;department\nВмъкната от файл;x\n".encode()
    upload = {"office": str(theirs.office_id), "file": (io.BytesIO(sheet), "register.csv")}
    coordinator.post("/admin/services/import", data=upload, content_type="multipart/form-data")
    strumyani = db.session.scalars(
        select(Service.name).where(Service.office_id == world["strumyani"].id)
    ).all()
    assert strumyani == [FOREIGN]


def test_a_case_never_names_another_offices_service(app, world):
    coordinator = signed_in(app, world["users"][Role.COORDINATOR])
    mine, theirs = make_inquiry(), make_inquiry(world["strumyani"])
    db.session.commit()
    refused = coordinator.post(f"/cases/{mine.reference}/service", data={"service": "str-secret"})
    assert refused.status_code == 422
    assert "Изберете услуга от регистъра на общината." in refused.text
    answer = coordinator.post(f"/cases/{theirs.reference}/service", data={"service": "skitsa"})
    assert answer.status_code == 404
    db.session.expire_all()
    assert mine.service is None and theirs.service is None


# Nothing personal -----------------------------------------------------------------------


def test_no_comment_or_personal_data_in_any_statistics_answer(app, world):
    answers = []
    commission = signed_in(app, world["users"][Role.COMMISSION])
    answers += [commission.get(path) for path in COMMISSION_PATHS]
    admin = signed_in(app, world["users"][Role.ADMIN])
    answers += [admin.get("/commission/network"), admin.get("/commission/services?office=STR")]
    client = app.test_client()
    answers += [client.get(path, query_string=args) for path, args in PUBLIC_PATHS]
    answers += [client.get(p) for p in ("/services/KRS", "/services/KRS/skitsa")]
    for response in answers:
        assert response.status_code == 200
        text = body_of(response)
        for secret in PERSONAL:
            assert secret not in text, (response.request.path, secret)


# The rating form ------------------------------------------------------------------------

RATING = {"satisfaction": "5", "within_term": "yes", "clear_requirements": "yes",
          "courteous": "yes", "extra_payment": "no"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"satisfaction": "9" * 30}, 422),
        ({"satisfaction": "-1"}, 422),
        ({"satisfaction": "٥"}, 422),
        ({"extra_payment": "maybe"}, 422),
        ({"comment": "ж" * 5_000_000}, 413),  # past the request size limit
        ({"comment": "a\x00b"}, 400),
    ],
)
def test_a_hostile_rating_is_refused_and_nothing_stored(app, world, change, status):
    before = db.session.scalar(select(func.count()).select_from(ServiceRating))
    response = app.test_client().post("/services/KRS/skitsa/rate", data={**RATING, **change})
    assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(ServiceRating)) == before


def test_another_offices_code_under_this_office_is_not_there(client, world):
    assert client.get("/services/KRS/str-secret").status_code == 404
    response = client.post("/services/KRS/str-secret/rate", data=RATING)
    assert response.status_code == 404


# What the pages say ---------------------------------------------------------------------


def test_the_services_view_and_report_say_what_a_dash_means(app, world):
    commission = signed_in(app, world["users"][Role.COMMISSION])
    for path in ("/commission/services", "/commission/monitoring"):
        assert "процент или средна оценка, които не се показват" in commission.get(path).text


def test_the_report_prints_its_tables_on_landscape_pages(app, world):
    """The problems table has ten columns: a portrait page would cut the last ones off."""
    commission = signed_in(app, world["users"][Role.COMMISSION])
    assert "stat-wide" in commission.get("/commission/monitoring").text
    css = app.test_client().get("/static/css/statistics.css").text
    assert "@page wide { size: A4 landscape; }" in css and ".stat-wide { page: wide; }" in css
