"""The outbox under stress, through a real SMTP server on loopback: a poisoned message
among good ones, an outage of days, lines no strict server would take."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, jobs, notifications, settings
from bureau.domain.cases import lifecycle, timeline
from bureau.domain.settings import Settings
from bureau.extensions import db
from bureau.models import OutboxMessage, Status, utcnow
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

pytest_plugins = ["tests.smtp"]

# Stored before addresses were checked at every entry: the first raised UnicodeEncodeError
# while the message was built, the second BadHeaderError; both stopped every later message.
POISONED = ["иван@пример.бг", "victim@example.com\r\nBcc:x@example.org"]


@pytest.fixture
def app_config(stopped_smtp_server):
    return stopped_smtp_server.app_config()


@pytest.fixture
def smtp(stopped_smtp_server):
    return stopped_smtp_server.start()


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def queue_notice(office_code: str, to: str) -> OutboxMessage:
    case = make_inquiry(make_office(office_code))
    message = notifications.queue_email(to, "overdue", {"case": case}, inquiry=case)
    db.session.commit()
    return message


def store_legacy(to: str) -> OutboxMessage:
    """A message written straight into the table, as the old code let any address in."""
    message = OutboxMessage(to=to, subject="Отговор", body_text="Здравейте\n", body_html="<p>x</p>")
    db.session.add(message)
    db.session.commit()
    return message


def one_message_queued(app) -> OutboxMessage:
    return queue_notice("KRS", "expert@kresna.test")


# One bad message never blocks another -----------------------------------------------------


def test_poisoned_messages_between_good_ones_of_two_offices_block_nothing(app, smtp):
    good = [queue_notice("KRS", "coordinator@kresna.test")]
    bad = [store_legacy(POISONED[0])]
    good.append(queue_notice("STR", "coordinator@strumyani.test"))
    bad.append(store_legacy(POISONED[1]))
    good.append(queue_notice("KRS", "expert@kresna.test"))

    result = app.test_cli_runner().invoke(args=["jobs", "run"])

    assert result.exit_code == 0, result.output
    assert "mail sent 3" in result.output
    delivered = sorted(m.header("X-Bureau-Message") for m in smtp.messages)
    assert delivered == sorted(str(m.id) for m in good)
    assert all("Bcc" not in m.message for m in smtp.messages)
    by_id = {m.id: m for m in messages()}
    for message in bad:
        stored = by_id[message.id]
        assert (stored.status, stored.attempts) == ("failed", 1)
        assert stored.last_error
    assert all(by_id[m.id].status == "sent" for m in good)
    # The next run neither crashes nor retries what can never be sent.
    again = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert again.exit_code == 0, again.output
    assert len(smtp.messages) == 3


# An outage of days loses nothing --------------------------------------------------------


def run_through_outage(hours: float, start) -> None:
    """Run the job every 5 minutes of an outage, as cron would (only due messages count)."""
    clock = start
    while clock < start + timedelta(hours=hours):
        jobs.run(now=clock)
        clock += timedelta(minutes=5) if clock - start < timedelta(hours=1) else timedelta(hours=1)


def test_a_weekend_outage_keeps_the_mail_and_it_arrives_on_monday(app, stopped_smtp_server):
    message = one_message_queued(app)
    start = message.created_at
    run_through_outage(62, start)  # Friday 18:00 to Monday 08:00
    [stored] = messages()
    assert stored.status == "pending"
    assert stored.attempts > len(notifications.BACKOFF_MINUTES)
    # Past the back-off steps the longest interval (a day) repeats.
    assert stored.next_attempt_at <= start + timedelta(hours=62, days=1)
    stopped_smtp_server.start()
    jobs.run(now=stored.next_attempt_at)
    assert [m.status for m in messages()] == ["sent"]
    assert len(stopped_smtp_server.messages) == 1


def test_mail_is_given_up_only_after_the_configured_age(app, stopped_smtp_server):
    app.config["MAIL_GIVE_UP_DAYS"] = 2
    with settings.use(Settings.from_config(app.config)):
        message = one_message_queued(app)
        run_through_outage(47, message.created_at)
        [stored] = messages()
        assert stored.status == "pending"
        assert stored.next_attempt_at > stored.created_at + timedelta(days=2)
        jobs.run(now=stored.next_attempt_at)  # the first attempt past the age is the last
        [stored] = messages()
        assert stored.status == "failed"
        assert stored.last_error


def test_the_give_up_age_defaults_to_seven_days(app):
    assert app.config["MAIL_GIVE_UP_DAYS"] == 7


def test_retry_puts_a_failed_message_back_to_pending_now(app, stopped_smtp_server):
    message = one_message_queued(app)
    notifications.mark_failed(message, "down", utcnow(), give_up_after=timedelta(0))
    db.session.commit()
    assert message.status == "failed"
    stopped_smtp_server.start()
    notifications.retry(message, utcnow())
    db.session.commit()
    assert jobs.run().sent == 1
    [stored] = messages()
    assert stored.status == "sent"


def test_a_sent_message_cannot_be_retried(app, smtp):
    message = one_message_queued(app)
    jobs.run()
    with pytest.raises(DomainError):
        notifications.retry(message, utcnow())


def test_the_job_logs_an_error_when_the_oldest_pending_message_is_over_an_hour_old(
    app, stopped_smtp_server, caplog
):
    message = one_message_queued(app)
    with caplog.at_level(logging.WARNING):
        jobs.run(now=message.created_at + timedelta(minutes=30))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    with caplog.at_level(logging.WARNING):
        jobs.run(now=message.created_at + timedelta(minutes=61))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "61" in errors[0]


def test_outbox_health_counts_pending_and_failed(app):
    first = one_message_queued(app)
    second = one_message_queued(app)
    notifications.mark_failed(second, "refused", utcnow(), give_up_after=timedelta(0))
    db.session.commit()
    health = notifications.health(first.created_at + timedelta(minutes=90))
    assert health == {"pending": 1, "oldest_pending_minutes": 90, "failed": 1}


# Long lines go out encoded --------------------------------------------------------------


@pytest.mark.parametrize("length", [647, 5000])
def test_a_long_cyrillic_reply_is_accepted_by_a_strict_server_and_reads_the_same(app, smtp, length):
    sentence = "Имате право на отстъпка от данъка за сгради, ако жилището е основно. "
    reply = (sentence * (length // len(sentence) + 1))[:length].strip()
    people = {"coordinator": make_coordinator(), "expert": make_expert()}
    case = move_to(make_inquiry(citizen={"name": "Мария", "email": "maria@example.bg"}),
                   Status.IN_PROGRESS, **people)  # fmt: skip
    timeline.set_public_reply(case, body=reply, actor=people["expert"])
    lifecycle.move(case, "resolved", actor=people["expert"], outcome="advice_given",
                           summary="Готово.")  # fmt: skip
    db.session.commit()

    report = jobs.run()

    assert report.failed == 0, [m.last_error for m in messages()]
    [received] = smtp.to("maria@example.bg")
    assert reply in received.text
    assert reply in received.html
    raw = received.message.as_bytes()
    assert max(len(line) for line in raw.splitlines()) <= 998
    for part in received.message.walk():
        if part.get_content_maintype() == "text":
            assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
