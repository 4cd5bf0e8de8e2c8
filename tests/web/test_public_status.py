"""The public status look-up: reference + PIN, one message for every refusal, the lock."""

import logging
import re

import pytest
from sqlalchemy import select, update

from bureau.domain import status_lookup
from bureau.extensions import db
from bureau.models import Event, EventKind, ReferenceCounter, Role, StatusLookupLock
from tests.factories import make_inquiry, make_user

REFUSED = "Не намерихме запитване с този номер и ПИН."
LOCKED = "Твърде много неуспешни опити за този номер."


@pytest.fixture
def app_config():
    # The per-IP limit is generous here; tests of it lower it themselves.
    return {"STATUS_LIMIT_PER_IP": "100 per hour"}


def look_up(client, reference, pin, ip="127.0.0.1"):
    return client.post(
        "/status", data={"reference": reference, "pin": pin}, environ_base={"REMOTE_ADDR": ip}
    )


def wrong_pin(pin: str) -> str:
    return f"{(int(pin) + 1) % 1_000_000:06d}"


def without_input_values(html: str) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', html)


def test_qr_code_link_prefills_the_reference(client):
    response = client.get("/status?ref=KRS-2026-00042")
    assert response.status_code == 200
    assert re.search(r'name="reference"[^>]*value="KRS-2026-00042"', response.text)


def test_right_pin_shows_status_dates_and_public_reply(client):
    inquiry = make_inquiry()
    inquiry.public_reply = "Данъкът се плаща в общината до 30 април."
    db.session.commit()

    response = look_up(client, inquiry.reference, inquiry.pin)

    assert response.status_code == 303
    assert response.location == "/status/result"
    assert "pin" not in response.location.lower()
    page = client.get("/status/result").text
    assert inquiry.reference in page
    assert "ново" in page
    assert inquiry.due_date.strftime("%d.%m.%Y") in page
    assert "Данъкът се плаща в общината до 30 април." in page


def test_reference_is_found_in_lower_case_and_without_leading_zeros(client):
    inquiry = make_inquiry()
    code, year, number = inquiry.reference.split("-")
    response = look_up(client, f" {code.lower()}-{year}-{int(number)} ", f" {inquiry.pin} ")
    assert response.status_code == 303


def test_wrong_reference_and_wrong_pin_get_the_same_page(client):
    inquiry = make_inquiry()
    wrong_pin_page = look_up(client, inquiry.reference, wrong_pin(inquiry.pin))
    no_such_case = look_up(client, "KRS-2026-09999", inquiry.pin)

    assert wrong_pin_page.status_code == no_such_case.status_code == 200
    assert REFUSED in wrong_pin_page.text
    assert without_input_values(wrong_pin_page.text) == without_input_values(no_such_case.text)


def test_the_pin_is_never_sent_back(client):
    inquiry = make_inquiry()
    response = look_up(client, inquiry.reference, wrong_pin(inquiry.pin))
    assert wrong_pin(inquiry.pin) not in response.text


def test_malformed_pin_is_a_form_error_in_bulgarian(client):
    response = look_up(client, "KRS-2026-00001", "12")
    assert response.status_code == 422
    assert "ПИН-ът е от 6 цифри" in response.text
    assert 'href="#pin"' in response.text  # the error summary links to the field


def test_status_page_shows_no_internal_data(client):
    expert = make_user(Role.EXPERT, name="Експертка Секретна-Фамилия")
    inquiry = make_inquiry(
        citizen={
            "name": "Гражданин Скритов",
            "phone": "0888 777 666",
            "email": "skritov@example.test",
        },
        description="Описание, което остава вътрешно",
    )
    inquiry.expert = expert
    inquiry.status = "in_progress"
    inquiry.resolution_summary = "Резюме само за бюрото"
    db.session.add(
        Event(inquiry=inquiry, kind=EventKind.NOTE, actor=expert, body="ВЪТРЕШНА БЕЛЕЖКА 7731")
    )
    db.session.commit()

    look_up(client, inquiry.reference, inquiry.pin)
    page = client.get("/status/result").text

    assert "в работа" in page
    for secret in (
        "ВЪТРЕШНА БЕЛЕЖКА 7731",
        "Секретна-Фамилия",
        "Гражданин Скритов",
        "0888 777 666",
        "skritov@example.test",
        "Описание, което остава вътрешно",
        "Резюме само за бюрото",
    ):
        assert secret not in page


def test_result_page_needs_a_lookup_first(client):
    response = client.get("/status/result")
    assert response.status_code == 303
    assert response.location == "/status"


def test_result_page_is_not_cached(client):
    inquiry = make_inquiry()
    look_up(client, inquiry.reference, inquiry.pin)
    assert client.get("/status/result").headers["Cache-Control"] == "no-store"


