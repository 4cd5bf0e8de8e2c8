"""`flask --app wsgi jobs run`: deliver mail, chase overdue cases. Safe to run from cron
every few minutes, and on two hosts at once.

A job is its own transaction boundary: unlike request-driven domain code, it commits
as it goes, so a crash halfway keeps what was already done.
"""

import contextlib
import smtplib
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_mail import Message
from sqlalchemy import or_, select, update

from bureau.domain import (
    assignment,
    deadlines,
    digest,
    lifecycle,
    notifications,
    privacy,
    throttle,
)
from bureau.extensions import db, mail
from bureau.models import OPEN_STATUSES, Inquiry, OutboxMessage, utcnow


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    reminders: int = 0

    def __str__(self) -> str:
        return f"mail sent {self.sent}, delivery failures {self.failed}, reminders {self.reminders}"


def run(now: datetime | None = None, today: date | None = None) -> Report:
    """Everything that is due: overdue reminders first (they queue mail), then delivery."""
    report = Report()
    report.reminders = send_overdue_reminders(today or deadlines.sofia_today())
    digest.send_monthly_digest(today or deadlines.sofia_today())  # once per office and month
    privacy.purge_expired(today or deadlines.sofia_today())  # retention: once a day
    throttle.purge()  # guessing and rate-limit counters that ran out
    db.session.commit()
    # The clock is read after the reminders are queued, so they go out in this run.
    deliver(now or utcnow(), report)
    return report


def deliver(now: datetime, report: Report) -> None:
    """Send the claimed messages over one SMTP connection; failures wait and retry."""
    messages = notifications.claim_due(now)
    if not messages:
        return
    try:
        connection = mail.connect()
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            notifications.mark_failed(message, f"connect: {error}", now)
            report.failed += 1
        db.session.commit()
        current_app.logger.warning("SMTP unreachable; %d messages wait", len(messages))
        return
    try:
        for message in messages:
            _send_one(connection, message, now, report)
            db.session.commit()  # each message's outcome is recorded as soon as known
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.__exit__(None, None, None)


def _send_one(connection, message: OutboxMessage, now: datetime, report: Report) -> None:
    email = Message(
        subject=message.subject,
        recipients=[message.to],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"X-Bureau-Message": str(message.id)},
    )
    try:
        connection.send(email)
    except (OSError, smtplib.SMTPException) as error:
        notifications.mark_failed(message, str(error), now)
        report.failed += 1
    else:
        notifications.mark_sent(message)
        report.sent += 1


def send_overdue_reminders(today: date) -> int:
    """Tell the coordinators (and the expert) about each overdue case, once a day."""
    overdue = db.session.scalars(
        select(Inquiry.id).where(
            Inquiry.status.in_(OPEN_STATUSES),
            Inquiry.due_date < today,
            Inquiry.waiting_since.is_(None),
            or_(Inquiry.last_reminder_on.is_(None), Inquiry.last_reminder_on < today),
        )
    ).all()
    sent = 0
    for case_id in overdue:
        # The conditional update is the once-a-day guard, even with two jobs at once. It
        # leaves the version alone: a reminder is no edit for a user's form to conflict with.
        won = db.session.execute(
            update(Inquiry)
            .where(Inquiry.id == case_id,
                   or_(Inquiry.last_reminder_on.is_(None), Inquiry.last_reminder_on < today))
            .values(last_reminder_on=today)
        ).rowcount  # fmt: skip
        if not won:
            continue
        case = db.session.get(Inquiry, case_id)
        db.session.refresh(case)
        recipients = [c.email for c in assignment.coordinators(case.office_id)]
        if case.expert is not None:
            recipients.append(case.expert.email)
        for email in recipients:
            notifications.queue_email(email, "overdue", {"case": case}, inquiry=case)
        lifecycle.sync_stat_record(case, today)
        db.session.commit()
        sent += 1
    return sent
