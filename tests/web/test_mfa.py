"""Two-factor login: required for admin and coordinator (enrolment at first login),
optional for others; TOTP codes used once; recovery codes; re-authentication."""

import pyotp
import pytest
from sqlalchemy import select

from bureau.domain import mfa
from bureau.extensions import db
from bureau.models import AuditEntry, RecoveryCode, Role, TotpCredential
from bureau.web.common import sessions
from tests.factories import PASSWORD, make_user

T0 = 1_800_000_000.0


@pytest.fixture
def app_config():
    return {"MFA_REQUIRED_ROLES": frozenset({"admin", "coordinator"})}


@pytest.fixture
def clock(monkeypatch):
    now = [T0]
    monkeypatch.setattr(mfa, "clock", lambda: now[0])
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def password_step(client, user, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": user.email, "password": password})


def code_for(user, clock) -> str:
    db.session.expire_all()
    secret = db.session.get(TotpCredential, user.id).secret
    return pyotp.TOTP(secret).at(clock[0])


def logged_in(client) -> bool:
    return client.get("/cases/").status_code == 200


# Required roles


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_required_role_enrols_at_first_login_before_getting_in(client, clock, role):
    user = make_user(role)
    response = password_step(client, user)
    assert response.status_code == 303
    assert response.location == "/login/mfa/enrol"
    assert client.get("/").status_code == 200 and "Добре дошли" not in client.get("/").text
    page = client.get("/login/mfa/enrol")
    assert "<svg" in page.text  # the QR code, inline
    codes = enrol_with_page(client, user, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Добре дошли" in client.get("/").text
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(c.code_hash in codes for c in stored)


def enrol_with_page(client, user, clock) -> list[str]:
    page = client.post("/login/mfa/enrol", data={"code": code_for(user, clock)})
    assert page.status_code == 200, page.text
    block = page.text.split('recovery-codes">')[1].split("</ul>")[0]
    return [part.split(">")[-1].strip() for part in block.split("</li>") if ">" in part]


def test_the_secret_never_travels_in_the_session_cookie(app, client, clock):
    user = make_user(Role.COORDINATOR)
    password_step(client, user)
    client.get("/login/mfa/enrol")
    secret = db.session.get(TotpCredential, user.id).secret
    cookie = client.get_cookie("session").value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert secret not in str(session)
    assert "mfa_pending" in session and "_user_id" not in session


def test_enrolled_user_needs_a_right_code_and_lands_on_next(client, clock):
    user = make_user(Role.COORDINATOR)
    enrol_after_password(client, user, clock)
    client.post("/logout")
    clock[0] += 60
    response = password_step(client, user, next_url="/cases/dashboard")
    assert response.location == "/login/mfa"
    wrong = client.post("/login/mfa", data={"code": "000000"})
    assert wrong.status_code == 200 and "Кодът не е верен" in wrong.text
    assert not logged_in(client)
    response = client.post("/login/mfa", data={"code": code_for(user, clock)})
    assert response.status_code == 303 and response.location == "/cases/dashboard"
    assert logged_in(client)
    failed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.mfa_failed"))
    assert [e.object_id for e in failed] == [str(user.id)]


def test_a_code_is_accepted_only_once(app, client, clock):
    user = make_user(Role.COORDINATOR)
    enrol_after_password(client, user, clock)
    client.post("/logout")
    clock[0] += 60
    code = code_for(user, clock)
    password_step(client, user)
    assert client.post("/login/mfa", data={"code": code}).status_code == 303
    other = app.test_client()
    password_step(other, user)
    assert other.post("/login/mfa", data={"code": code}).status_code == 200
    assert not logged_in(other)


def test_a_recovery_code_opens_the_account_once(app, client, clock):
    user = make_user(Role.ADMIN)
    codes = enrol_after_password(client, user, clock)
    client.post("/logout")
    password_step(client, user)
    response = client.post("/login/mfa", data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 303
    assert "остават 9" in client.get("/").text
    other = app.test_client()
    password_step(other, user)
    assert other.post("/login/mfa", data={"code": codes[3]}).status_code == 200


def enrol_after_password(client, user, clock) -> list[str]:
    password_step(client, user)
    client.get("/login/mfa/enrol")
    return enrol_with_page(client, user, clock)


def test_a_pending_login_expires_after_ten_minutes(client, clock):
    user = make_user(Role.COORDINATOR)
    enrol_after_password(client, user, clock)
    client.post("/logout")
    clock[0] += 60
    password_step(client, user)
    clock[0] += 11 * 60
    response = client.post("/login/mfa", data={"code": code_for(user, clock)})
    assert response.status_code == 303 and response.location == "/login"
    assert not logged_in(client)


def test_guessing_codes_is_throttled_per_account(client, clock):
    user = make_user(Role.COORDINATOR)
    enrol_after_password(client, user, clock)
    client.post("/logout")
    password_step(client, user)
    for _ in range(5):
        assert client.post("/login/mfa", data={"code": "123456"}).status_code == 200
    assert client.post("/login/mfa", data={"code": code_for(user, clock)}).status_code == 429


def test_a_session_without_the_second_factor_ends_when_the_role_requires_it(client, clock):
    user = make_user(Role.DESK)
    password_step(client, user)
    assert client.get("/desk/").status_code == 200
    user.role = Role.COORDINATOR  # promoted while logged in
    db.session.commit()
    response = client.get("/cases/")
    assert response.status_code == 302 and "/login" in response.location
    assert "двуфакторно" in client.get(response.location).text


def test_admin_resets_a_lost_second_factor(app, client, login_as, clock):
    user = make_user(Role.COORDINATOR)
    enrol_after_password(app.test_client(), user, clock)
    admin = make_user(Role.ADMIN)
    with client.session_transaction() as session:
        session["_user_id"], session["mfa"] = admin.get_id(), True
    assert client.post(f"/admin/users/{user.id}/mfa-reset").status_code == 303
    assert not mfa.is_enrolled(user)
    assert password_step(app.test_client(), user).location == "/login/mfa/enrol"


# Optional for the other roles


def test_desk_logs_in_with_a_password_alone_until_choosing_2fa(client, clock):
    user = make_user(Role.DESK)
    assert password_step(client, user).location == "/"
    assert "Двуфакторно влизане" in client.get("/account/security").text


def test_turning_2fa_on_needs_the_password_then_a_code(client, clock):
    user = make_user(Role.EXPERT)
    password_step(client, user)
    refused = client.post("/account/security/enable", data={"password": "wrong one"})
    assert refused.location == "/account/security"
    assert mfa.credential(user) is None
    assert client.get("/account/security/setup").location == "/account/security"
    response = client.post("/account/security/enable", data={"password": PASSWORD})
    assert response.location == "/account/security/setup"
    page = client.get("/account/security/setup")
    assert "<svg" in page.text
    done = client.post("/account/security/setup", data={"code": code_for(user, clock)})
    assert done.status_code == 200 and "recovery-codes" in done.text
    assert mfa.is_enrolled(user)
    assert client.get("/account/security").status_code == 200  # this session goes on
    client.post("/logout")
    clock[0] += 60
    assert password_step(client, user).location == "/login/mfa"


def test_turning_2fa_off_needs_the_password_and_is_refused_to_required_roles(client, clock):
    user = make_user(Role.EXPERT)
    password_step(client, user)
    client.post("/account/security/enable", data={"password": PASSWORD})
    client.post("/account/security/setup", data={"code": code_for(user, clock)})
    client.post("/account/security/disable", data={"password": "wrong one"})
    assert mfa.is_enrolled(user)
    client.post("/account/security/disable", data={"password": PASSWORD})
    assert not mfa.is_enrolled(user)
    assert client.get("/account/security").status_code == 200
    coordinator = make_user(Role.COORDINATOR)
    other = client.application.test_client()
    enrol_after_password(other, coordinator, clock)
    other.post("/account/security/disable", data={"password": PASSWORD})
    assert mfa.is_enrolled(coordinator)


def test_new_recovery_codes_need_the_password_and_replace_the_old(client, clock):
    user = make_user(Role.COORDINATOR)
    old = enrol_after_password(client, user, clock)
    assert (
        client.post("/account/security/recovery-codes", data={"password": "nope"}).status_code
        == 303
    )
    page = client.post("/account/security/recovery-codes", data={"password": PASSWORD})
    assert page.status_code == 200
    assert mfa.remaining_recovery_codes(user) == 10
    assert mfa.verify(user, old[0]) is None


def test_totp_codes_from_a_real_authenticator_are_accepted_with_one_step_of_drift(app):
    user = make_user(Role.EXPERT)
    found = mfa.begin_enrolment(user)
    totp = pyotp.TOTP(found.secret)
    codes = mfa.confirm_enrolment(user, totp.at(T0), now=T0)
    assert len(codes) == 10
    assert mfa.verify(user, totp.at(T0 + 30), now=T0 + 60) == "totp"  # phone 30 s behind
    assert mfa.verify(user, totp.at(T0 + 30), now=T0 + 60) is None  # used once only
    assert mfa.verify(user, totp.at(T0 + 300), now=T0 + 90) is None  # too far off
