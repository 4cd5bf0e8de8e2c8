"""A reference typed as people type it is found everywhere a reference is typed: the public
status look-up, the desk's and the case list's search, and the API."""

import re

import pytest

from bureau.domain import accounts
from bureau.extensions import db
from bureau.models import Role
from tests.factories import make_inquiry, make_user


def spellings(reference: str) -> list[str]:
    """`KRS-2026-00001` as a citizen or a volunteer types it."""
    code, year, number = reference.split("-")
    cyrillic = code.translate(str.maketrans("KRS", "КРС"))
    return [
        f"{cyrillic}-{year}-{number}",  # a Bulgarian phone keyboard
        f"{code} {year} {number}",
        f"{cyrillic.lower()} {year} {int(number)}",
        f"{code.lower()}.{year}.{int(number)}",
        f"{code}–{year}–{number}",
    ]


@pytest.fixture
def inquiry(app):
    return make_inquiry(citizen={"name": "Мария Иванова", "phone": "0888 123 456"})


def test_status_look_up_accepts_every_spelling(client, inquiry):
    for typed in spellings(inquiry.reference):
        client.post("/status/leave")
        response = client.post("/status", data={"reference": typed, "pin": inquiry.pin})
        assert response.status_code == 303, typed
        assert inquiry.reference in client.get("/status/result").text


def test_desk_search_finds_every_spelling(client, login_as, inquiry):
    login_as(Role.DESK)
    for typed in spellings(inquiry.reference):
        page = client.get("/desk/", query_string={"q": typed}).text
        assert re.findall(r'href="/cases/([A-Z]+-\d{4}-\d{5})"', page) == [inquiry.reference]


def test_case_list_search_finds_every_spelling(client, login_as, inquiry):
    login_as(Role.COORDINATOR)
    for typed in spellings(inquiry.reference):
        page = client.get("/cases/", query_string={"q": typed}).text
        assert f">{inquiry.reference}</a>" in page, typed


def test_the_api_finds_every_spelling(client, inquiry):
    token = accounts.issue_api_token(make_user(Role.COORDINATOR))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for typed in spellings(inquiry.reference):
        one = client.get(f"/api/v1/inquiries/{typed}", headers=headers)
        assert one.status_code == 200, typed
        assert one.json["reference"] == inquiry.reference
        found = client.get("/api/v1/inquiries", query_string={"q": typed}, headers=headers)
        assert [item["reference"] for item in found.json["items"]] == [inquiry.reference]


def test_a_case_page_typed_loosely_goes_to_the_cases_own_address(client, login_as, inquiry):
    login_as(Role.COORDINATOR)
    code, year, number = inquiry.reference.split("-")
    response = client.get(f"/cases/{code.lower()}-{year}-{int(number)}")
    assert response.status_code == 301
    assert response.location.endswith(f"/cases/{inquiry.reference}")
