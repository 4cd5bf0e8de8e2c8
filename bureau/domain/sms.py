"""SMS through the outbox: segments, the gateway, and each office's monthly cap.

An SMS is an OutboxMessage with channel "sms", queued in the transaction of the change
that causes it and delivered by `jobs run` with the same claiming, back-off and
give-up as e-mail. The cap is checked when sending, not when queueing: the change that
causes a notice never fails for a budget, and only what really went out is counted. A
message over the cap is kept as failed with the reason, for "retry" next month.
"""

import json
import logging
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bureau.domain import citizens, clock, notifications, settings
from bureau.extensions import db
from bureau.models import Inquiry, Office, OutboxMessage, SmsCapWarning

log = logging.getLogger("bureau")

# GSM 03.38: the default alphabet (one septet each) and its extension table (two).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
# Units of one SMS, and of each part of a longer one (the rest holds the joining header).
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
MAX_TEXT = 918  # six UCS-2 parts: longer texts are a template's mistake, cut short


class GatewayError(Exception):
    """The gateway did not take the message; the text says why (kept on the message)."""


def segments(text: str) -> int:
    """How many SMS the text is billed as: GSM-7 if every character is in the GSM
    alphabet (an extension character takes two septets), else UCS-2 (Cyrillic)."""
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text):
        units = [2 if c in GSM_EXTENSION else 1 for c in text]
        single, part = GSM_SINGLE, GSM_PART
    else:  # UTF-16 code units: a character outside the BMP (an emoji) takes two
        units = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for unit in units:  # an escape pair or a surrogate pair is never split between parts
        if used + unit > part:
            count, used = count + 1, 0
        used += unit
    return count


def queue_sms(
    phone: str,
    template: str,
    context: dict,
    *,
    inquiry: Inquiry | None = None,
    office: Office | None = None,
    language: str = "bg",
) -> OutboxMessage | None:
    """Render templates/sms/<template>.txt into a pending SMS. A number that cannot take
    an SMS queues nothing (logged, without the number): the change still goes through."""
    number = citizens.sms_number(phone)
    if number is None:
        log.warning("sms %r not queued: no mobile number", template)
        return None
    context = {**context, "base_url": notifications.base_url()}
    with force_locale(language):
        text = render_template(f"sms/{template}.txt", **context)
    text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    text = text[:MAX_TEXT]
    office_id = inquiry.office_id if inquiry is not None else office.id if office else None
    message = OutboxMessage(
        channel="sms",
        to=number,
        subject="",
        body_text=text,
        body_html="",
        segments=segments(text),
        inquiry_id=inquiry.id if inquiry is not None else None,
        office_id=office_id,
    )
    db.session.add(message)
    return message


class LogGateway:
    """Development: the SMS goes to the log and counts as sent."""

    def send(self, message: OutboxMessage) -> None:
        log.info("SMS %d (%d segments): %s", message.id, message.segments or 0, message.body_text)


