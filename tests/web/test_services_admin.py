"""/admin/services: coordinators keep their office's register, the administrator every
office's; nobody else sees it."""

import io
from datetime import date

import pytest

from bureau.domain.services import ratings, register
from bureau.domain.services.ratings import RatingData
from bureau.domain.services.register import ServiceData
from bureau.extensions import db
from bureau.models import AuditEntry, Role, Service
from tests.factories import PASSWORD, make_office, make_user

FORM = {
    "name": "Издаване на скица на поземлен имот",
    "name_en": "",
    "register_number": "2027",
    "code": "",
    "kind": "technical",
    "department": "Устройство на територията",
    "term_days": "7",
    "fee": "20 лв.",
    "legal_basis": "ЗУТ",
    "active": "y",
}


@pytest.fixture
def offices(app):
    kresna, strumyani = make_office("KRS"), make_office("STR")
    register.save(kresna, ServiceData(name="Удостоверение за наследници"), actor=None)
    register.save(strumyani, ServiceData(name="Разрешение за строеж"), actor=None)
    db.session.commit()
    return kresna, strumyani


def test_a_coordinator_sees_and_searches_their_offices_register_only(client, login_as, offices):
    login_as(Role.COORDINATOR, office=offices[0])
    page = client.get("/admin/services/").text
    assert "Удостоверение за наследници" in page
    assert "Разрешение за строеж" not in page
    assert "наследници" in client.get("/admin/services/?q=naslednitsi").text
    assert "Няма услуги" in client.get("/admin/services/?q=skitsa").text


def test_a_coordinator_adds_a_service_and_it_is_audited(client, login_as, offices):
    coordinator = login_as(Role.COORDINATOR, office=offices[0])
    response = client.post("/admin/services/new", data={**FORM, "office": offices[1].id})
    assert response.status_code == 303
    service = db.session.scalar(db.select(Service).where(Service.register_number == "2027"))
    # The office is the coordinator's own, whatever the form said.
    assert (service.office_id, service.term_days, service.kind) == (offices[0].id, 7, "technical")
    assert service.code == "izdavane-na-skitsa-na-pozemlen-imot"
    entry = db.session.scalars(
        db.select(AuditEntry).where(
            AuditEntry.action == "services.changed", AuditEntry.object_id == service.code
        )
    ).one()
    # Recorded by the domain, with the request's address like the web's own entries.
    assert (entry.actor_id, entry.object_id, entry.office_id, entry.ip) == (
        coordinator.id,
        service.code,
        offices[0].id,
        "127.0.0.1",
    )
    assert (
        "Услугата „Издаване на скица на поземлен имот“ е запазена."
        in client.get(response.headers["Location"]).text
    )


def test_a_refused_service_is_shown_again_as_typed(client, login_as, offices):
    login_as(Role.COORDINATOR, office=offices[0])
    response = client.post(
        "/admin/services/new", data={**FORM, "name": "Удостоверение за наследници"}
    )
    assert response.status_code == 422
    assert "Друга услуга вече има това наименование." in response.text
    assert 'value="Устройство на територията"' in response.text
    bad_term = client.post("/admin/services/new", data={**FORM, "term_days": "99999999999999"})
    assert bad_term.status_code == 422


def test_another_offices_service_is_not_there(client, login_as, offices):
    login_as(Role.COORDINATOR, office=offices[0])
    foreign = db.session.scalar(db.select(Service).where(Service.office_id == offices[1].id))
    assert client.get(f"/admin/services/{foreign.id}").status_code == 404
    changed = client.post(f"/admin/services/{foreign.id}", data=FORM)
    assert changed.status_code == 404
    assert db.session.get(Service, foreign.id).name == "Разрешение за строеж"


