"""The desk's intake form: validation in Bulgarian, the receipt, one inquiry per form."""

import re

import pytest
from sqlalchemy import func, select

from bureau.domain.cases import intake
from bureau.extensions import db
from bureau.models import Citizen, Inquiry, Role, StatRecord
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

# The receipt, with the one-time token that shows the PIN once (tests/web/test_receipts.py).
RECEIPT = re.compile(r"^/desk/receipt/(KRS-\d{4}-\d{5})\?r=[\w-]{20,}$")


def form(**fields) -> dict:
    """What the browser posts for a valid walk-in inquiry, with fields overridden."""
    data = {
        "category": "local_taxes",
        "subcategory": "property_tax",
        "settlement": "0",
        "description": "Пита как се плаща данък сгради за наследствен имот.",
        "urgency": "normal",
        "channel": "walk_in",
        "citizen_id": "",
        "name": "Мария Иванова",
        "phone": "+359 888 123 456",
        "email": "",
        "gender": "female",
        "age_band": "35-44",
        "consent": "y",
        "token": "form-token-0001",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def the_inquiry() -> Inquiry:
    return db.session.scalars(select(Inquiry)).one()


@pytest.fixture
def desk(login_as):
    return login_as(Role.DESK)


def post(client, **fields):
    return client.post("/desk/new", data=form(**fields))


# --- the empty form --------------------------------------------------------------------


def test_empty_form_starts_on_the_category_with_a_one_time_token(client, desk):
    response = client.get("/desk/new")
    assert response.status_code == 200
    html = response.text
    category = re.search(r'<select[^>]*name="category"[^>]*>', html).group(0)
    assert "autofocus" in category
    token = re.search(r'<input[^>]*name="token"[^>]*>', html).group(0)
    assert re.search(r'type="hidden"', token)
    assert re.search(r'value="[\w-]{20,}"', token)
    assert "Бюрото обработва името" in html  # the notice shown beside the consent box


def test_each_empty_form_has_a_new_token(client, desk):
    tokens = [
        re.search(r'id="token"[^>]*value="([^"]+)"', client.get("/desk/new").text).group(1)
        for _ in range(2)
    ]
    assert tokens[0] != tokens[1]


def test_default_channel_is_walk_in(client, desk):
    html = client.get("/desk/new").text
    assert re.search(r'<option selected value="walk_in"|<option value="walk_in" selected', html)


@pytest.mark.parametrize("role", [Role.EXPERT, Role.COMMISSION, Role.ADMIN])
def test_only_desk_and_coordinator_open_the_intake_form(client, login_as, role):
    login_as(role)
    assert client.get("/desk/new").status_code == 403
    assert client.post("/desk/new", data=form()).status_code == 403
    assert count(Inquiry) == 0


def test_coordinator_logs_an_inquiry_too(client, login_as):
    login_as(Role.COORDINATOR)
    assert post(client).status_code == 303
    assert count(Inquiry) == 1


def test_anonymous_visitor_is_sent_to_login(client):
    make_office()
    response = client.get("/desk/new")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


# --- validation ------------------------------------------------------------------------


def test_missing_category_is_refused_in_bulgarian(client, desk):
    response = post(client, category="")
    assert response.status_code == 422
    assert "Изберете категория." in response.text
    assert count(Inquiry) == 0


def test_missing_description_is_refused_in_bulgarian(client, desk):
    response = post(client, description="   ")
    assert response.status_code == 422
    assert "Опишете накратко въпроса на гражданина." in response.text
    assert count(Inquiry) == 0


def test_neither_consent_nor_anonymous_is_refused_in_bulgarian(client, desk):
    response = post(client, consent=None)
    assert response.status_code == 422
    assert "Нужно е съгласие за обработване на данните" in response.text
    assert count(Inquiry) == 0


def test_no_name_phone_or_email_and_not_anonymous_is_refused_in_bulgarian(client, desk):
    response = post(client, name="", phone="", email="")
    assert response.status_code == 422
    assert "Въведете име, телефон или e-mail — или отбележете анонимно запитване." in response.text
    assert count(Inquiry) == 0


def test_error_is_shown_next_to_its_field(client, desk):
    html = post(client, description="").text
    assert re.search(r'id="description"[^>]*>\s*</textarea>\s*<div class="invalid-feedback', html)
    assert 'id="error-summary"' in html


def test_invalid_email_is_refused(client, desk):
    response = post(client, email="not-an-address")
    assert response.status_code == 422
    assert "Проверете e-mail адреса — например ivan@abv.bg." in response.text


def test_subcategory_of_another_category_is_refused(client, desk):
    response = post(client, subcategory="telk")
    assert response.status_code == 422
    assert "Подкатегорията не е от избраната категория." in response.text
    assert count(Inquiry) == 0


def test_everything_typed_is_kept_when_the_form_is_refused(client, desk):
    response = post(
        client,
        category="",
        description="Съседът строи без разрешение <до оградата>.",
        name="Георги Тодоров",
        phone="0897 555 444",
        email="georgi@example.bg",
        age_band="55-64",
        flags="pensioner",
    )
    assert response.status_code == 422
    html = response.text
    assert "Съседът строи без разрешение &lt;до оградата&gt;." in html
    assert 'value="Георги Тодоров"' in html
    assert 'value="0897 555 444"' in html
    assert 'value="georgi@example.bg"' in html
    assert re.search(r'<option selected value="55-64"|<option value="55-64" selected', html)
    assert re.search(r'checked[^>]*value="pensioner"|value="pensioner"[^>]*checked', html)
    assert 'value="form-token-0001"' in html  # the same one-time token


def test_refused_form_keeps_the_chosen_category_and_subcategory(client, desk):
    html = post(client, description="").text
    assert re.search(r'<option selected value="local_taxes"|<option value="local_taxes" selected',
                     html)  # fmt: skip
    assert re.search(r'value="property_tax"[^>]*selected', html)


def test_all_required_fields_missing_lists_every_message(client, desk):
    response = post(client, category="", description="", consent=None, name="", phone="")
    assert response.status_code == 422
    for message in (
        "Изберете категория.",
        "Опишете накратко въпроса на гражданина.",
        "Нужно е съгласие за обработване на данните",
        "Въведете име, телефон или e-mail",
    ):
        assert message in response.text


# --- a valid form and its receipt ------------------------------------------------------


def test_valid_form_redirects_to_the_receipt(client, desk):
    response = post(client)
    assert response.status_code == 303
    match = RECEIPT.match(response.headers["Location"].removeprefix("http://localhost"))
    assert match
    assert match.group(1) == the_inquiry().reference


def test_receipt_shows_reference_pin_office_category_status_url_and_qr(client, desk):
    response = post(client)
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200
    html = receipt.text
    inquiry = the_inquiry()
    assert inquiry.reference in html
    pin = re.search(r'id="receipt-pin">(\d{6})<', html).group(1)
    assert intake.check_pin(inquiry, pin)
    assert inquiry.office.name in html
    assert inquiry.office.opening_hours in html
    assert "Местни данъци и такси" in html
    assert f"/status?ref={inquiry.reference}" in re.sub(r"<[^>]+>", "", html)  # as printed
    assert "<svg" in html
    assert "Бюрото обработва името" in html  # the short privacy notice


def test_pin_is_stored_only_hashed(client, desk):
    receipt = client.get(post(client).headers["Location"]).text
    pin = re.search(r'id="receipt-pin">(\d{6})<', receipt).group(1)
    inquiry = the_inquiry()
    assert inquiry.pin_hash != pin
    assert pin not in inquiry.pin_hash
    assert intake.check_pin(inquiry, pin)


def test_receipt_opened_in_another_session_does_not_show_the_pin(app, client, desk):
    location = post(client).headers["Location"]
    colleague = make_user(Role.DESK)
    other = app.test_client()
    login = other.post("/login", data={"email": colleague.email, "password": PASSWORD})
    assert login.status_code == 303
    html = other.get(location).text
    assert re.search(r'id="receipt-pin">\d{6}<', html) is None
    assert 'id="receipt-pin"><span class="text-muted' in html
    assert "Издай нов ПИН" in html


def test_new_pin_from_the_receipt_replaces_the_old_one(client, desk):
    location = post(client).headers["Location"]
    old = re.search(r'id="receipt-pin">(\d{6})<', client.get(location).text).group(1)
    inquiry = the_inquiry()
    response = client.post(f"/desk/receipt/{inquiry.reference}/pin")
    assert response.status_code == 303
    new = re.search(r'id="receipt-pin">(\d{6})<', client.get(response.location).text).group(1)
    db.session.refresh(inquiry)
    assert intake.check_pin(inquiry, new)
    assert old == new or not intake.check_pin(inquiry, old)


def test_receipt_of_an_unknown_reference_is_404(client, desk):
    assert client.get("/desk/receipt/KRS-2026-99999").status_code == 404


def test_valid_form_stores_what_was_typed(client, desk):
    office = desk.office
    kresna = next(s for s in office.settlements if s.name == "Кресна")
    post(client, settlement=str(kresna.id), urgency="urgent", channel="phone", flags="unemployed")
    inquiry = the_inquiry()
    assert inquiry.office_id == office.id
    assert (inquiry.category.code, inquiry.subcategory.code) == ("local_taxes", "property_tax")
    assert inquiry.settlement_id == kresna.id
    assert (inquiry.urgency, inquiry.channel) == ("urgent", "phone")
    assert inquiry.created_by_id == desk.id
    assert inquiry.citizen.name == "Мария Иванова"
    assert inquiry.citizen.flag_list == ["unemployed"]
    assert [event.kind for event in inquiry.events] == ["created"]


def test_consent_is_recorded_with_time_and_notice_version(client, desk):
    post(client)
    citizen = the_inquiry().citizen
    assert citizen.consent_at is not None
    assert citizen.consent_notice_version == intake.CONSENT_NOTICE_VERSION


def test_stat_record_is_written_with_the_inquiry(client, desk):
    post(client, flags=["unemployed", "single_parent"])
    record = db.session.scalars(select(StatRecord)).one()
    assert record.inquiry_id == the_inquiry().id
    assert (record.category, record.gender, record.age_band) == ("local_taxes", "female", "35-44")
    assert record.unemployed and record.single_parent and not record.pensioner


# --- anonymous -------------------------------------------------------------------------


def test_anonymous_inquiry_needs_neither_consent_nor_identity(client, desk):
    response = post(client, anonymous="y", consent=None, name="", phone="")
    assert response.status_code == 303
    assert the_inquiry().citizen_id is None


def test_anonymous_inquiry_stores_no_identity_even_if_typed(client, desk):
    response = post(client, anonymous="y", name="Петър Петров", phone="0888 999 000")
    assert response.status_code == 303
    inquiry = the_inquiry()
    assert inquiry.citizen_id is None
    assert count(Citizen) == 0
    names = db.session.scalars(select(Citizen.name)).all()
    assert "Петър Петров" not in names
    assert "Петър Петров" not in client.get(f"/cases/{inquiry.reference}").text


def test_anonymous_inquiry_still_counts_its_demographics(client, desk):
    post(client, anonymous="y", consent=None, name="", gender="male", age_band="65+")
    record = db.session.scalars(select(StatRecord)).one()
    assert (record.gender, record.age_band) == ("male", "65+")


# --- returning citizen -----------------------------------------------------------------


def test_linking_a_returning_citizen_reuses_the_citizen(client, desk):
    first = make_inquiry(desk.office, citizen={"name": "Мария Иванова", "phone": "0888 123 456"})
    response = post(client, citizen_id=str(first.citizen_id), name="", phone="", token="t-2")
    assert response.status_code == 303
    assert count(Citizen) == 1
    second = db.session.scalar(select(Inquiry).where(Inquiry.id != first.id))
    assert second.citizen_id == first.citizen_id


def test_citizen_of_another_office_cannot_be_linked(client, desk):
    other = make_inquiry(make_office("STR"), citizen={"name": "Чужд Гражданин"})
    response = post(client, citizen_id=str(other.citizen_id), name="", phone="")
    assert response.status_code == 422
    assert "Гражданинът не е намерен." in response.text
    assert count(Inquiry) == 1


# --- double submit ---------------------------------------------------------------------


def test_double_submit_creates_one_inquiry_and_shows_its_receipt(client, desk):
    first = post(client)
    second = post(client)
    assert first.status_code == second.status_code == 303
    assert first.location.split("?")[0] == second.location.split("?")[0]
    assert count(Inquiry) == 1
    assert count(StatRecord) == 1
    assert count(Citizen) == 1


def test_resubmitted_form_with_changed_text_still_makes_one_inquiry(client, desk):
    post(client)
    post(client, description="Натиснато два пъти.")
    assert count(Inquiry) == 1
    assert the_inquiry().description.startswith("Пита как")


def test_double_submit_receipt_still_shows_the_pin_to_the_same_desk(client, desk):
    post(client)
    location = post(client).headers["Location"]
    assert re.search(r'id="receipt-pin">\d{6}<', client.get(location).text)


def test_two_forms_make_two_inquiries_with_consecutive_references(client, desk):
    post(client, token="form-a")
    post(client, token="form-b")
    references = db.session.scalars(select(Inquiry.reference).order_by(Inquiry.id)).all()
    assert [int(r[-5:]) for r in references] == [1, 2]


def test_overlong_token_is_refused_not_crashing(client, desk):
    response = post(client, token="t" * 100)
    assert response.status_code == 422
    assert count(Inquiry) == 0


# --- CSRF ------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_intake_without_csrf_token_is_refused(client, app_config):
    user = make_user(Role.DESK)
    login_page = client.get("/login").text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    csrf = csrf or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page)
    login = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf.group(1)}
    )
    assert login.status_code == 303
    assert client.post("/desk/new", data=form()).status_code == 400
    assert count(Inquiry) == 0
    page = client.get("/desk/new").text
    token = re.search(r'id="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/desk/new", data=form(csrf_token=token)).status_code == 303
    assert count(Inquiry) == 1


# --- the phone -------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["0888 123 456", "+359 888 123 456", "(02) 987 65 43"])
def test_usual_phone_numbers_are_taken(client, desk, phone):
    assert post(client, phone=phone).status_code == 303
    assert the_inquiry().citizen.phone == phone


def test_a_phone_with_letters_is_refused_beside_the_other_errors(client, desk):
    response = post(client, phone="abc", description="")
    assert response.status_code == 422
    assert "Телефонът може да съдържа само цифри" in response.text
    assert "Опишете накратко въпроса на гражданина." in response.text
    assert count(Inquiry) == 0


def test_a_description_at_the_limit_with_line_breaks_is_taken(client, desk):
    sent = ("а" * 99 + "\r\n") * 50  # 5 000 characters as the browser counts them
    assert post(client, description=sent).status_code == 303
    assert "\r" not in the_inquiry().description