def test_leaving_forgets_the_lookup(client):
    inquiry = make_inquiry()
    look_up(client, inquiry.reference, inquiry.pin)
    client.post("/status/leave")
    assert client.get("/status/result").status_code == 303


# The lock per reference (5 wrong PINs, 15 minutes)


def test_repeated_wrong_pins_lock_the_reference_even_for_the_right_pin(client, caplog):
    inquiry = make_inquiry()
    for n in range(status_lookup.MAX_FAILURES):
        assert (
            REFUSED
            in look_up(client, inquiry.reference, wrong_pin(inquiry.pin), f"10.0.0.{n}").text
        )

    with caplog.at_level(logging.WARNING):
        response = look_up(client, inquiry.reference, inquiry.pin, ip="10.0.0.99")

    assert response.status_code == 200
    assert LOCKED in response.text
    assert client.get("/status/result").status_code == 303


def test_lock_is_logged_without_the_pin(client, caplog):
    inquiry = make_inquiry()
    tried = wrong_pin(inquiry.pin)
    with caplog.at_level(logging.WARNING):
        for _ in range(status_lookup.MAX_FAILURES):
            look_up(client, inquiry.reference, tried)
    logged = [r.getMessage() for r in caplog.records if "locked" in r.getMessage()]
    assert len(logged) == 1
    assert inquiry.reference in logged[0]
    assert tried not in logged[0] and inquiry.pin not in logged[0]


def test_lock_is_kept_in_the_database_for_every_app_server(client):
    inquiry = make_inquiry()
    for _ in range(status_lookup.MAX_FAILURES):
        look_up(client, inquiry.reference, wrong_pin(inquiry.pin))
    db.session.expire_all()
    lock = db.session.get(StatusLookupLock, inquiry.reference)
    assert lock.failures == status_lookup.MAX_FAILURES
    assert lock.locked_until is not None


def test_unknown_reference_locks_like_a_known_one(client):
    for _ in range(status_lookup.MAX_FAILURES):
        look_up(client, "KRS-2026-09999", "123456")
    assert LOCKED in look_up(client, "KRS-2026-09999", "123456").text


def test_lock_runs_out(client):
    inquiry = make_inquiry()
    for _ in range(status_lookup.MAX_FAILURES):
        look_up(client, inquiry.reference, wrong_pin(inquiry.pin))
    lock = db.session.get(StatusLookupLock, inquiry.reference, populate_existing=True)
    lock.locked_until = lock.locked_until.replace(year=2000)
    db.session.commit()

    assert look_up(client, inquiry.reference, inquiry.pin).status_code == 303
    assert db.session.scalars(select(StatusLookupLock)).all() == []


def test_a_right_pin_resets_the_count(client):
    inquiry = make_inquiry()
    for _ in range(status_lookup.MAX_FAILURES - 1):
        look_up(client, inquiry.reference, wrong_pin(inquiry.pin))
    assert look_up(client, inquiry.reference, inquiry.pin).status_code == 303
    assert REFUSED in look_up(client, inquiry.reference, wrong_pin(inquiry.pin)).text


def test_lock_of_one_reference_leaves_others_alone(client):
    locked, other = make_inquiry(), make_inquiry()
    for _ in range(status_lookup.MAX_FAILURES):
        look_up(client, locked.reference, wrong_pin(locked.pin))
    assert look_up(client, other.reference, other.pin).status_code == 303


@pytest.mark.parametrize("app_config", [{"STATUS_LIMIT_PER_IP": "3 per hour"}])
def test_failed_lookups_are_limited_per_ip(client, app_config):
    for n in range(3):
        look_up(client, f"KRS-2026-0{n}", "123456", ip="10.1.1.1")
    response = look_up(client, "KRS-2026-00099", "123456", ip="10.1.1.1")
    assert response.status_code == 429
    assert "Твърде много опити" in response.text
    inquiry = make_inquiry()
    assert look_up(client, inquiry.reference, inquiry.pin, ip="10.1.1.2").status_code == 303


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_lookup_needs_the_forms_csrf_token(client, app_config):
    inquiry = make_inquiry()
    assert look_up(client, inquiry.reference, inquiry.pin).status_code == 400
    page = client.get(f"/status?ref={inquiry.reference}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/status", data={"reference": inquiry.reference, "pin": inquiry.pin, "csrf_token": token}
    )
    assert response.status_code == 303


def test_an_office_past_99999_inquiries_a_year_gets_six_digit_references_that_are_found(
    client,
):
    first = make_inquiry()
    code, year, _number = first.reference.split("-")
    db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.office_id == first.office_id)
        .values(last=99_999)
    )
    inquiry = make_inquiry(first.office)
    assert inquiry.reference == f"{code}-{year}-100000"
    assert look_up(client, inquiry.reference, inquiry.pin).status_code == 303
