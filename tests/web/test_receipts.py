"""The PIN reaches the receipt every time: it no longer rides in the session cookie, which
any response sent with an older cookie (a returning-citizen suggestion still in flight
when Enter is pressed) overwrites. Shown once; a resubmitted form makes no second case."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bureau.domain.cases import intake, receipts
from bureau.extensions import db
from bureau.models import Inquiry, Receipt, Role, utcnow
from tests.factories import PASSWORD, make_inquiry, make_office, make_user
from tests.web.test_intake_form import form

DESK_PIN = re.compile(r'id="receipt-pin">(\d{6})<')
ASK_PIN = re.compile(r'id="ask-pin">(\d{6})<')


@pytest.fixture
def desk(login_as):
    return login_as(Role.DESK)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def session_cookie(app, client) -> dict:
    """The session as the browser holds it (signed, not encrypted: anyone can read it)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie("session").value)


def test_a_late_answer_with_the_older_cookie_does_not_lose_the_desks_pin(client, desk):
    client.get("/desk/new")
    older = client.get_cookie("session").value  # what a suggestion request was sent with
    saved = client.post("/desk/new", data=form())
    assert saved.status_code == 303
    # The suggestion answers after the save, with the cookie it was sent with.
    client.set_cookie("session", older, domain="localhost")
    client.get("/desk/citizens?q=Мария")
    receipt = client.get(saved.location).text
    pin = DESK_PIN.search(receipt)
    assert pin, "the PIN never reached the receipt"
    assert intake.check_pin(db.session.scalars(select(Inquiry)).one(), pin.group(1))


def test_the_pin_is_never_in_the_session_cookie(app, client, desk):
    saved = client.post("/desk/new", data=form())
    between = str(session_cookie(app, client))  # between the save and the receipt
    pin = DESK_PIN.search(client.get(saved.location).text).group(1)
    assert pin not in between
    assert pin not in saved.location


def test_the_pin_is_shown_once(client, desk):
    saved = client.post("/desk/new", data=form())
    assert DESK_PIN.search(client.get(saved.location).text)
    again = client.get(saved.location).text
    assert DESK_PIN.search(again) is None
    assert "показан при записването" in again
    assert count(Receipt) == 0


def test_the_form_sent_again_after_the_receipt_makes_no_new_case_and_says_so(client, desk):
    first = client.post("/desk/new", data=form())
    client.get(first.location)
    second = client.post("/desk/new", data=form())  # Back, then "Запиши" again
    assert second.status_code == 303
    assert second.location.split("?")[0] == first.location.split("?")[0]
    page = client.get(second.location).text
    assert "Това запитване вече е записано" in page
    assert DESK_PIN.search(page) is None
    assert count(Inquiry) == 1


def test_a_colleague_with_the_receipts_address_sees_no_pin(app, client, desk):
    saved = client.post("/desk/new", data=form())
    other = app.test_client()
    user = make_user(Role.DESK)
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert DESK_PIN.search(other.get(saved.location).text) is None
    assert DESK_PIN.search(client.get(saved.location).text)  # still there for its owner


def test_a_new_pin_from_the_receipt_survives_an_older_cookie_too(client, desk):
    inquiry = make_inquiry(actor=desk)
    client.get(f"/desk/receipt/{inquiry.reference}")
    older = client.get_cookie("session").value
    reset = client.post(f"/desk/receipt/{inquiry.reference}/pin")
    client.set_cookie("session", older, domain="localhost")
    pin = DESK_PIN.search(client.get(reset.location).text).group(1)
    db.session.refresh(inquiry)
    assert intake.check_pin(inquiry, pin)


# --- the online inquiry ------------------------------------------------------------------


def ask_form(**fields) -> dict:
    data = {
        "category": "local_taxes", "settlement": "0", "description": "Въпрос за данък сгради.",
        "name": "Мария Иванова", "phone": "0888 123 456", "email": "", "gender": "undisclosed",
        "age_band": "65+", "consent": "y", "website": "", "token": "ask-form-token-1",
    }  # fmt: skip
    return {**data, **fields}


def test_a_late_answer_with_the_older_cookie_does_not_lose_the_citizens_pin(client):
    make_office()
    client.get("/ask")
    older = client.get_cookie("session").value
    sent = client.post("/ask", data=ask_form())
    client.set_cookie("session", older, domain="localhost")
    page = client.get(sent.location).text
    pin = ASK_PIN.search(page)
    assert pin, "the PIN never reached the confirmation"
    assert intake.check_pin(db.session.scalars(select(Inquiry)).one(), pin.group(1))


def test_the_online_form_sent_again_after_the_confirmation_makes_no_new_case(client):
    make_office()
    first = client.post("/ask", data=ask_form())
    assert ASK_PIN.search(client.get(first.location).text)
    second = client.post("/ask", data=ask_form())
    page = client.get(second.location).text
    assert "Запитването вече е изпратено" in page
    assert db.session.scalars(select(Inquiry)).one().reference in page
    assert ASK_PIN.search(page) is None
    assert count(Inquiry) == 1


def test_a_response_lost_on_the_way_still_lets_the_citizen_see_the_pin(client):
    make_office()
    client.post("/ask", data=ask_form())  # the answer never arrives (a phone loses signal)
    again = client.post("/ask", data=ask_form())  # the citizen presses "Изпрати" again
    assert ASK_PIN.search(client.get(again.location).text)
    assert count(Inquiry) == 1


# --- the record itself -----------------------------------------------------------------


def test_a_receipt_is_taken_once_holds_the_pin_sealed_and_expires(app):
    inquiry = make_inquiry()
    token = receipts.issue(inquiry, inquiry.pin, user=None)
    row = db.session.scalars(select(Receipt)).one()
    assert inquiry.pin not in row.sealed_pin and token not in row.token_hash
    assert receipts.take(token, user=None) == (inquiry.id, inquiry.pin)
    assert receipts.take(token, user=None) is None

    late = receipts.issue(inquiry, inquiry.pin, user=None)
    later = utcnow() + timedelta(minutes=receipts.RECEIPT_MINUTES + 1)
    assert receipts.take(late, user=None, now=later) is None


def test_receipts_are_purged_when_their_time_runs_out(app):
    inquiry = make_inquiry()
    receipts.issue(inquiry, inquiry.pin, user=None)
    receipts.purge(utcnow() + timedelta(minutes=receipts.RECEIPT_MINUTES + 1))
    assert count(Receipt) == 0


@pytest.mark.parametrize("token", ["", "x" * 5000, "../../etc", "%00"])
def test_odd_receipt_tokens_show_no_pin_and_no_error(client, desk, token):
    inquiry = make_inquiry(actor=desk)
    response = client.get(f"/desk/receipt/{inquiry.reference}", query_string={"r": token})
    assert response.status_code == 200
    assert DESK_PIN.search(response.text) is None


def test_the_form_sent_again_with_fields_the_browser_did_not_restore_finds_the_first(client, desk):
    first = client.post("/desk/new", data=form())
    client.get(first.location)
    # Back restores most fields, but not those with autocomplete="off" (the name).
    second = client.post("/desk/new", data=form(name="", phone=""))
    assert second.status_code == 303
    assert second.location.split("?")[0] == first.location.split("?")[0]
    assert count(Inquiry) == 1
