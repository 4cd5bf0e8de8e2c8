"""Finding cases and returning citizens at the desk: Cyrillic or Latin, any case, phone."""

import re
from datetime import timedelta

import pytest

from bureau.extensions import db
from bureau.models import Role, utcnow
from tests.factories import make_inquiry, make_office

MARIA = {"name": "Мария Иванова", "phone": "+359 888 123 456"}


@pytest.fixture
def desk(login_as):
    return login_as(Role.DESK)


def received(inquiry, ago: timedelta):
    """Move the inquiry's receipt into the past."""
    inquiry.received_at = utcnow() - ago
    db.session.commit()
    return inquiry


def citizens_found(client, q: str) -> list[str]:
    response = client.get("/desk/citizens", query_string={"q": q})
    assert response.status_code == 200
    assert response.is_json
    return [citizen["name"] for citizen in response.json["citizens"]]


def page(client, q: str | None = None) -> str:
    response = client.get("/desk/", query_string={"q": q} if q is not None else {})
    assert response.status_code == 200
    return response.text


def listed(client, q: str | None = None) -> list[str]:
    """The references of the cases the desk page lists, in order (the query itself is
    echoed elsewhere on the page, so only the links to case pages count)."""
    return re.findall(r'href="/cases/([A-Z]+-\d{4}-\d{5})"', page(client, q))


# --- returning citizens (the intake form's suggestions) --------------------------------


@pytest.mark.parametrize("q", ["ivanova", "Ivanova", "IVANOVA", "иванова", "ИВАНОВА", "Иванова"])
def test_returning_citizen_is_found_by_name_in_cyrillic_or_latin_any_case(client, desk, q):
    make_inquiry(desk.office, citizen=MARIA)
    assert citizens_found(client, q) == ["Мария Иванова"]


def test_returning_citizen_is_found_by_first_name_transliterated(client, desk):
    make_inquiry(desk.office, citizen=MARIA)
    assert citizens_found(client, "maria") == ["Мария Иванова"]


def test_returning_citizen_is_found_by_the_start_of_the_name(client, desk):
    make_inquiry(desk.office, citizen=MARIA)
    assert citizens_found(client, "ivan") == ["Мария Иванова"]


@pytest.mark.parametrize("q", ["0888 123", "0888123", "888 123", "+359 888 123 456", "0888-123"])
def test_returning_citizen_is_found_by_phone_digits(client, desk, q):
    make_inquiry(desk.office, citizen=MARIA)
    assert citizens_found(client, q) == ["Мария Иванова"]


def test_citizen_suggestion_carries_id_phone_and_settlement(client, desk):
    office = desk.office
    sliv = next(s for s in office.settlements if s.name == "Сливница")
    inquiry = make_inquiry(office, citizen=MARIA, settlement_id=sliv.id)
    [citizen] = client.get("/desk/citizens?q=ivanova").json["citizens"]
    assert citizen == {
        "id": inquiry.citizen_id,
        "name": "Мария Иванова",
        "phone": "+359 888 123 456",
        "settlement": "Сливница",
    }


def test_citizens_of_another_office_are_never_suggested(client, desk):
    make_inquiry(make_office("STR"), citizen=MARIA)
    assert citizens_found(client, "ivanova") == []
    assert citizens_found(client, "0888 123") == []


def test_other_names_are_not_suggested(client, desk):
    make_inquiry(desk.office, citizen=MARIA)
    make_inquiry(desk.office, citizen={"name": "Георги Петров", "phone": "0877 000 111"})
    assert citizens_found(client, "petrov") == ["Георги Петров"]
    assert citizens_found(client, "ivanova") == ["Мария Иванова"]


@pytest.mark.parametrize("q", ["", "и", "%", "_", "%%", "  "])
def test_too_short_or_wildcard_query_suggests_nobody(client, desk, q):
    make_inquiry(desk.office, citizen=MARIA)
    assert citizens_found(client, q) == []


def test_anonymous_inquiries_suggest_nobody(client, desk):
    make_inquiry(desk.office)
    assert citizens_found(client, "anon") == []


def test_citizen_lookup_is_for_the_desk_only(client, login_as):
    login_as(Role.EXPERT)
    assert client.get("/desk/citizens?q=ivanova").status_code == 403


# --- searching cases -------------------------------------------------------------------


