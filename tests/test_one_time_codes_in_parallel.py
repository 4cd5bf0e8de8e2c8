"""A one-time code is accepted once, even when it is given twice at the same moment.

Runs on SQLite and on PostgreSQL (BUREAU_TEST_DATABASE_URL): two threads, each with its
own session and connection, check the same recovery code or TOTP code; both have
checked before either commits, unless the check itself waits for the other.
"""

import contextlib
import threading

import pyotp

from bureau.domain import mfa
from bureau.extensions import db
from bureau.models import Role, TotpCredential, User
from tests.factories import PASSWORD, make_user

T0 = 1_800_000_000.0
# How long the first thread waits for the second to have checked too. A correct check
# blocks the second thread inside the check, so the first goes on after this pause.
PAUSE = 1.0


def enrolled_user() -> tuple[User, list[str]]:
    user = make_user(Role.COORDINATOR)
    secret = mfa.begin_enrolment(user).secret
    codes = mfa.confirm_enrolment(user, pyotp.TOTP(secret).at(T0), now=T0)
    db.session.commit()
    return user, codes


def verify_twice_at_once(app, user_id: int, code: str, now: float) -> list:
    """Each thread verifies the code, waits until both have (or PAUSE), then commits."""
    both_checked = threading.Barrier(2)
    results: list = [None, None]

    def attempt(index: int) -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            results[index] = mfa.verify(user, code, now=now)
            with contextlib.suppress(threading.BrokenBarrierError):
                both_checked.wait(timeout=PAUSE)
            db.session.commit()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive(), "a thread hung"
    return results


def test_a_recovery_code_given_twice_at_once_opens_the_account_once(app):
    user, codes = enrolled_user()
    results = verify_twice_at_once(app, user.id, codes[0], now=T0 + 300)
    assert sorted(results, key=str) == [None, "recovery"]
    assert mfa.remaining_recovery_codes(user) == 9


def test_a_totp_code_given_twice_at_once_opens_the_account_once(app):
    user, _codes = enrolled_user()
    secret = db.session.get(TotpCredential, user.id).secret
    code = pyotp.TOTP(secret).at(T0 + 300)
    results = verify_twice_at_once(app, user.id, code, now=T0 + 300)
    assert sorted(results, key=str) == [None, "totp"]


def test_four_parallel_logins_with_one_recovery_code_let_one_in(app):
    """The issue's trial, through HTTP: four browsers past the password, one code."""
    app.config["MFA_REQUIRED_ROLES"] = frozenset({"coordinator"})
    user, codes = enrolled_user()
    browsers = [app.test_client() for _ in range(4)]
    for browser in browsers:
        response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.location == "/login/mfa"
    start = threading.Barrier(len(browsers))
    statuses: list = [None] * len(browsers)

    def post(index: int) -> None:
        start.wait(timeout=10)
        statuses[index] = browsers[index].post("/login/mfa", data={"code": codes[5]}).status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 200, 200, 303]
    db.session.expire_all()
    assert mfa.remaining_recovery_codes(user) == 9
