"""The administrator keeps each office's settlements: names, EKATTE codes, population."""

from bureau.domain import offices
from bureau.extensions import db
from tests.factories import make_office


def test_admin_adds_a_settlement_with_its_ekatte_code(login_as, client):
    office = make_office()
    login_as("admin")
    response = client.post(
        f"/admin/offices/{office.code}/settlements",
        data={"name": "Будилци", "ekatte": "06639", "population": "12", "active": "y"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    added = next(s for s in offices.get_office("KRS").settlements if s.name == "Будилци")
    assert (added.ekatte, added.population, added.active) == ("06639", 12, True)


def test_admin_corrects_and_deactivates_a_settlement(login_as, client):
    office = make_office()
    village = next(s for s in office.settlements if s.name == "Влахи")
    login_as("admin")
    client.post(
        f"/admin/offices/{office.code}/settlements/{village.id}",
        data={"name": "Влахи", "ekatte": "11394", "population": "35"},
    )
    db.session.expire_all()
    village = db.session.get(type(village), village.id)
    assert (village.population, village.active) == (35, False)


def test_bad_or_duplicate_ekatte_code_is_refused_with_a_message(login_as, client):
    office = make_office()
    login_as("admin")
    for code in ("12", "39504"):  # too short; Кресна's own code
        response = client.post(
            f"/admin/offices/{office.code}/settlements",
            data={"name": "Ново", "ekatte": code},
            follow_redirects=True,
        )
        assert "ЕКАТТЕ" in response.text or "код" in response.text
    db.session.expire_all()
    assert not any(s.name == "Ново" for s in offices.get_office("KRS").settlements)


def test_only_the_administrator_edits_settlements(login_as, client):
    office = make_office()
    login_as("coordinator")
    response = client.post(
        f"/admin/offices/{office.code}/settlements", data={"name": "X", "ekatte": "12345"}
    )
    assert response.status_code == 403