def test_search_finds_a_case_by_full_reference(client, desk):
    inquiry = make_inquiry(desk.office, citizen=MARIA)
    other = make_inquiry(desk.office, citizen={"name": "Георги Петров"})
    assert listed(client, inquiry.reference) == [inquiry.reference]
    assert other.reference != inquiry.reference


def test_search_by_reference_ignores_case_and_missing_zeros(client, desk):
    inquiry = make_inquiry(desk.office)
    number = int(inquiry.reference.rsplit("-", 1)[1])
    short = inquiry.reference.rsplit("-", 1)[0].lower() + f"-{number}"
    assert inquiry.reference in listed(client, short)


def test_search_finds_a_case_by_reference_number_only(client, desk):
    first = make_inquiry(desk.office)
    second = make_inquiry(desk.office)
    assert listed(client, "2") == [second.reference]
    assert listed(client, "00002") == [second.reference]
    assert listed(client, "1") == [first.reference]


@pytest.mark.parametrize("q", ["Иванова", "ИВАНОВА", "ivanova", "Ivanova", "Мария Иванова"])
def test_search_finds_a_case_by_name_in_cyrillic_or_latin(client, desk, q):
    inquiry = make_inquiry(desk.office, citizen=MARIA)
    make_inquiry(desk.office, citizen={"name": "Георги Петров"})
    assert listed(client, q) == [inquiry.reference]


@pytest.mark.parametrize("q", ["0888 123 456", "0888123456", "+359 888 123 456", "0888 123"])
def test_search_finds_a_case_by_phone(client, desk, q):
    inquiry = make_inquiry(desk.office, citizen=MARIA)
    make_inquiry(desk.office, citizen={"name": "Георги Петров", "phone": "0877 000 111"})
    assert listed(client, q) == [inquiry.reference]


def test_search_lists_every_case_of_a_returning_citizen(client, desk):
    first = make_inquiry(desk.office, citizen=MARIA)
    second = make_inquiry(
        desk.office, citizen={"name": "", "phone": ""}, citizen_id=first.citizen_id
    )
    assert listed(client, "ivanova") == [second.reference, first.reference]


def test_search_without_a_match_says_so(client, desk):
    make_inquiry(desk.office, citizen=MARIA)
    assert listed(client, "Шишманов") == []
    assert "Няма запитвания." in page(client, "Шишманов")


def test_search_with_like_wildcards_matches_nothing(client, desk):
    inquiry = make_inquiry(desk.office, citizen=MARIA)
    assert listed(client, "ivanova") == [inquiry.reference]
    for q in ("%", "_", "%a%", "i_anova", "%anova"):
        assert listed(client, q) == [], q


def test_search_links_each_case_to_its_page(client, desk):
    inquiry = make_inquiry(desk.office, citizen=MARIA)
    assert f'href="/cases/{inquiry.reference}"' in page(client, "ivanova")


def test_search_never_shows_cases_of_another_office(client, desk):
    foreign = make_inquiry(make_office("STR"), citizen=MARIA)
    for q in ("ivanova", "0888 123", foreign.reference, "1"):
        assert listed(client, q) == [], q


# --- today's list ----------------------------------------------------------------------


def test_home_lists_todays_inquiries_only(client, desk):
    today = make_inquiry(desk.office, citizen=MARIA)
    old = received(make_inquiry(desk.office), timedelta(days=2))
    assert listed(client) == [today.reference]
    assert old.reference != today.reference
    assert "Днешни запитвания" in page(client)


def test_search_finds_older_inquiries_too(client, desk):
    old = received(make_inquiry(desk.office, citizen=MARIA), timedelta(days=40))
    assert listed(client, "ivanova") == [old.reference]


def test_todays_list_shows_the_citizen_or_anonymous(client, desk):
    make_inquiry(desk.office, citizen=MARIA)
    make_inquiry(desk.office)
    html = page(client)
    assert "Мария Иванова" in html
    assert "анонимно" in html


def test_todays_list_excludes_another_offices_inquiries(client, desk):
    foreign = make_inquiry(make_office("STR"))
    assert listed(client) == []
    assert foreign.reference


def test_cases_are_listed_newest_first(client, desk):
    first = received(make_inquiry(desk.office, citizen=MARIA), timedelta(days=3))
    second = make_inquiry(desk.office, citizen=MARIA)
    third = received(make_inquiry(desk.office, citizen=MARIA), timedelta(days=1))
    assert listed(client, "ivanova") == [second.reference, third.reference, first.reference]
