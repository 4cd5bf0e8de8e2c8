"""/admin/institutions: coordinators keep their office's, the administrator all and the
national ones, which every office sees and refers to."""

from sqlalchemy import select

from bureau.domain import offices
from bureau.extensions import db
from bureau.models import Institution, Role
from tests.casework import signed_in
from tests.factories import make_office, make_user

NEW = {"name": "Дирекция „Социално подпомагане“ — Симитли", "kind": "social_assistance",
       "email": "dsp-simitli@example.test", "address": "гр. Симитли",
       "contact_person": "г-жа Петрова", "active": "y"}  # fmt: skip


def test_a_coordinator_adds_and_edits_the_offices_institution(app, client, login):
    office = make_office()
    login(make_user(Role.COORDINATOR, office=office))
    assert client.get("/admin/institutions/").status_code == 200
    response = client.post("/admin/institutions/new", data={**NEW, "office": office.id})
    assert response.status_code == 303, response.text
    made = db.session.scalar(select(Institution).where(Institution.name == NEW["name"]))
    assert (made.office_id, made.kind, made.email) == (office.id, "social_assistance", NEW["email"])
    edited = client.post(f"/admin/institutions/{made.id}", data={**NEW, "email": "", "active": ""})
    assert edited.status_code == 303
    db.session.expire_all()
    assert made.email == "" and not made.active
    assert made not in offices.institutions(office.id)


def test_a_bad_address_is_refused_beside_its_field(app, client, login):
    office = make_office()
    login(make_user(Role.COORDINATOR, office=office))
    response = client.post("/admin/institutions/new", data={**NEW, "email": "не е адрес"})
    assert response.status_code == 422


def test_national_institutions_are_the_administrators_and_shared(app, client, login):
    kresna, strumyani = make_office(), make_office("STR")
    login(make_user(Role.ADMIN))
    response = client.post("/admin/institutions/new", data={**NEW, "name": "НОИ — ЦУ", "office": 0})
    assert response.status_code == 303, response.text
    national = db.session.scalar(select(Institution).where(Institution.name == "НОИ — ЦУ"))
    assert national.office_id is None
    assert national in offices.institutions(kresna.id)
    assert national in offices.institutions(strumyani.id)


def test_a_coordinator_cannot_edit_national_or_other_offices_institutions(app, client, login):
    kresna, strumyani = make_office(), make_office("STR")
    national = Institution(office_id=None, code="noi_central", name="НОИ — ЦУ")
    db.session.add(national)
    db.session.commit()
    foreign = db.session.scalar(select(Institution).where(Institution.office_id == strumyani.id))
    login(make_user(Role.COORDINATOR, office=kresna))
    listing = client.get("/admin/institutions/").text
    assert "НОИ — ЦУ" in listing and f'/admin/institutions/{foreign.id}"' not in listing
    assert client.get(f"/admin/institutions/{national.id}").status_code == 404
    assert client.get(f"/admin/institutions/{foreign.id}").status_code == 404
    # The office chosen is always the coordinator's own, whatever is posted.
    client.post("/admin/institutions/new", data={**NEW, "office": strumyani.id})
    made = db.session.scalar(select(Institution).where(Institution.name == NEW["name"]))
    assert made.office_id == kresna.id


def test_experts_desk_and_commission_may_not_open_it(app):
    for role in (Role.EXPERT, Role.DESK, Role.COMMISSION):
        browser = signed_in(app, make_user(role))
        assert browser.get("/admin/institutions/").status_code == 403
