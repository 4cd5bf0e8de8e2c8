"""Staff accounts: creation, login, passwords, deactivation and API tokens."""

import functools
import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from bureau.domain import DomainError, emails, throttle
from bureau.extensions import db
from bureau.models import ApiToken, Office, Role, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# The most common passwords of at least 12 characters (ASVS 2.1.7 asks to refuse them).
COMMON_PASSWORDS = frozenset(
    [
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789000",
        "qwertyuiopas",
        "qwerty123456",
        "password1234",
        "password12345",
        "passwordpassword",
        "1q2w3e4r5t6y",
        "qwertyuiop12",
        "111111111111",
        "000000000000",
        "123123123123",
        "abcdefghijkl",
        "abc123abc123",
        "iloveyou1234",
        "administrator",
        "administrator1",
        "welcome12345",
        "letmein12345",
        "changeme1234",
        "parola123456",
        "parolaparola",
        "123456qwerty",
        "qwerty123qwerty",
        "zaq12wsxcde3",
        "1qaz2wsx3edc",
        "sofia1234567",
        "bulgaria1234",
    ]
)


def check_password_policy(password: str, *, email: str = "") -> None:
    """Length 12–128, no composition rules, not a common or obvious password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _l("Паролата трябва да е поне %(n)d знака.", n=MIN_PASSWORD_LENGTH), "password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            _l("Паролата трябва да е най-много %(n)d знака.", n=MAX_PASSWORD_LENGTH), "password"
        )
    lowered = password.lower()
    if (
        lowered in COMMON_PASSWORDS
        or (email and lowered == email.lower())
        or len(set(password)) < 4
    ):
        raise DomainError(_l("Тази парола е твърде лесна за отгатване."), "password")


def hash_password(password: str, method: str = "scrypt") -> str:
    return generate_password_hash(password, method=method)


def normalise_email(email: str) -> str:
    """A login name as stored: the address rule's form in lower case. What is typed at
    login is only looked up, never refused, so anything else is just trimmed."""
    try:
        return emails.parse(email).normalized.lower()
    except DomainError:
        return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    if "\x00" in (email or ""):  # no account has one, and PostgreSQL refuses to compare it
        return None
    # Also as typed: an account made before addresses were normalised (an IDN domain
    # stored as xn--…) still logs in.
    keys = {normalise_email(email), (email or "").strip().lower()}
    return db.session.scalar(select(User).where(User.email.in_(keys)))


def create_user(
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    office: Office | None,
    language: str = "bg",
    hash_method: str = "scrypt",
) -> User:
    """Create a staff account; every role but admin belongs to an office."""
    role = Role(role)
    email = emails.parse(email).normalized.lower()
    if get_user_by_email(email) is not None:
        raise DomainError(_l("Вече има потребител с този e-mail."), "email")
    _check_office(role, office)
    check_password_policy(password, email=email)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        office=office,
        language=language,
        password_hash=hash_password(password, hash_method),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(
    email: str,
    password: str,
    *,
    source: str = "",
    proven: bool = False,
    hash_method: str = "scrypt",
) -> User | None:
    """The active user with this e-mail and password, or None — never saying which was wrong.

    Each try takes an attempt from two buckets (throttle): the account as tried from this
    source (an address, or a browser that logged in before), and — unless `proven` — the
    account as tried from every new browser, a higher ceiling that one source alone cannot
    reach. A stranger's wrong passwords so never keep the owner out. An empty bucket
    raises TooManyAttempts before the password is checked; a right password gives its
    attempts back. Unknown e-mails are counted the same way and checked against a dummy
    hash of the configured method and cost, so neither timing nor throttling tells which
    accounts exist.
    """
    account = normalise_email(email)
    buckets = [
        throttle.Bucket(f"login:{account}|{source}", throttle.rate("LOGIN_LIMIT_PER_SOURCE"))
    ]
    if not proven:
        buckets.append(
            throttle.Bucket(f"login:{account}", throttle.rate("LOGIN_LIMIT_PER_ACCOUNT"))
        )
    taken = throttle.take(buckets)
    user = get_user_by_email(email)  # as typed too: see get_user_by_email
    if user is None:
        check_password_hash(_dummy_hash(hash_method), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    throttle.give_back(taken)  # before this request writes anything (SQLite: one writer)
    user.last_login_at = utcnow()
    return user


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash of a random password, made once per process and method."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def end_sessions(user: User) -> None:
    """Invalidate every session cookie the user holds (logout, deactivation, reset)."""
    user.session_version += 1


def change_password(user: User, *, current: str, new: str, hash_method: str = "scrypt") -> None:
    """The user changes their own password, proving they know the current one."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_l("Текущата парола е грешна."), "current")
    check_password_policy(new, email=user.email)
    user.password_hash = hash_password(new, hash_method)
    end_sessions(user)


def reset_password(user: User, *, new: str, hash_method: str = "scrypt") -> None:
    """The administrator sets a new password; the user's sessions end."""
    check_password_policy(new, email=user.email)
    user.password_hash = hash_password(new, hash_method)
    end_sessions(user)


def _check_office(role: Role, office: Office | None) -> None:
    """Every role works in an office but the administrator, who serves them all."""
    if office is None and role != Role.ADMIN:
        raise DomainError(_l("Изберете офис за този потребител."), "office")
    if office is not None and role == Role.ADMIN:
        raise DomainError(_l("Администраторът не е към офис: оставете офиса празен."), "office")


def update_user(
    user: User,
    *,
    name: str,
    role: Role | str,
    office: Office | None,
    active: bool,
    language: str,
    secretary: bool = False,
) -> None:
    """The administrator edits an account; deactivation ends its sessions at once."""
    role = Role(role)
    _check_office(role, office)
    if (
        user.role == Role.ADMIN
        and user.active
        and (role != Role.ADMIN or not active)
        and count_active_admins() <= 1
    ):
        raise DomainError(_l("Това е последният активен администратор."), "role")
    if user.active and not active:
        end_sessions(user)
    user.name, user.role, user.office, user.active, user.language = (
        name.strip(),
        role,
        office,
        active,
        language,
    )
    user.commission_secretary = bool(secretary) and role == Role.COMMISSION


USER_SORTS = {
    "name": User.name,
    "email": User.email,
    "role": User.role,
    "login": User.last_login_at,
}


def users(q: str = "", *, role: str | None = None, sort: str = "name") -> Select:
    """The users whose e-mail or name holds `q`, of a role if given, in a USER_SORTS order."""
    query = select(User).order_by(USER_SORTS.get(sort, User.name), User.id)
    if q:
        query = query.where(or_(User.email.like(f"%{q.lower()}%"), User.name.ilike(f"%{q}%")))
    if role:
        query = query.where(User.role == role)
    return query


def count_active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    )


def issue_api_token(user: User) -> str:
    """A new personal API token; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token)))
    db.session.flush()
    return token


# Every API request's first query: the token with its user and the user's office (which
# every API view reads) in one round trip, the statement built once.
_TOKEN = (
    select(ApiToken)
    .where(ApiToken.token_hash == bindparam("token_hash"))
    .options(joinedload(ApiToken.user).joinedload(User.office))
)


def user_by_token(token: str) -> User | None:
    api_token = db.session.scalar(_TOKEN, {"token_hash": _token_hash(token)})
    if api_token is None or not api_token.user.active:
        return None
    now = utcnow()
    # At most once an hour: a write on every API read would queue reads behind SQLite's lock.
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(hours=1):
        api_token.last_used_at = now
    return api_token.user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
