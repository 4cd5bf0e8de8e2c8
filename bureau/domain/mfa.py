"""Two-factor authentication: TOTP codes (RFC 6238, any authenticator app) and
ten one-time recovery codes for a lost phone.

The secret never leaves the server except once, as the QR code of the enrolment page.
Recovery codes are shown once and stored as keyed hashes.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from bureau.domain import DomainError, accounts, settings
from bureau.extensions import db
from bureau.models import RecoveryCode, TotpCredential, User, utcnow

ISSUER = "Bureau"
RECOVERY_CODES = 10
STEP_SECONDS = 30
# A code from the previous or next 30 s step is accepted too: phone clocks drift.
DRIFT_STEPS = 1
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes


def clock() -> float:
    """The time TOTP codes are checked against (tests replace it)."""
    return time.time()


def credential(user: User) -> TotpCredential | None:
    return db.session.get(TotpCredential, user.id)


def is_enrolled(user: User) -> bool:
    """True once the user has confirmed a TOTP app with a first code."""
    found = credential(user)
    return found is not None and found.confirmed_at is not None


def required_for(user: User, required_roles) -> bool:
    """The roles in MFA_REQUIRED_ROLES (admin and coordinator by default) must use it."""
    return user.role in (required_roles or ())


def begin_enrolment(user: User) -> TotpCredential:
    """A new secret for the user's app (or the one already waiting for its first code)."""
    found = credential(user)
    if found is not None and found.confirmed_at is not None:
        raise DomainError(_l("Двуфакторното влизане вече е включено."))
    if found is None:
        found = TotpCredential(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(found)
        db.session.flush()
    return found


def provisioning_uri(user: User, found: TotpCredential) -> str:
    """The otpauth:// address the QR code carries."""
    return pyotp.TOTP(found.secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_enrolment(user: User, code: str, *, now: float | None = None) -> list[str]:
    """Switch 2FA on with the app's first code; return the recovery codes (shown once)."""
    found = credential(user)
    if found is None or found.confirmed_at is not None:
        raise DomainError(_l("Започнете включването отначало."), "code")
    if not _accept_totp(found, code, now):
        raise DomainError(_l("Кодът не е верен. Проверете часовника на телефона."), "code")
    found.confirmed_at = utcnow()
    accounts.end_sessions(user)  # sessions opened without the second factor end
    return new_recovery_codes(user)


def verify(user: User, code: str, *, now: float | None = None) -> str | None:
    """'totp' or 'recovery' if the code opens the account (each only once), else None."""
    found = credential(user)
    if found is None or found.confirmed_at is None:
        return None
    if _accept_totp(found, code, now):
        return "totp"
    if _use_recovery_code(user, code):
        return "recovery"
    return None


def _accept_totp(found: TotpCredential, code: str, now: float | None) -> bool:
    digits = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(digits) != 6:
        return False
    totp = pyotp.TOTP(found.secret)
    step = int((now if now is not None else clock()) // STEP_SECONDS)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), digits):
            return _claim_step(found, candidate)
    return False


def _claim_step(found: TotpCredential, step: int) -> bool:
    """Mark the time step used, if no code of it or of a later step was accepted before.

    One conditional UPDATE: of two requests with the same code at the same moment, the
    second waits for the first's row lock and then finds the step taken.
    """
    claimed = db.session.execute(
        update(TotpCredential)
        .where(
            TotpCredential.user_id == found.user_id,
            or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(found, ["last_step"])
    return claimed.rowcount == 1


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; return them in clear, once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_random_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(c)) for c in codes)
    db.session.flush()
    return codes


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend the code if it is the user's and unused: one conditional UPDATE, so the
    same code given twice at the same moment opens the account once."""
    normalised = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    if len(normalised) != 10:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def disable(user: User) -> None:
    """Switch 2FA off: the secret and the recovery codes are deleted."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    accounts.end_sessions(user)
    db.session.flush()


def _random_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _code_hash(code: str) -> str:
    """A keyed hash: a copy of the database alone cannot be searched for codes."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    key = hashlib.sha256(b"recovery:" + settings.current().secret_key.encode()).digest()
    return hmac.digest(key, normalised.encode(), "sha256").hex()


def reauthenticate(user: User, password: str) -> None:
    """Ask for the current password again before 2FA is changed (ASVS 3.7.1)."""
    from werkzeug.security import check_password_hash

    if not check_password_hash(user.password_hash, password or ""):
        raise DomainError(_l("Текущата парола е грешна."), "password")
