"""The flask commands: `users create`, `users token`, `offices create`, `demo load`."""

import re

import pytest
from sqlalchemy import func, select

from bureau.demo.commands import DEMO_EXPERTS, DEMO_USERS, demo_password
from bureau.domain import accounts, offices
from bureau.extensions import db
from bureau.models import Office, Role, User
from tests.factories import make_office, make_user

PASSWORD = "a long enough passphrase"
KRESNA_SETTLEMENTS = [
    "Кресна", "Влахи", "Горна Брезница", "Долна Градешница", "Сливница", "Стара Кресна", "Ощава",
]  # fmt: skip


@pytest.fixture
def flask(app):
    """Run `flask --app wsgi ARGS...` against the test app."""
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return run


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def can_log_in(app, email, password) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 303


# users create


def test_users_create_with_password_makes_an_account_that_can_log_in(app, flask):
    make_office()
    result = flask(
        "users", "create", "Desk@Kresna.bg", "--name", "Иван Иванов",
        "--role", "desk", "--office", "krs", "--password", PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Created desk@kresna.bg (desk)." in result.output
    user = accounts.get_user_by_email("desk@kresna.bg")
    assert (user.name, user.role, user.office.code) == ("Иван Иванов", Role.DESK, "KRS")
    assert can_log_in(app, "desk@kresna.bg", PASSWORD)


def test_users_create_asks_for_the_password_when_not_given(app, flask):
    result = flask(
        "users", "create", "root@bureau.bg", "--name", "Админ", "--role", "admin",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed without echo
    assert can_log_in(app, "root@bureau.bg", PASSWORD)


def test_users_create_with_unknown_role_fails_cleanly(flask):
    result = flask("users", "create", "x@kresna.bg", "--name", "X", "--role", "boss")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    assert "Traceback" not in result.output
    assert count(User) == 0


def test_users_create_with_unknown_office_fails_cleanly(flask):
    result = flask(
        "users", "create", "x@kresna.bg", "--name", "X", "--role", "desk",
        "--office", "NOPE", "--password", PASSWORD,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "No office with code NOPE." in result.output
    assert count(User) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--password", "short"], "Паролата трябва да е поне 12 знака."),
        (["--password", "password1234"], "Тази парола е твърде лесна за отгатване."),
    ],
    ids=["too-short", "common"],
)
def test_users_create_refuses_a_weak_password(flask, extra, message):
    result = flask("users", "create", "a@bureau.bg", "--name", "A", "--role", "admin", *extra)
    assert result.exit_code == 1
    assert message in result.output
    assert count(User) == 0


def test_users_create_refuses_staff_without_office(flask):
    result = flask(
        "users", "create", "x@kresna.bg", "--name", "X", "--role", "expert", "--password", PASSWORD
    )
    assert result.exit_code == 1
    assert "Изберете офис за този потребител." in result.output


def test_users_create_refuses_a_taken_email(flask):
    make_user(Role.ADMIN, email="taken@bureau.bg")
    result = flask(
        "users", "create", "TAKEN@bureau.bg", "--name", "X", "--role", "admin",
        "--password", PASSWORD,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Вече има потребител с този e-mail." in result.output
    assert count(User) == 1


# users token


def test_users_token_prints_a_token_that_authenticates_the_api(client, flask):
    user = make_user(Role.COORDINATOR)

    result = flask("users", "token", user.email)

    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["email"] == user.email


def test_users_token_gives_a_new_token_each_time(flask):
    user = make_user()
    first = flask("users", "token", user.email).output.strip()
    second = flask("users", "token", user.email).output.strip()
    assert first != second
    assert accounts.user_by_token(first) == accounts.user_by_token(second) == user


def test_users_token_for_unknown_user_fails_cleanly(flask):
    result = flask("users", "token", "nobody@kresna.bg")
    assert result.exit_code == 1
    assert "No user nobody@kresna.bg." in result.output


# offices create


def test_offices_create_makes_an_office(flask):
    result = flask(
        "offices", "create", "str", "--name", "БИС Струмяни", "--municipality", "Струмяни"
    )
    assert result.exit_code == 0, result.output
    office = offices.get_office("STR")
    assert (office.name, office.municipality) == ("БИС Струмяни", "Струмяни")


def test_offices_create_refuses_a_bad_code(flask):
    result = flask("offices", "create", "K1", "--name", "Бюро")
    assert result.exit_code == 1
    assert "Кодът трябва да е от 2 до 8 латински букви." in result.output
    assert count(Office) == 0


# demo load


def test_demo_load_creates_kresna_with_its_settlements_a_user_per_role_and_experts(app, flask):
    result = flask("demo", "load")

    assert result.exit_code == 0, result.output
    office = offices.get_office("KRS")
    assert sorted(s.name for s in office.settlements) == sorted(KRESNA_SETTLEMENTS)
    users = db.session.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    experts = [u for u in users if u.role == Role.EXPERT]
    assert len(experts) == len(DEMO_EXPERTS)
    assert {e.expert_profile.affiliation for e in experts} == {"ngo", "municipal"}
    assert all(u.office == office for u in users if u.role != Role.ADMIN)
    for email, _name, role, _office in DEMO_USERS:
        assert email in result.output
        assert demo_password(role) in result.output
    assert can_log_in(app, "desk@kresna.test", demo_password(Role.DESK))


def test_demo_load_twice_changes_nothing(flask):
    assert flask("demo", "load").exit_code == 0

    result = flask("demo", "load")

    assert result.exit_code == 0, result.output
    assert count(Office) == 1
    assert len(offices.get_office("KRS").settlements) == 7
    assert count(User) == len(DEMO_USERS) + len(DEMO_EXPERTS) - 1  # expert@ is in both


def test_demo_logins_print_a_receipt_whose_pin_opens_the_status_page(app, flask):
    assert flask("demo", "load", "--cases", "5").exit_code == 0
    app.config["MFA_REQUIRED_ROLES"] = frozenset({"admin", "coordinator"})
    first, second = flask("demo", "logins").output, flask("demo", "logins").output
    assert "admin and coordinator enrol an authenticator app" in first
    receipts = [
        re.search(r"(KRS-\d{4}-\d{5}), PIN (\d{6})", out).groups() for out in (first, second)
    ]
    assert receipts[0][0] == receipts[1][0]  # the same case, a new PIN every run
    reference, pin = receipts[1]
    client = app.test_client()
    response = client.post("/status", data={"reference": reference, "pin": pin})
    assert response.status_code == 303