class HttpGateway:
    """POST {to, text, sender} as JSON with a bearer token; 2xx is sent, anything else
    (or no answer within the timeout) a failure to retry. The Idempotency-Key lets the
    gateway drop a repeat of a message whose answer was lost (a timeout)."""

    def __init__(self, url: str, token: str, sender: str, timeout: float):
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, message: OutboxMessage) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise GatewayError("BUREAU_SMS_URL is not an http(s) address")
        body = {"to": message.to, "text": message.body_text, "sender": self.sender}
        request = urllib.request.Request(  # noqa: S310 (http(s) checked above)
            self.url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": idempotency_key(message),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                answer.read(4096)
        except urllib.error.HTTPError as error:
            raise GatewayError(f"HTTP {error.code}") from None
        except TimeoutError:
            raise GatewayError(f"timeout after {self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise GatewayError(f"timeout after {self.timeout:g} s") from None
            raise GatewayError(f"unreachable: {reason}") from None


def idempotency_key(message: OutboxMessage) -> str:
    return f"bureau-sms-{message.id}-{message.created_at:%Y%m%d%H%M%S}"


def gateway():
    """The gateway BUREAU_SMS_BACKEND names."""
    current = settings.current()
    if current.sms_backend == "http":
        return HttpGateway(
            current.sms_url, current.sms_token, current.sms_sender, current.sms_timeout
        )
    return LogGateway()


def month_start(now: datetime) -> datetime:
    """The first moment of the Sofia month of `now`, as naive UTC."""
    local = clock.in_sofia(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (local - local.utcoffset()).replace(tzinfo=None)


def used_this_month(office_id: int, now: datetime) -> int:
    """The segments the office's SMS sent since its month began."""
    return db.session.scalar(
        select(func.coalesce(func.sum(OutboxMessage.segments), 0)).where(
            OutboxMessage.office_id == office_id,
            OutboxMessage.channel == "sms",
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at >= month_start(now),
        )
    )


def deliver(messages: list[OutboxMessage], now: datetime, report) -> None:
    """Send the claimed SMS one by one; an error stays on its message, never stops the rest."""
    give_up_after = timedelta(days=settings.current().mail_give_up_days)
    sender = gateway()
    for message in messages:
        _send_one(sender, message, now, report, give_up_after)
        db.session.commit()  # each message's outcome is recorded as soon as known


def _send_one(sender, message: OutboxMessage, now: datetime, report, give_up_after) -> None:
    cap = settings.current().sms_monthly_cap
    used = used_this_month(message.office_id, now) if message.office_id else 0
    if message.office_id and used + (message.segments or 1) > cap:
        notifications.mark_failed(
            message,
            f"monthly SMS cap reached: {used} of {cap} segments used (BUREAU_SMS_MONTHLY_CAP)",
            now,
            give_up_after=give_up_after,
            permanent=True,
        )
        warn_near_cap(message.office_id, used, now)
        report.sms_failed += 1
        return
    try:
        sender.send(message)
    except Exception as error:  # noqa: BLE001 (whatever it is, it stays on this message)
        text = str(error) if isinstance(error, GatewayError) else type(error).__name__
        notifications.mark_failed(message, text, now, give_up_after=give_up_after)
        report.sms_failed += 1
        if message.status == "failed":
            log.error("SMS %d given up after %d attempts", message.id, message.attempts)
        return
    notifications.mark_sent(message)
    message.sent_at = now
    report.sms_sent += 1
    if message.office_id:
        warn_near_cap(message.office_id, used + (message.segments or 1), now)


def warn_near_cap(office_id: int, used: int, now: datetime) -> bool:
    """E-mail the office's coordinators once a month when its SMS reach the warning share
    of the cap (BUREAU_SMS_WARN_PERCENT). An SmsCapWarning row is the claim."""
    current = settings.current()
    if used * 100 < current.sms_monthly_cap * current.sms_warn_percent:
        return False
    month = clock.in_sofia(now).date().replace(day=1)
    if not _claim_warning(office_id, month):
        return False
    from bureau.domain.cases import routing  # the case engine builds on notifications

    office = db.session.get(Office, office_id)
    context = {"office": office, "used": used, "cap": current.sms_monthly_cap, "month": month}
    for coordinator in routing.coordinators(office_id):
        notifications.queue_email(
            coordinator.email,
            "sms_cap",
            context,
            office=office,
            language=coordinator.language or "bg",
        )
    return True


def _claim_warning(office_id: int, month: date) -> bool:
    """Insert the office-month's warning row unless it exists: two jobs at once warn once."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = SmsCapWarning.__table__
    statement = (
        insert(table)
        .values(office_id=office_id, month=month, at=clock.utcnow())
        .on_conflict_do_nothing()
        .returning(table.c.office_id)
    )
    return db.session.execute(statement).scalar() is not None


def usage(office_id: int | None, now: datetime) -> list[tuple[Office, int]]:
    """Segments sent this month by office (one office, or every office: None)."""
    used = func.coalesce(func.sum(OutboxMessage.segments), 0)
    query = (
        select(Office, used)
        .outerjoin(
            OutboxMessage,
            (OutboxMessage.office_id == Office.id)
            & (OutboxMessage.channel == "sms")
            & (OutboxMessage.status == "sent")
            & (OutboxMessage.sent_at >= month_start(now)),
        )
        .group_by(Office.id)
        .order_by(Office.id)
    )
    if office_id is not None:
        query = query.where(Office.id == office_id)
    return [(office, n) for office, n in db.session.execute(query)]