def test_a_coordinator_edits_a_service(client, login_as, offices):
    login_as(Role.COORDINATOR, office=offices[0])
    own = db.session.scalar(db.select(Service).where(Service.office_id == offices[0].id))
    form = {**FORM, "name": own.name, "register_number": "2016", "active": ""}
    assert client.post(f"/admin/services/{own.id}", data=form).status_code == 303
    db.session.refresh(own)
    assert (own.register_number, own.active, own.department) == (
        "2016",
        False,
        "Устройство на територията",
    )


def test_the_administrator_keeps_every_offices_register(client, login_as, offices):
    login_as(Role.ADMIN)
    page = client.get("/admin/services/").text
    assert "Удостоверение за наследници" in page and "Разрешение за строеж" in page
    response = client.post("/admin/services/new", data={**FORM, "office": offices[1].id})
    assert response.status_code == 303
    created = db.session.scalar(db.select(Service).where(Service.register_number == "2027"))
    assert created.office_id == offices[1].id


@pytest.mark.parametrize("role", [Role.DESK, Role.EXPERT, Role.COMMISSION])
def test_other_roles_may_not_keep_the_register(client, login_as, offices, role):
    login_as(role, office=offices[0])
    assert client.get("/admin/services/").status_code == 403
    assert client.post("/admin/services/new", data=FORM).status_code == 403


def upload(client, content: bytes, name: str = "услуги.csv", **fields):
    data = {"file": (io.BytesIO(content), name), **fields}
    return client.post("/admin/services/import", data=data, content_type="multipart/form-data")


def test_a_coordinator_loads_a_spreadsheet_from_the_page(client, login_as, offices):
    login_as(Role.COORDINATOR, office=offices[0])
    good = "Наименование;Вид;Срок (работни дни)\nРазрешение за строеж;техническа;14\n"
    checked = upload(client, good.encode("cp1251"), dry_run="y")
    assert checked.status_code == 200
    assert "Проверка, без запис: 1 нови" in " ".join(checked.text.split())
    assert len(register.of_office(offices[0].id)) == 1
    loaded = upload(client, good.encode("cp1251"))
    assert "Регистърът е зареден: 1 нови" in " ".join(loaded.text.split())
    names = {s.name: s for s in register.of_office(offices[0].id)}
    assert names["Разрешение за строеж"].term_days == 14
    assert names["Разрешение за строеж"].kind == "technical"


def test_a_refused_row_or_file_writes_nothing_and_says_why(client, login_as, offices):
    login_as(Role.COORDINATOR, office=offices[0])
    bad = upload(client, "name,kind\nСкица,municipal\nДруга,technical\n".encode())
    assert bad.status_code == 422
    assert "Нищо не е записано: 1 реда са отказани." in bad.text
    assert "административна" in bad.text
    unreadable = upload(client, b"fee\n5\n")
    assert unreadable.status_code == 422
    assert "Няма колона" in unreadable.text
    assert [s.name for s in register.of_office(offices[0].id)] == ["Удостоверение за наследници"]


def test_the_coordinator_reads_the_ratings_and_comments_the_administrator_the_figures(
    client, app, login_as, offices
):
    own = register.of_office(offices[0].id)[0]
    for satisfaction, comment in ((5, ""), (2, "Служителят ме върна два пъти.")):
        data = RatingData(satisfaction, "no", "yes", "yes", "no", comment)
        ratings.rate(own, data, today=date(2026, 11, 30))
    db.session.commit()
    login_as(Role.COORDINATOR, office=offices[0])
    page = " ".join(client.get(f"/admin/services/{own.id}").text.split())
    assert 'Оценки</dt><dd class="col-5">2</dd>' in page
    assert "3,5" in page and "50&nbsp;%" in page
    assert "Служителят ме върна два пъти." in page
    admin = app.test_client()
    admin_user = make_user(Role.ADMIN)
    admin.post("/login", data={"email": admin_user.email, "password": PASSWORD})
    page = admin.get(f"/admin/services/{own.id}").text
    assert "3,5" in page and "Служителят ме върна" not in page
