"""`flask --app wsgi jobs run`: deliver mail, chase overdue cases. Safe to run from cron
every few minutes, and on two hosts at once.

A job is its own transaction boundary: unlike request-driven domain code, it commits
as it goes, so a crash halfway keeps what was already done.
"""

import contextlib
import email.policy
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from sqlalchemy import or_, select, update

from bureau.domain import (
    DomainError,
    clock,
    emails,
    kept_forms,
    notifications,
    privacy,
    referrals,
    settings,
    sms,
    throttle,
)
from bureau.domain.answers import library
from bureau.domain.cases import lifecycle, receipts, routing
from bureau.domain.recommendations import plans
from bureau.domain.statistics import digest, records
from bureau.extensions import db, mail
from bureau.models import Inquiry, OutboxMessage, utcnow

log = logging.getLogger("bureau")  # the app's own logger

# 7-bit only: a non-ASCII body goes out quoted-printable or base64, so no line is longer
# than 78 characters (a strict server answers "500 Line too long" past 998 bytes).
MIME_POLICY = email.policy.SMTP.clone(cte_type="7bit")
# The oldest pending message may wait this long before the job logs an ERROR.
ALERT_AFTER_MINUTES = 60


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    reminders: int = 0
    sms_sent: int = 0
    sms_failed: int = 0

    def __str__(self) -> str:
        return (
            f"mail sent {self.sent}, delivery failures {self.failed}, reminders {self.reminders}"
            f", SMS sent {self.sms_sent}, SMS failures {self.sms_failed}"
        )


def run(now: datetime | None = None, today: date | None = None) -> Report:
    """Everything that is due: overdue reminders first (they queue mail), then delivery."""
    report = Report()
    report.reminders = send_overdue_reminders(today or clock.sofia_today())
    referrals.remind_institutions(today or clock.sofia_today())  # once, then "no answer"
    digest.send_monthly_digest(today or clock.sofia_today())  # once per office and month
    library.remind_owners(today or clock.sofia_today())  # stale answers: weekly at most
    plans.remind_reviews(today or clock.sofia_today())  # action plans: once per due review
    privacy.purge_expired(today or clock.sofia_today())  # retention: once a day
    throttle.purge()  # guessing and rate-limit counters that ran out
    receipts.purge()  # PINs never shown, past their minutes
    kept_forms.purge()  # forms kept after a session ended that nobody came back for
    db.session.commit()
    # The clock is read after the reminders are queued, so they go out in this run.
    now = now or utcnow()
    deliver(now, report)
    alert_if_mail_waits(now)
    return report


def deliver(now: datetime, report: Report) -> None:
    """Send the claimed messages: e-mail over one SMTP connection, SMS through the
    gateway. Whatever goes wrong with one message is recorded on it (it waits and
    retries) and never stops the others, nor an SMTP outage the SMS."""
    claimed = notifications.claim_due(now)
    sms.deliver([m for m in claimed if m.channel == "sms"], now, report)
    _deliver_mail([m for m in claimed if m.channel != "sms"], now, report)


def _deliver_mail(messages: list[OutboxMessage], now: datetime, report: Report) -> None:
    if not messages:
        return
    give_up_after = timedelta(days=settings.current().mail_give_up_days)
    try:
        connection = mail.connect()
        connection.__enter__()
    except Exception as error:  # noqa: BLE001 (a bad setting too: kept on every message)
        for message in messages:
            notifications.mark_failed(
                message, f"connect: {error}", now, give_up_after=give_up_after
            )
            report.failed += 1
        db.session.commit()
        log.warning("SMTP unreachable (%s); %d messages wait", error, len(messages))
        return
    try:
        for message in messages:
            _send_one(connection.host, message, now, report, give_up_after)
            db.session.commit()  # each message's outcome is recorded as soon as known
    finally:
        with contextlib.suppress(Exception):
            connection.__exit__(None, None, None)


def _send_one(
    smtp, message: OutboxMessage, now: datetime, report: Report, give_up_after: timedelta
) -> None:
    """One message: sent, or its error kept (`smtp` is None when sending is suppressed)."""
    try:
        recipient = emails.parse(message.to).ascii
    except DomainError as refused:  # stored before addresses were checked: it can never go
        notifications.mark_failed(
            message,
            f"address refused: {refused.message}",
            now,
            give_up_after=give_up_after,
            permanent=True,
        )
    else:
        sender = settings.current().mail_sender
        try:
            built = build_email(message, recipient, sender)
            if smtp is not None:
                smtp.sendmail(_address_of(sender), [recipient], built.as_bytes())
        except Exception as error:  # noqa: BLE001 (whatever it is, it stays on this message)
            notifications.mark_failed(
                message, f"{type(error).__name__}: {error}", now, give_up_after=give_up_after
            )
        else:
            notifications.mark_sent(message)
            report.sent += 1
            return
    report.failed += 1
    if message.status == "failed":  # no address or error text: they may name a citizen
        log.error(
            "mail %d given up after %d attempts; see /admin/outbox", message.id, message.attempts
        )


def build_email(message: OutboxMessage, recipient: str, sender) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, 7-bit transfer encodings."""
    built = EmailMessage(policy=MIME_POLICY)
    built["Subject"] = message.subject
    built["From"] = formataddr(sender) if isinstance(sender, tuple) else sender
    built["To"] = recipient
    built["Date"] = formatdate(localtime=True)
    built["Message-ID"] = make_msgid(domain=_address_of(sender).rpartition("@")[2] or None)
    built["X-Bureau-Message"] = str(message.id)
    built.set_content(message.body_text)
    built.add_alternative(message.body_html, subtype="html")
    return built


def _address_of(sender) -> str:
    return sender[1] if isinstance(sender, tuple) else parseaddr(sender)[1]


def alert_if_mail_waits(now: datetime) -> dict:
    """Log at ERROR while the oldest pending message has waited over an hour: an outage
    that lasts, or a job that does not run. /healthz reports the same figures."""
    health = notifications.health(now)
    waited = health["oldest_pending_minutes"]
    if waited is not None and waited > ALERT_AFTER_MINUTES:
        log.error(
            "mail is not going out: the oldest of %d pending messages has waited %d minutes "
            "(%d failed); check the SMTP server (BUREAU_MAIL_*) and /admin/outbox",
            health["pending"],
            waited,
            health["failed"],
        )
    return health


def send_overdue_reminders(today: date) -> int:
    """Tell the coordinators (and the expert) about each overdue case, once a day."""
    overdue = db.session.scalars(
        select(Inquiry.id).where(
            lifecycle.overdue_clause(today),
            or_(Inquiry.last_reminder_on.is_(None), Inquiry.last_reminder_on < today),
        )
    ).all()
    sent = 0
    for case_id in overdue:
        # The conditional update is the once-a-day guard, even with two jobs at once. It
        # leaves the version alone: a reminder is no edit for a user's form to conflict with.
        won = db.session.execute(
            update(Inquiry)
            .where(
                Inquiry.id == case_id,
                or_(Inquiry.last_reminder_on.is_(None), Inquiry.last_reminder_on < today),
            )
            .values(last_reminder_on=today)
        ).rowcount
        if not won:
            continue
        case = db.session.get(Inquiry, case_id)
        db.session.refresh(case)
        recipients = [c.email for c in routing.coordinators(case.office_id)]
        if case.expert is not None:
            recipients.append(case.expert.email)
        for address in recipients:
            notifications.queue_email(address, "overdue", {"case": case}, inquiry=case)
        records.sync(case, today)
        db.session.commit()
        sent += 1
    return sent
