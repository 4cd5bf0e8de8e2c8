"""What the domain reads of the configuration: one frozen Settings, never Flask's config.

The app builds it from its configuration each time one of its contexts begins (a
request, a command, a test) and hands it to the domain for as long as that context lasts
(bureau/__init__.py). Domain code reads `current()`; a script, or a test that wants
other values, hands its own with `use(settings)`. So no module under domain/ imports
Flask's application object, and every setting the domain obeys is listed here.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import MappingProxyType

DEVELOPMENT_URL = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class Settings:
    secret_key: str  # keys the PIN, receipt and recovery-code hashes
    public_url: str = ""  # every link a citizen gets (BUREAU_PUBLIC_URL)
    base_url: str = ""  # links for staff (BUREAU_BASE_URL)
    mail_sender: str = "bureau@localhost"
    mail_give_up_days: int = 7
    suppression_threshold: int = 5
    # SMS (BUREAU_SMS_*): the gateway, and an office's segments a month before it stops.
    sms_backend: str = "log"
    sms_url: str = ""
    sms_token: str = ""
    sms_sender: str = ""
    sms_timeout: float = 10.0
    sms_monthly_cap: int = 500
    sms_warn_percent: int = 80
    retention_months: int = 24
    upload_folder: str = "instance/uploads"
    referral_ack_days: int = 5  # working days an institution has to acknowledge a referral
    referral_link_days: int = 60  # how long an institution's link stays valid
    plan_review_months: int = 6  # an open action plan is reviewed this often
    impact_window_months: int = 6  # impact compares this many months before and after
    # Throttle rates by setting name (throttle.DEFAULTS for those not set).
    rates: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_config(cls, config: Mapping) -> "Settings":
        prefixes = ("LOGIN_LIMIT_", "STATUS_LIMIT_", "REFERRAL_LINK_LIMIT_")
        rates = {k: v for k, v in config.items() if k.startswith(prefixes)}
        return cls(
            secret_key=config["SECRET_KEY"],
            public_url=(config.get("PUBLIC_URL") or "").rstrip("/"),
            base_url=(config.get("BASE_URL") or "").rstrip("/"),
            mail_sender=config.get("MAIL_DEFAULT_SENDER") or "bureau@localhost",
            mail_give_up_days=int(config.get("MAIL_GIVE_UP_DAYS", 7)),
            suppression_threshold=int(config.get("SUPPRESSION_THRESHOLD", 5)),
            sms_backend=config.get("SMS_BACKEND") or "log",
            sms_url=config.get("SMS_URL") or "",
            sms_token=config.get("SMS_TOKEN") or "",
            sms_sender=config.get("SMS_SENDER") or "",
            sms_timeout=float(config.get("SMS_TIMEOUT", 10)),
            sms_monthly_cap=int(config.get("SMS_MONTHLY_CAP", 500)),
            sms_warn_percent=int(config.get("SMS_WARN_PERCENT", 80)),
            retention_months=int(config.get("RETENTION_MONTHS", 24)),
            upload_folder=str(config.get("UPLOAD_FOLDER", "instance/uploads")),
            referral_ack_days=int(config.get("REFERRAL_ACK_DAYS", 5)),
            plan_review_months=int(config.get("PLAN_REVIEW_MONTHS", 6)),
            impact_window_months=int(config.get("IMPACT_WINDOW_MONTHS", 6)),
            referral_link_days=int(config.get("REFERRAL_LINK_DAYS", 60)),
            rates=MappingProxyType(rates),
        )

    @property
    def staff_url(self) -> str:
        """The staff site's address, for links in e-mails to staff."""
        return self.base_url or DEVELOPMENT_URL

    @property
    def citizens_url(self) -> str:
        """The public site's address: the only source of a citizen's links."""
        return self.public_url or self.staff_url


_current: ContextVar[Settings] = ContextVar("bureau_settings")


def current() -> Settings:
    """The settings handed to the domain for the work in progress."""
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError(
            "no Settings: run inside the app (a request or a command) or use settings.use()"
        ) from None


def enter(settings: Settings) -> Token:
    return _current.set(settings)


def leave(token: Token) -> None:
    _current.reset(token)


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Work with these settings until the block ends."""
    token = enter(settings)
    try:
        yield settings
    finally:
        leave(token)
