"""One rule decides what an e-mail address is, at every entry that stores one: the online
form, the desk's form, the API, the admin's user form, `users create` and the outbox."""

import pytest
from sqlalchemy import func, select

from bureau.domain import DomainError, accounts, emails, notifications
from bureau.domain.cases import intake
from bureau.extensions import db
from bureau.models import Citizen, Inquiry, OutboxMessage, Role, User
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

IDN = "Ivan.Petrov@Пример.БГ"
IDN_STORED, IDN_ASCII = "Ivan.Petrov@пример.бг", "Ivan.Petrov@xn--e1afmkfd.xn--90ae"
INJECTED = "victim@example.com\r\nBcc:x@example.org"
REFUSED = {
    "иван@пример.бг": "латиница",  # needs SMTPUTF8, which most relays lack
    INJECTED: "нов ред",
    "ivan@abv.bg\x00": "нов ред",
    "\ud800@abv.bg": "Проверете e-mail адреса",  # a lone surrogate
    "ivan@localhost": "Проверете e-mail адреса",
    "ivan@abv": "Проверете e-mail адреса",
    "Иван <ivan@abv.bg>": "Проверете e-mail адреса",
    "a" * 5_000_000 + "@abv.bg": "твърде дълъг",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "ascii"),
    [
        (IDN, IDN_STORED, IDN_ASCII),
        ("  desk@Kresna.TEST ", "desk@kresna.test", "desk@kresna.test"),
        ("admin@bureau.test", "admin@bureau.test", "admin@bureau.test"),
        ("ivan@xn--e1afmkfd.xn--90ae", "ivan@пример.бг", "ivan@xn--e1afmkfd.xn--90ae"),
    ],
)
def test_addresses_are_normalised_with_an_ascii_form_for_smtp(app, typed, stored, ascii):
    address = emails.parse(typed)
    assert (address.normalized, address.ascii) == (stored, ascii)


@pytest.mark.parametrize("typed", REFUSED, ids=range(len(REFUSED)))
def test_what_is_not_a_sendable_address_is_refused_with_a_bulgarian_message(app, typed):
    with pytest.raises(DomainError) as refused:
        emails.parse(typed)
    assert REFUSED[typed] in str(refused.value.message)
    assert refused.value.field == "email"


def test_the_outbox_never_stores_an_address_it_could_not_send(app):
    case = make_inquiry()
    for bad in ("иван@пример.бг", INJECTED):
        assert notifications.queue_email(bad, "overdue", {"case": case}, inquiry=case) is None
    message = notifications.queue_email(IDN, "overdue", {"case": case}, inquiry=case)
    db.session.commit()
    assert count(OutboxMessage) == 1
    assert (message.to, message.office_id) == (IDN_STORED, case.office_id)


# The public form /ask ------------------------------------------------------------------


def ask(client, email: str):
    return client.post("/ask", data={
        "category": "local_taxes", "settlement": "0", "description": "Въпрос за данък.",
        "name": "Иван Петров", "email": email, "gender": "undisclosed",
        "age_band": "undisclosed", "consent": "y", "website": "", "token": intake.new_token(),
    })  # fmt: skip


@pytest.mark.parametrize("typed", ["иван@пример.бг", INJECTED], ids=["cyrillic", "injected"])
def test_the_online_form_refuses_an_address_it_could_not_send_to(client, typed):
    make_office()
    response = ask(client, typed)
    assert response.status_code == 422
    assert REFUSED[typed] in response.text
    assert (count(Inquiry), count(OutboxMessage)) == (0, 0)


def test_the_online_form_takes_an_idn_address_and_mails_it(client):
    make_office()
    assert ask(client, IDN).status_code == 303
    assert db.session.scalars(select(Citizen.email)).one() == IDN_STORED
    assert db.session.scalars(select(OutboxMessage.to)).one() == IDN_STORED


# The desk's form and the API ------------------------------------------------------------


def desk_form(email: str) -> dict:
    return {
        "category": "local_taxes", "settlement": "0", "description": "Въпрос.",
        "urgency": "normal", "channel": "walk_in", "citizen_id": "", "name": "Иван",
        "phone": "", "email": email, "gender": "male", "age_band": "35-44", "consent": "y",
        "token": intake.new_token(),
    }  # fmt: skip


def test_the_desk_form_normalises_and_refuses_alike(client, login_as):
    login_as(Role.DESK)
    refused = client.post("/desk/new", data=desk_form("иван@пример.бг"))
    assert refused.status_code == 422
    assert REFUSED["иван@пример.бг"] in refused.text
    assert client.post("/desk/new", data=desk_form(IDN)).status_code == 303
    assert db.session.scalars(select(Citizen.email)).one() == IDN_STORED


def api_intake(client, email: str):
    user = make_user(Role.DESK)
    token = accounts.issue_api_token(user)
    db.session.commit()
    body = {
        "channel": "phone", "category": "local_taxes", "description": "Въпрос.",
        "consent": True, "citizen": {"name": "Иван", "email": email},
    }  # fmt: skip
    return client.post("/api/v1/inquiries", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("typed", [INJECTED, "иван@пример.бг"], ids=["injected", "cyrillic"])
def test_the_api_refuses_an_address_with_a_422_naming_the_field(client, typed):
    response = api_intake(client, typed)
    assert response.status_code == 422
    assert response.json["field"] == "email"
    assert REFUSED[typed] in response.json["message"]
    assert count(Inquiry) == 0


def test_the_api_stores_the_normalised_address(client):
    assert api_intake(client, IDN).status_code == 201
    assert db.session.scalars(select(Citizen.email)).one() == IDN_STORED


# Staff accounts: the admin's form and `users create` -------------------------------------


def new_user(email: str) -> dict:
    return {
        "email": email, "name": "Нов Служител", "role": "desk", "office": str(make_office().id),
        "language": "bg", "active": "y", "password": "a long enough passphrase",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("desk2@kresna.test", "desk2@kresna.test"), (IDN, IDN_STORED.lower())],
)
def test_the_admin_form_takes_the_demos_and_idn_addresses(client, login_as, typed, stored):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user(typed))
    assert response.status_code == 303, response.text
    assert accounts.get_user_by_email(typed).email == stored


def test_the_admin_form_refuses_an_injected_address(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=new_user(INJECTED))
    assert response.status_code == 422
    assert REFUSED[INJECTED] in response.text
    assert count(User) == 1


def test_users_create_checks_the_address_too(app):
    run = app.test_cli_runner().invoke
    make_office()
    refused = run(args=["users", "create", "иван@пример.бг", "--name", "Иван", "--role",
                        "desk", "--office", "KRS", "--password", PASSWORD])  # fmt: skip
    assert refused.exit_code != 0
    assert "латиница" in refused.output
    made = run(args=["users", "create", "Desk2@Kresna.test", "--name", "Иван", "--role",
                     "desk", "--office", "KRS", "--password", PASSWORD])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert accounts.get_user_by_email("desk2@kresna.test") is not None


def test_an_account_stored_before_normalisation_still_logs_in(app):
    user = make_user(Role.DESK)
    user.email = "desk@xn--e1afmkfd.xn--90ae"  # as the old code kept what was typed
    db.session.commit()
    assert accounts.authenticate("desk@xn--e1afmkfd.xn--90ae", PASSWORD) == user
