"""E-mail through the outbox: rendered and stored in the transaction of the change.

Delivery happens later (`flask --app wsgi jobs run`), with retries and back-off, so an
SMTP outage delays mail but never loses it.
"""

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from bureau.extensions import db
from bureau.models import Inquiry, OutboxMessage, utcnow

# Minutes to wait after the 1st, 2nd, ... failed attempt; then the message is failed.
BACKOFF_MINUTES = (1, 5, 30, 120, 720, 1440)
CLAIM_SECONDS = 300


def queue_email(
    to: str, template: str, context: dict, *, inquiry: Inquiry | None = None, language="bg"
) -> OutboxMessage | None:
    """Render templates/email/<template>.txt and .html into a pending outbox message.

    The first line of the .txt template is the subject."""
    if not to:
        return None
    context = {**context, "base_url": base_url()}
    with force_locale(language):
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", **context)
    subject, _sep, body = text.partition("\n")
    message = OutboxMessage(
        to=to.strip(),
        subject=subject.strip()[:300],
        body_text=body.strip() + "\n",
        body_html=html,
        inquiry_id=inquiry.id if inquiry is not None else None,
    )
    db.session.add(message)
    return message


def base_url() -> str:
    """The address staff use, for links in e-mails (BUREAU_BASE_URL)."""
    return current_app.config.get("BASE_URL", "").rstrip("/") or "http://127.0.0.1:5000"


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


def mark_failed(message: OutboxMessage, error: str, now: datetime) -> None:
    """Try again later; give up only after the last back-off step."""
    message.attempts += 1
    message.last_error = error[:500]
    message.claimed_until = None
    if message.attempts > len(BACKOFF_MINUTES):
        message.status = "failed"
    else:
        message.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1])
