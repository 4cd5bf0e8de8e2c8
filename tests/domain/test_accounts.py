"""Staff accounts: password policy, login, sessions, administration and API tokens."""

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, accounts
from bureau.extensions import db
from bureau.models import ApiToken, Role
from tests.factories import PASSWORD, make_office, make_user

FAST_HASH = "pbkdf2:sha256:1000"


def create(**overrides):
    details = {
        "email": "new.user@kresna.test",
        "name": "Нов Потребител",
        "role": Role.DESK,
        "password": PASSWORD,
        "office": make_office(),
        "hash_method": FAST_HASH,
        **overrides,
    }
    return accounts.create_user(**details)


# Password policy


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "twelve chars",
        ("correct horse battery staple " * 5)[:128],
        "Парола за бюрото 2026",
    ],
    ids=["phrase", "exactly-12", "exactly-128", "cyrillic"],
)
def test_good_passwords_pass_the_policy(password):
    accounts.check_password_policy(password, email="ivan@kresna.test")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("elevenchars", "Паролата трябва да е поне 12 знака."),
        ("a" * 64 + "b" * 65, "Паролата трябва да е най-много 128 знака."),
        ("password1234", "Тази парола е твърде лесна за отгатване."),
        ("QWERTY123456", "Тази парола е твърде лесна за отгатване."),
        ("Ivan@Kresna.test", "Тази парола е твърде лесна за отгатване."),
        ("aaaaaaaaaaaaaaaa", "Тази парола е твърде лесна за отгатване."),
        ("abcabcabcabcabc", "Тази парола е твърде лесна за отгатване."),
    ],
    ids=["too-short", "too-long", "common", "common-any-case", "email", "one-char", "three-chars"],
)
def test_weak_passwords_are_refused_with_a_message_for_the_password_field(password, message):
    with pytest.raises(DomainError) as refused:
        accounts.check_password_policy(password, email="ivan@kresna.test")
    assert str(refused.value.message) == message
    assert refused.value.field == "password"


# Creating accounts


def test_create_user_normalises_email_and_keeps_only_a_hash(app):
    user = create(email="  Maria.Ivanova@Kresna.TEST ", name="  Мария Иванова ")
    assert user.email == "maria.ivanova@kresna.test"
    assert user.name == "Мария Иванова"
    assert PASSWORD not in user.password_hash
    assert user.active and user.session_version == 1


def test_create_user_refuses_a_taken_email_whatever_the_case(app):
    create(email="maria@kresna.test")
    with pytest.raises(DomainError) as refused:
        create(email="MARIA@kresna.test")
    assert refused.value.field == "email"


def test_staff_need_an_office_but_an_administrator_does_not(app):
    with pytest.raises(DomainError) as refused:
        create(role=Role.EXPERT, office=None)
    assert refused.value.field == "office"
    admin = create(role=Role.ADMIN, office=None)
    assert admin.office is None
    with pytest.raises(DomainError) as refused:  # nor has one (the CLI's --office took one)
        create(email="admin2@kresna.test", role=Role.ADMIN, office=make_office())
    assert refused.value.field == "office"
    expert = create(email="expert@kresna.test", role=Role.EXPERT, office=make_office("STR"))
    with pytest.raises(DomainError):
        accounts.update_user(expert, name="Е", role=Role.ADMIN, office=expert.office,
                             active=True, language="bg")  # fmt: skip


def test_create_user_applies_the_password_policy(app):
    with pytest.raises(DomainError):
        create(password="new.user@kresna.test")


# Logging in


def test_authenticate_returns_the_user_and_notes_the_login(app):
    user = make_user()
    assert accounts.authenticate(user.email.upper(), PASSWORD) == user
    assert user.last_login_at is not None


def test_authenticate_refuses_a_wrong_password(app):
    user = make_user()
    assert accounts.authenticate(user.email, "a wrong guess") is None
    assert user.last_login_at is None


def test_authenticate_refuses_an_unknown_email(app):
    make_user()
    assert accounts.authenticate("nobody@kresna.test", PASSWORD) is None


