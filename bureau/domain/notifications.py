"""E-mail through the outbox: rendered and stored in the transaction of the change.

Delivery happens later (`flask --app wsgi jobs run`), with retries and back-off. During an
SMTP outage a message is retried, at the longest interval once the back-off steps are
used up, until it is older than BUREAU_MAIL_GIVE_UP_DAYS; only then is it `failed`, and
coordinators and the administrator can send it again from /admin/outbox.
"""

import logging
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, or_, select, update

from bureau.domain import DomainError, emails, settings
from bureau.extensions import db
from bureau.models import Inquiry, Office, OutboxMessage, utcnow

log = logging.getLogger("bureau")  # the app's own logger

# Minutes to wait after the 1st, 2nd, ... failed attempt; the last step then repeats.
BACKOFF_MINUTES = (1, 5, 30, 120, 720, 1440)
CLAIM_SECONDS = 300


def queue_email(
    to: str,
    template: str,
    context: dict,
    *,
    inquiry: Inquiry | None = None,
    office: Office | None = None,
    language="bg",
) -> OutboxMessage | None:
    """Render templates/email/<template>.txt and .html into a pending outbox message.

    The first line of the .txt template is the subject. An address the outbox could not
    send to (stored before addresses were checked) queues nothing: it is logged instead,
    so that the change causing the mail still goes through."""
    if not to:
        return None
    try:
        address = emails.parse(to)
    except DomainError as refused:  # the address is not logged: it may be a citizen's
        log.warning("mail %r not queued: %s", template, refused.message)
        return None
    context = {**context, "base_url": base_url()}
    with force_locale(language):
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", **context)
    subject, _sep, body = text.partition("\n")
    office_id = inquiry.office_id if inquiry is not None else office.id if office else None
    message = OutboxMessage(
        to=address.normalized,
        subject=subject.strip()[:300],
        body_text=body.strip() + "\n",
        body_html=html,
        inquiry_id=inquiry.id if inquiry is not None else None,
        office_id=office_id,
    )
    db.session.add(message)
    return message


def base_url() -> str:
    """The address staff use, for links in e-mails (BUREAU_BASE_URL)."""
    return settings.current().staff_url


def public_url() -> str:
    """The public site's address for citizens' links (BUREAU_PUBLIC_URL): configuration
    only, never a request's Host. Production refuses to start without it (security.py)."""
    return settings.current().citizens_url


def status_url(reference: str) -> str:
    """The public status page of a case, for e-mails, receipts and their QR code."""
    return f"{public_url()}/status?ref={reference}"


def service_url(office_code: str, code: str) -> str:
    """The public page of a municipal service: on its poster's QR code and in links."""
    return f"{public_url()}/services/{office_code}/{code}"


def rating_url(office_code: str, code: str) -> str:
    """Where a citizen rates a municipal service: the poster's QR code, the case's e-mail."""
    return f"{service_url(office_code, code)}/rate"


def claim_due(now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Claim pending messages whose time has come. A message claimed by one job is
    skipped by any other job running at the same time, so none is sent twice."""
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    claimed = []
    until = now + timedelta(seconds=CLAIM_SECONDS)
    for message_id in candidates:
        won = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == "pending",
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=until)
        ).rowcount
        db.session.commit()  # the claim must be visible to other jobs before sending
        if won:
            claimed.append(db.session.get(OutboxMessage, message_id))
    return claimed


def mark_sent(message: OutboxMessage) -> None:
    message.status, message.sent_at, message.claimed_until = "sent", utcnow(), None
    message.attempts += 1


def mark_failed(
    message: OutboxMessage,
    error: str,
    now: datetime,
    *,
    give_up_after: timedelta,
    permanent: bool = False,
) -> None:
    """Try again later, at the longest interval once the back-off steps are used up; give
    up when the message is older than `give_up_after`, or at once if it can never go."""
    message.attempts += 1
    message.last_error = error[:500]
    message.claimed_until = None
    if permanent or now - message.created_at >= give_up_after:
        message.status = "failed"
    else:
        step = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
        message.next_attempt_at = now + timedelta(minutes=step)


def retry(message: OutboxMessage, now: datetime) -> None:
    """Put a failing or failed message back in line for the next run of the job."""
    if message.status == "sent":
        raise DomainError(_l("Писмото вече е изпратено."))
    message.status, message.next_attempt_at, message.claimed_until = "pending", now, None


# The outbox page's views of the messages: what fails (the default), waits, went out.
STATES = ("troubled", "queued", "sent", "all")
CHANNELS = ("email", "sms")


def troubled(office_id: int | None) -> Select:
    """Failed messages and pending ones that failed before, newest first; of one office,
    or of every office (None) for the administrator."""
    return listing(office_id)


def listing(office_id: int | None, *, state: str = "troubled", channel: str | None = None):
    """Messages of one office (every office: None) in a state (STATES) and channel,
    newest first."""
    conditions = {
        "troubled": or_(
            OutboxMessage.status == "failed",
            and_(OutboxMessage.status == "pending", OutboxMessage.attempts > 0),
        ),
        "queued": and_(OutboxMessage.status == "pending", OutboxMessage.attempts == 0),
        "sent": OutboxMessage.status == "sent",
    }
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state in conditions:
        query = query.where(conditions[state])
    if channel in CHANNELS:
        query = query.where(OutboxMessage.channel == channel)
    if office_id is not None:
        query = query.where(OutboxMessage.office_id == office_id)
    return query


def tally(office_id: int | None) -> dict[tuple[str, str], int]:
    """How many messages by (channel, state): queued, failing, failed, sent."""
    state = case(
        (OutboxMessage.status != "pending", OutboxMessage.status),
        (OutboxMessage.attempts > 0, "failing"),
        else_="queued",
    )
    query = select(OutboxMessage.channel, state, func.count()).group_by(
        OutboxMessage.channel, state
    )
    if office_id is not None:
        query = query.where(OutboxMessage.office_id == office_id)
    return {(channel, name): n for channel, name, n in db.session.execute(query)}


def health(now: datetime) -> dict:
    """The outbox for /healthz and the job's alert: how much waits, for how long, and how
    much was given up."""
    pending, oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == "pending"
        )
    ).one()
    failed = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")
    )
    minutes = max(0, int((now - oldest).total_seconds() // 60)) if oldest else None
    return {"pending": pending, "oldest_pending_minutes": minutes, "failed": failed}
