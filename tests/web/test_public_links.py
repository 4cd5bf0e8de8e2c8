"""Links citizens get come from BUREAU_PUBLIC_URL, never from a request's Host; a forged
Host is refused; production will not start without the public address."""

import re

import pytest
from sqlalchemy import func, select

from bureau import config, create_app
from bureau.domain.cases import intake
from bureau.extensions import db
from bureau.models import Inquiry, OutboxMessage, Role
from bureau.security import PublicUrlMissing
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD, make_office, make_user

PUBLIC = "https://bureau.kresna.bg"


def ask(client, host: str):
    data = {
        "category": "local_taxes", "settlement": "0", "description": "Въпрос за данък.",
        "name": "Иван", "email": "ivan@abv.bg", "gender": "undisclosed",
        "age_band": "undisclosed", "consent": "y", "website": "", "token": intake.new_token(),
    }  # fmt: skip
    return client.post("/ask", data=data, headers={"Host": host})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_forged_host_gets_a_400_and_no_mail_is_queued(client):
    make_office()
    response = ask(client, "evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.text
    assert (count(Inquiry), count(OutboxMessage)) == (0, 0)
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "app_config", [{"PUBLIC_URL": PUBLIC, "TRUSTED_HOSTS": ["localhost", "staff.intranet"]}]
)
def test_the_receipt_e_mail_links_to_the_configured_public_site(client):
    make_office()
    assert ask(client, "staff.intranet").status_code == 303
    body = db.session.scalars(select(OutboxMessage.body_text)).one()
    reference = db.session.scalars(select(Inquiry.reference)).one()
    assert f"{PUBLIC}/status?ref={reference}" in body
    assert "staff.intranet" not in body


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["localhost", "staff.intranet"]}])
def test_without_a_public_url_links_never_take_the_requests_host(client):
    make_office()
    assert ask(client, "staff.intranet").status_code == 303
    message = db.session.scalars(select(OutboxMessage)).one()
    assert "staff.intranet" not in message.body_text + message.body_html


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["localhost", "staff.intranet"]}])
def test_the_printed_receipt_and_its_qr_code_never_take_the_requests_host(client):
    host = {"Host": "staff.intranet"}
    desk = make_user(Role.DESK)
    client.post("/login", data={"email": desk.email, "password": PASSWORD}, headers=host)
    response = client.post("/desk/new", headers=host, data={
        "category": "local_taxes", "settlement": "0", "description": "Въпрос.",
        "urgency": "normal", "channel": "walk_in", "name": "Иван", "gender": "male",
        "age_band": "35-44", "consent": "y", "token": intake.new_token(),
    })  # fmt: skip
    assert response.status_code == 303
    receipt = client.get(response.location, headers=host).text
    printed = re.sub(r"<[^>]+>", "", receipt)  # the address is split where it may wrap
    assert re.search(r"http://127\.0\.0\.1:5000/status\?ref=KRS-\d{4}-\d{5}", printed)
    assert "staff.intranet" not in receipt


@pytest.mark.parametrize(
    "production", [{"SESSION_COOKIE_SECURE": True}, {"PROXY_FIX": True}], ids=["https", "proxy"]
)
def test_production_refuses_to_start_without_the_public_address(migrated_database, production):
    settings = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": migrated_database, **production}
    with pytest.raises(PublicUrlMissing, match="BUREAU_PUBLIC_URL"):
        create_app({**settings, "PUBLIC_URL": ""})
    assert create_app({**settings, "PUBLIC_URL": PUBLIC}).config["PUBLIC_URL"] == PUBLIC


def test_development_starts_without_the_public_address(migrated_database):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": migrated_database})
    assert app.config["PUBLIC_URL"] == ""


def test_trusted_hosts_default_to_the_configured_sites_and_the_machine_itself():
    settings = {"PUBLIC_URL": PUBLIC, "BASE_URL": "https://staff.kresna.bg:8443/"}
    assert config.trusted_hosts(settings) == [
        "bureau.kresna.bg", "staff.kresna.bg", "localhost", "127.0.0.1",
    ]  # fmt: skip
    assert config.trusted_hosts({}) == ["localhost", "127.0.0.1"]


def test_trusted_hosts_can_be_set(monkeypatch, tmp_path):
    monkeypatch.setenv("BUREAU_TRUSTED_HOSTS", " bureau.kresna.bg, .kresna.bg ,")
    monkeypatch.setenv("BUREAU_SECRET_KEY", "x")
    assert config.from_env(str(tmp_path))["TRUSTED_HOSTS"] == ["bureau.kresna.bg", ".kresna.bg"]