def test_authenticate_refuses_a_deactivated_user_with_the_right_password(app):
    user = make_user()
    user.active = False
    db.session.commit()  # authenticate counts attempts on a connection of its own
    assert accounts.authenticate(user.email, PASSWORD) is None


def test_end_sessions_changes_the_session_identity(app):
    user = make_user()
    before = user.get_id()
    accounts.end_sessions(user)
    assert user.get_id() != before


# Passwords


def test_change_password_needs_the_current_password(app):
    user = make_user()
    with pytest.raises(DomainError) as refused:
        accounts.change_password(
            user, current="a wrong guess", new="a new passphrase", hash_method=FAST_HASH
        )
    assert refused.value.field == "current"
    assert accounts.authenticate(user.email, PASSWORD) == user


def test_change_password_replaces_the_password_and_ends_other_sessions(app):
    user = make_user()
    before = user.session_version
    accounts.change_password(user, current=PASSWORD, new="a new passphrase", hash_method=FAST_HASH)
    db.session.commit()
    assert accounts.authenticate(user.email, PASSWORD) is None
    assert accounts.authenticate(user.email, "a new passphrase") == user
    assert user.session_version == before + 1


def test_reset_password_applies_the_policy_and_ends_sessions(app):
    user = make_user()
    with pytest.raises(DomainError):
        accounts.reset_password(user, new="short", hash_method=FAST_HASH)
    before = user.session_version
    accounts.reset_password(user, new="a new passphrase", hash_method=FAST_HASH)
    db.session.commit()
    assert accounts.authenticate(user.email, "a new passphrase") == user
    assert user.session_version == before + 1


# Administration


def update(user, **changes):
    details = {
        "name": user.name,
        "role": user.role,
        "office": user.office,
        "active": user.active,
        "language": user.language,
        **changes,
    }
    accounts.update_user(user, **details)


def test_deactivation_ends_the_users_sessions(app):
    user = make_user()
    before = user.session_version
    update(user, active=False)
    assert not user.active
    assert user.session_version == before + 1


def test_other_edits_keep_the_users_sessions(app):
    user = make_user()
    before = user.session_version
    update(user, name="Друго Име", language="en")
    assert user.session_version == before


@pytest.mark.parametrize(
    "change", [{"active": False}, {"role": Role.DESK}], ids=["deactivate", "demote"]
)
def test_the_last_active_administrator_stays(app, change):
    admin = make_user(Role.ADMIN)
    if "role" in change:
        change["office"] = make_office()
    with pytest.raises(DomainError, match="последният активен администратор"):
        update(admin, **change)
    assert admin.active and admin.role == Role.ADMIN


def test_an_administrator_may_go_while_another_remains(app):
    leaving, _staying = make_user(Role.ADMIN), make_user(Role.ADMIN)
    update(leaving, active=False)
    assert not leaving.active


def test_a_deactivated_administrator_can_still_be_edited(app):
    make_user(Role.ADMIN)
    retired = make_user(Role.ADMIN)
    retired.active = False
    update(retired, name="Бивш Администратор")
    assert retired.name == "Бивш Администратор"


def test_staff_role_needs_an_office(app):
    user = make_user(Role.ADMIN)
    make_user(Role.ADMIN)
    with pytest.raises(DomainError) as refused:
        update(user, role=Role.EXPERT, office=None)
    assert refused.value.field == "office"


# API tokens


def test_api_token_finds_its_user_and_is_stored_only_as_a_hash(app):
    user = make_user()
    token = accounts.issue_api_token(user)
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert len(stored) == 1 and len(stored[0]) == 64
    assert accounts.user_by_token(token) == user


def test_api_token_use_is_recorded(app):
    token = accounts.issue_api_token(make_user())
    accounts.user_by_token(token)
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_unknown_token_and_deactivated_users_token_find_nobody(app):
    user = make_user()
    token = accounts.issue_api_token(user)
    assert accounts.user_by_token(token + "x") is None
    assert accounts.user_by_token("") is None
    user.active = False
    assert accounts.user_by_token(token) is None
