"""The online inquiry /ask: plain Bulgarian errors, nothing lost, honeypot, rate limit, e-mail."""

import re

import pytest
from sqlalchemy import func, select

from bureau.domain.cases import intake
from bureau.extensions import db
from bureau.models import Citizen, Inquiry, OutboxMessage, StatRecord
from tests.factories import make_office

DONE = "/ask/done"


@pytest.fixture
def app_config():
    return {"ASK_LIMIT_PER_IP": "100 per hour", "ASK_ATTEMPTS_PER_IP": "100 per hour"}


@pytest.fixture
def office(app):
    return make_office()


def form(office=None, **fields) -> dict:
    data = {
        "category": "local_taxes",
        "settlement": "0",
        "description": "Не съм получила съобщение за данък сгради.",
        "name": "Мария Иванова",
        "phone": "0888 123 456",
        "email": "",
        "gender": "undisclosed",
        "age_band": "65+",
        "consent": "y",
        "website": "",
        "token": intake.new_token(),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def ask(client, ip="127.0.0.1", **fields):
    return client.post("/ask", data=form(**fields), environ_base={"REMOTE_ADDR": ip})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_form_is_in_bulgarian_with_categories_in_plain_words_and_the_notice(client, office):
    page = client.get("/ask").text
    assert "Задайте въпрос онлайн" in page
    assert "Местни данъци и такси" in page
    assert "Горна Брезница" in page
    assert "Бюрото обработва името" in page  # the privacy notice beside the consent
    assert re.search(r'name="token"[^>]*value="[\w-]{20,}"', page)


def test_citizen_sends_an_online_inquiry_and_sees_reference_and_pin(client, office):
    response = ask(client)

    assert response.status_code == 303
    assert response.location.startswith(f"{DONE}?r=")
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.channel == "online"
    assert inquiry.created_by is None
    assert inquiry.citizen.name == "Мария Иванова"
    assert inquiry.citizen.consent_at is not None
    record = db.session.scalars(select(StatRecord)).one()
    assert (record.channel, record.age_band) == ("online", "65+")
    page = client.get(response.location).text
    assert inquiry.reference in page
    pin = re.search(r'id="ask-pin">(\d{6})<', page).group(1)
    assert intake.check_pin(inquiry, pin)
    assert pin not in response.location


def test_inquiry_without_contact_is_anonymous(client, office):
    assert ask(client, name="", phone="", email="").status_code == 303
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.citizen is None
    assert count(Citizen) == 0


def test_given_e_mail_gets_reference_and_pin_through_the_outbox(client, office):
    ask(client, email="maria@example.com")
    inquiry = db.session.scalars(select(Inquiry)).one()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.to == "maria@example.com"
    assert message.inquiry_id == inquiry.id
    assert inquiry.reference in message.subject
    pin = re.search(r"ПИН: (\d{6})", message.body_text).group(1)
    assert intake.check_pin(inquiry, pin)
    assert f"/status?ref={inquiry.reference}" in message.body_text


def test_no_e_mail_no_message(client, office):
    ask(client)
    assert count(OutboxMessage) == 0


def test_errors_are_in_plain_bulgarian_and_nothing_typed_is_lost(client, office):
    response = ask(client, category="", consent=None, email="не-е-адрес")

    assert response.status_code == 422
    page = response.text
    assert "Изберете за какво се отнася въпросът." in page
    assert "Без съгласието ви не можем да приемем запитването." in page
    assert "Проверете e-mail адреса" in page
    assert 'href="#category"' in page and 'href="#consent"' in page  # the error summary
    assert "Не съм получила съобщение за данък сгради." in page
    assert 'value="Мария Иванова"' in page
    assert 'value="0888 123 456"' in page
    assert re.search(r'<option selected value="65\+">|<option value="65\+" selected', page)
    assert 'aria-invalid="true"' in page
    assert count(Inquiry) == 0


def test_empty_description_is_refused(client, office):
    response = ask(client, description="   ")
    assert response.status_code == 422
    assert "Напишете накратко какъв е въпросът ви." in response.text


def test_the_same_form_sent_twice_makes_one_inquiry(client, office):
    data = form()
    assert client.post("/ask", data=data).status_code == 303
    again = client.post("/ask", data=data)
    assert again.status_code == 303
    assert count(Inquiry) == 1
    assert re.search(r'id="ask-pin">\d{6}<', client.get(again.location).text)


def test_filled_honeypot_creates_nothing_and_keeps_the_text(client, office):
    response = ask(client, website="http://spam.example")
    assert response.status_code == 422
    assert count(Inquiry) == 0
    assert "Запитването не беше изпратено." in response.text
    assert "Не съм получила съобщение за данък сгради." in response.text
    assert "spam.example" not in response.text


@pytest.mark.parametrize(
    "app_config", [{"ASK_LIMIT_PER_IP": "2 per hour", "ASK_ATTEMPTS_PER_IP": "100 per hour"}]
)
def test_scripted_flood_is_stopped_but_a_neighbour_gets_through(client, office, app_config):
    assert ask(client, ip="10.9.9.9").status_code == 303
    assert ask(client, ip="10.9.9.9").status_code == 303
    flood = ask(client, ip="10.9.9.9")
    assert flood.status_code == 429
    assert "Твърде много опити" in flood.text
    assert ask(client, ip="10.9.9.10").status_code == 303
    assert count(Inquiry) == 3


@pytest.mark.parametrize(
    "app_config", [{"ASK_LIMIT_PER_IP": "2 per hour", "ASK_ATTEMPTS_PER_IP": "100 per hour"}]
)
def test_a_real_user_correcting_mistakes_is_not_blocked(client, office, app_config):
    for _ in range(4):
        assert ask(client, description="").status_code == 422
    assert ask(client).status_code == 303


@pytest.mark.parametrize(
    "app_config", [{"ASK_LIMIT_PER_IP": "100 per hour", "ASK_ATTEMPTS_PER_IP": "3 per hour"}]
)
def test_honeypot_flood_is_cut_off_too(client, office, app_config):
    for _ in range(3):
        ask(client, website="x", ip="10.7.7.7")
    assert ask(client, website="x", ip="10.7.7.7").status_code == 429


def test_with_several_offices_the_settlement_decides_the_office(client, office):
    other = make_office("STR", municipality="Струмяни")
    village = other.settlements[0]

    missing = ask(client, settlement="0")
    assert missing.status_code == 422
    assert "Изберете населеното място" in missing.text

    assert ask(client, settlement=str(village.id)).status_code == 303
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.office_id == other.id
    assert inquiry.reference.startswith("STR-")


def test_receipt_page_without_an_inquiry_goes_back_to_the_form(client):
    response = client.get(DONE)
    assert response.status_code == 303
    assert response.location == "/ask"


def test_a_phone_with_letters_is_refused_and_the_rest_is_kept(client, office):
    response = ask(client, phone="обадете се вечер")
    assert response.status_code == 422
    assert "Телефонът може да съдържа само цифри" in response.text
    assert 'value="обадете се вечер"' in response.text
    assert count(Inquiry) == 0


def test_a_text_at_the_limit_with_line_breaks_is_taken_as_the_browser_counted_it(client, office):
    # The browser counts a line break once (its maxlength and our counter alike) but sends
    # it as CR LF: 5 000 characters on the screen must not be refused as 5 050.
    typed = ("а" * 99 + "\n") * 50
    sent = typed.replace("\n", "\r\n")
    assert len(typed) == 5000 and len(sent) == 5050
    assert ask(client, description=sent).status_code == 303
    assert db.session.scalars(select(Inquiry)).one().description == typed.strip()
