"""Settings, read from BUREAU_* environment variables with safe defaults."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

# Hosts every installation answers to: a health check or a cron job on the machine itself.
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def is_production(config) -> bool:
    """Served to the world: over HTTPS (secure cookies) or behind a reverse proxy."""
    return bool(config.get("SESSION_COOKIE_SECURE") or config.get("PROXY_FIX"))


def trusted_hosts(config) -> list[str]:
    """The hosts of BUREAU_PUBLIC_URL and BUREAU_BASE_URL, and the machine itself: a
    request with any other Host header is refused (400) before it reaches a view."""
    hosts = [urlsplit(config.get(key) or "").hostname for key in ("PUBLIC_URL", "BASE_URL")]
    return list(dict.fromkeys([h for h in hosts if h] + list(LOCAL_HOSTS)))


def load_secret_key(instance_path: str) -> str:
    """BUREAU_SECRET_KEY, else a key generated once into instance/secret_key (mode 0600)."""
    if key := os.environ.get("BUREAU_SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(instance_path: str) -> str:
    url = os.environ.get("BUREAU_DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'bureau.db'}"
    return _with_driver(url)


def read_database_url() -> str | None:
    """BUREAU_READ_DATABASE_URL: a streaming replica of the database, read by the
    statistics, the open data and the public API (bureau.database.reading_replica)."""
    url = os.environ.get("BUREAU_READ_DATABASE_URL", "").strip()
    return _with_driver(url) if url else None


def _with_driver(url: str) -> str:
    # Accept the usual postgres:// spelling and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
            if "connect_timeout=" not in url:  # an unreachable host fails fast (503)
                url += ("&" if "?" in url else "?") + "connect_timeout=5"
    return url


def engine_options() -> dict:
    """Reconnect after a database outage (pre-ping); never log SQL parameter values."""
    return {"pool_pre_ping": True, "hide_parameters": True}


def statistics_cache(redis_url: str | None) -> dict:
    """Where computed statistics are kept (bureau.domain.statistics.kept): Redis, shared
    by every worker and app server, or each worker's memory; 0 seconds keeps nothing."""
    seconds = int(os.environ.get("BUREAU_STATISTICS_CACHE_SECONDS", "600"))
    if seconds <= 0:
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    common = {"CACHE_DEFAULT_TIMEOUT": seconds, "CACHE_KEY_PREFIX": "bureau:"}
    if redis_url:
        options = {"socket_connect_timeout": 2, "socket_timeout": 2}
        return {**common, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url,
                "CACHE_OPTIONS": options}  # fmt: skip
    return {**common, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 200}


def from_env(instance_path: str) -> dict:
    """The application's configuration as a dict, for app.config.update()."""
    redis_url = os.environ.get("BUREAU_REDIS_URL")
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(),
        # None: everything reads the primary.
        "READ_DATABASE_URI": read_database_url(),
        # Redis, or else the database: every worker and app server counts together.
        "RATELIMIT_STORAGE_URI": redis_url or "database://",
        # Fail closed: with Redis down the limited views answer 503, never "unlimited".
        "RATELIMIT_SWALLOW_ERRORS": False,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}
        if redis_url
        else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        **statistics_cache(redis_url),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BABEL_DEFAULT_LOCALE": "bg",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Sofia",
        "LANGUAGES": ("bg", "en"),
        "SUPPRESSION_THRESHOLD": int(os.environ.get("BUREAU_SUPPRESSION_THRESHOLD", "5")),
        "MAIL_SERVER": os.environ.get("BUREAU_MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("BUREAU_MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("BUREAU_MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("BUREAU_MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env_bool("BUREAU_MAIL_USE_TLS", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("BUREAU_MAIL_SENDER", "bureau@localhost"),
        # A message is retried (at the longest interval after the first day) until this
        # old, then marked failed; /admin/outbox can send it again.
        "MAIL_GIVE_UP_DAYS": int(os.environ.get("BUREAU_MAIL_GIVE_UP_DAYS", "7")),
        # SMS to citizens: `log` writes them to the log (development), `http` posts them
        # to the gateway (README: the gateway contract).
        "SMS_BACKEND": os.environ.get("BUREAU_SMS_BACKEND", "log"),
        "SMS_URL": os.environ.get("BUREAU_SMS_URL", ""),
        "SMS_TOKEN": os.environ.get("BUREAU_SMS_TOKEN", ""),
        "SMS_SENDER": os.environ.get("BUREAU_SMS_SENDER", ""),
        "SMS_TIMEOUT": float(os.environ.get("BUREAU_SMS_TIMEOUT", "10")),
        # Segments an office may send a month; its coordinators are warned at the percent.
        "SMS_MONTHLY_CAP": int(os.environ.get("BUREAU_SMS_MONTHLY_CAP", "500")),
        "SMS_WARN_PERCENT": int(os.environ.get("BUREAU_SMS_WARN_PERCENT", "80")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("BUREAU_SECURE_COOKIES", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_LIMIT_PER_IP": "20 per minute",
        "PAGE_SIZE": 50,
        # The public site's address, for citizens' links in e-mails, on receipts and in
        # their QR code; required in production (see security.require_public_url).
        "PUBLIC_URL": os.environ.get("BUREAU_PUBLIC_URL", ""),
        # The staff site's address, for links in e-mails sent by `jobs run`.
        "BASE_URL": os.environ.get("BUREAU_BASE_URL", ""),
        # Host headers answered; None: derived by trusted_hosts() once the rest is known.
        "TRUSTED_HOSTS": _env_list("BUREAU_TRUSTED_HOSTS"),
        "UPLOAD_FOLDER": os.environ.get(
            "BUREAU_UPLOAD_FOLDER", os.path.join(instance_path, "uploads")
        ),
        "MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
        # Referrals: working days an institution has to acknowledge (a reminder after
        # this term, "no answer" after twice it), and the days its link stays valid.
        "REFERRAL_ACK_DAYS": int(os.environ.get("BUREAU_REFERRAL_ACK_DAYS", "5")),
        "REFERRAL_LINK_DAYS": int(os.environ.get("BUREAU_REFERRAL_LINK_DAYS", "60")),
        # Action plans: reviewed every so many months; impact compares as many months
        # before and after a recommendation was accepted (or implemented).
        "PLAN_REVIEW_MONTHS": int(os.environ.get("BUREAU_PLAN_REVIEW_MONTHS", "6")),
        "IMPACT_WINDOW_MONTHS": int(os.environ.get("BUREAU_IMPACT_WINDOW_MONTHS", "6")),
        **security_settings(),
    }


def security_settings() -> dict:
    """Sessions, two-factor login, the proxy, HSTS, the debug guard, retention (see README)."""
    roles = os.environ.get("BUREAU_MFA_REQUIRED_ROLES", "admin,coordinator")
    return {
        "SESSION_IDLE_MINUTES": int(os.environ.get("BUREAU_SESSION_IDLE_MINUTES", "30")),
        "SESSION_MAX_HOURS": int(os.environ.get("BUREAU_SESSION_MAX_HOURS", "12")),
        "MFA_REQUIRED_ROLES": frozenset(r.strip() for r in roles.split(",") if r.strip()),
        "PROXY_FIX": _env_bool("BUREAU_PROXY_FIX", False),
        "HSTS_SECONDS": int(os.environ.get("BUREAU_HSTS_SECONDS", "31536000")),
        "ALLOW_DEBUG": _env_bool("BUREAU_ALLOW_DEBUG", False),
        "RETENTION_MONTHS": int(os.environ.get("BUREAU_RETENTION_MONTHS", "24")),
    }
