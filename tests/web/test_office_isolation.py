"""Offices do not see each other's cases; experts see only the cases given to them."""

import re

import pytest

from bureau.domain import accounts
from bureau.extensions import db
from bureau.models import Role
from tests.factories import make_inquiry, make_office, make_user

MARIA = {"name": "Мария Иванова", "phone": "+359 888 123 456"}


@pytest.fixture
def foreign(app):
    """An inquiry of office STR, its citizen named like one of Kresna's."""
    return make_inquiry(make_office("STR"), citizen=MARIA)


@pytest.fixture
def kresna_desk(login_as):
    return login_as(Role.DESK)


def bearer(user) -> dict:
    token = accounts.issue_api_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def desk_listing(client, q: str = "") -> list[str]:
    response = client.get("/desk/", query_string={"q": q} if q else {})
    assert response.status_code == 200
    return re.findall(r'href="/cases/([A-Z]+-\d{4}-\d{5})"', response.text)


# --- HTML ------------------------------------------------------------------------------


def test_desk_cannot_open_another_offices_case(client, kresna_desk, foreign):
    assert client.get(f"/cases/{foreign.reference}").status_code == 404


def test_foreign_case_looks_like_a_missing_one(client, kresna_desk, foreign):
    missing = client.get("/cases/STR-2026-99999")
    found = client.get(f"/cases/{foreign.reference}")
    assert missing.status_code == found.status_code == 404
    assert "Мария" not in found.text


def test_desk_cannot_open_another_offices_receipt(client, kresna_desk, foreign):
    assert client.get(f"/desk/receipt/{foreign.reference}").status_code == 404


def test_desk_cannot_reset_another_offices_pin(client, kresna_desk, foreign):
    old_hash = foreign.pin_hash
    assert client.post(f"/desk/receipt/{foreign.reference}/pin").status_code == 404
    db.session.refresh(foreign)
    assert foreign.pin_hash == old_hash


@pytest.mark.parametrize("query", ["reference", "number", "ivanova", "Иванова", "0888 123"])
def test_desk_search_never_shows_another_offices_case(client, kresna_desk, foreign, query):
    q = {"reference": foreign.reference, "number": "1"}.get(query, query)
    assert desk_listing(client, q) == []


def test_desk_today_list_never_shows_another_offices_case(client, kresna_desk, foreign):
    own = make_inquiry(kresna_desk.office)
    assert desk_listing(client) == [own.reference]


def test_each_office_sees_its_own_case_with_the_same_number(client, kresna_desk, foreign):
    own = make_inquiry(kresna_desk.office, citizen=MARIA)
    assert own.reference.endswith("-00001") and foreign.reference.endswith("-00001")
    assert desk_listing(client, "1") == [own.reference]
    assert desk_listing(client, "ivanova") == [own.reference]


def test_desk_opens_its_own_offices_case(client, kresna_desk):
    own = make_inquiry(kresna_desk.office, citizen=MARIA)
    response = client.get(f"/cases/{own.reference}")
    assert response.status_code == 200
    assert "Мария Иванова" in response.text


def test_coordinator_of_another_office_cannot_open_the_case(client, login_as, foreign):
    login_as(Role.COORDINATOR)
    assert client.get(f"/cases/{foreign.reference}").status_code == 404


# --- experts ---------------------------------------------------------------------------


def test_expert_cannot_open_a_case_not_assigned_to_them(client, login_as):
    inquiry = make_inquiry(make_office(), citizen=MARIA)
    login_as(Role.EXPERT)
    assert client.get(f"/cases/{inquiry.reference}").status_code == 404


def test_expert_opens_a_case_assigned_to_them(client, login_as):
    inquiry = make_inquiry(make_office(), citizen=MARIA)
    expert = login_as(Role.EXPERT)
    inquiry.expert_id = expert.id
    db.session.commit()
    response = client.get(f"/cases/{inquiry.reference}")
    assert response.status_code == 200
    assert "Мария Иванова" in response.text


def test_expert_cannot_open_a_colleagues_case(client, login_as):
    inquiry = make_inquiry(make_office())
    colleague = make_user(Role.EXPERT)
    inquiry.expert_id = colleague.id
    db.session.commit()
    login_as(Role.EXPERT)
    assert client.get(f"/cases/{inquiry.reference}").status_code == 404


def test_expert_of_another_office_cannot_open_a_case_even_if_assigned(client, login_as):
    inquiry = make_inquiry(make_office(), citizen=MARIA)
    outsider = login_as(Role.EXPERT, office=make_office("STR"))
    inquiry.expert_id = outsider.id
    db.session.commit()
    assert client.get(f"/cases/{inquiry.reference}").status_code == 404


def test_commission_never_opens_a_case(client, login_as):
    inquiry = make_inquiry(make_office(), citizen=MARIA)
    login_as(Role.COMMISSION)
    assert client.get(f"/cases/{inquiry.reference}").status_code == 403


# --- API -------------------------------------------------------------------------------


def test_api_detail_of_another_offices_case_is_404(client, foreign):
    auth = bearer(make_user(Role.DESK))
    response = client.get(f"/api/v1/inquiries/{foreign.reference}", headers=auth)
    assert response.status_code == 404
    assert set(response.json) == {"error", "message"}


@pytest.mark.parametrize("q", ["", "ivanova", "0888123", "1"])
def test_api_list_excludes_another_offices_cases(client, foreign, q):
    desk = make_user(Role.DESK)
    own = make_inquiry(desk.office, citizen=MARIA)
    response = client.get("/api/v1/inquiries", query_string={"q": q}, headers=bearer(desk))
    assert response.status_code == 200
    assert [item["reference"] for item in response.json["items"]] == [own.reference]
    assert response.json["total"] == 1


def test_api_list_by_foreign_reference_is_empty(client, foreign):
    auth = bearer(make_user(Role.DESK))
    response = client.get(f"/api/v1/inquiries?q={foreign.reference}", headers=auth)
    assert response.json["items"] == [] and response.json["total"] == 0


def test_api_inquiry_is_logged_in_the_tokens_office(client, foreign):
    desk = make_user(Role.DESK)
    payload = {"channel": "phone", "category": "other", "description": "?", "consent": False,
               "anonymous": True}  # fmt: skip
    response = client.post("/api/v1/inquiries", json=payload, headers=bearer(desk))
    assert response.json["reference"].startswith("KRS-")


def test_api_expert_reads_only_assigned_cases(client):
    inquiry = make_inquiry(make_office())
    expert = make_user(Role.EXPERT)
    auth = bearer(expert)
    assert client.get(f"/api/v1/inquiries/{inquiry.reference}", headers=auth).status_code == 404
    inquiry.expert_id = expert.id
    db.session.commit()
    assert client.get(f"/api/v1/inquiries/{inquiry.reference}", headers=auth).status_code == 200


def test_admin_token_does_not_read_cases_of_any_office(client, foreign):
    auth = bearer(make_user(Role.ADMIN))
    # The administrator manages users and offices; case work is not in the role.
    response = client.get(f"/api/v1/inquiries/{foreign.reference}", headers=auth)
    assert response.status_code == 403
