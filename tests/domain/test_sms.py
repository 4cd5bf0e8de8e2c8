"""SMS through the outbox and a real HTTP gateway on loopback: delivered once with the
right request, waiting through an outage or a slow answer, counted in segments, held
to each office's monthly cap with one warning to its coordinators."""

import logging
import time
from datetime import UTC, datetime, timedelta
from datetime import time as datetime_time

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, jobs, sms
from bureau.domain.cases import lifecycle
from bureau.domain.clock import SOFIA, sofia_today
from bureau.domain.statistics.periods import next_month
from bureau.extensions import db
from bureau.models import Citizen, OutboxMessage, SmsCapWarning, Status, utcnow
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

pytest_plugins = ["tests.smtp", "tests.sms_gateway"]

MOBILE = "0888 123 456"
SMS_CITIZEN = {"name": "Иван Петров", "phone": MOBILE, "notify_by": "sms"}


@pytest.fixture
def app_config(sms_gateway, stopped_smtp_server):
    """SMS to the loopback gateway; mail to a loopback port where no server listens."""
    return {**stopped_smtp_server.app_config(), **sms_gateway.app_config()}


@pytest.fixture(autouse=True)
def _app(app):
    return app


def outbox(channel: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    return list(db.session.scalars(query))


def later(minutes: int):
    return utcnow() + timedelta(minutes=minutes)


# Segments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # the extension table: two septets each
        ("€" * 81, 2),
        ("a" * 152 + "[" + "a" * 152, 3),  # an escape pair is never split across parts
        ("Ж" * 70, 1),  # Cyrillic: UCS-2
        ("Ж" * 71, 2),
        ("Ж" * 134, 2),
        ("Ж" * 135, 3),
        ("a" * 69 + "Ж", 1),  # one Cyrillic letter turns the whole text into UCS-2
        ("a" * 70 + "Ж", 2),
        ("😀" * 35, 1),  # outside the BMP: two UTF-16 units
    ],
)
def test_segments_count_gsm_seven_bit_and_ucs2(text, count):
    assert sms.segments(text) == count


def test_the_bulgarian_notices_fit_one_segment_with_a_usual_address():
    status = "https://bis.kresna.bg/status"
    assert sms.segments(f"Запитване KRS-2026-00042 е прието: {status}") == 1
    assert sms.segments(f"Отговорът по KRS-2026-00042 е готов: {status}") == 1
    # The same in Latin letters would take 160: GSM-7.
    assert sms.segments(f"Zapitvane KRS-2026-00042 e prieto: {status}" + "." * 90) == 1


# Delivery ------------------------------------------------------------------------------


def test_receipt_sms_goes_to_the_gateway_with_the_json_and_the_token(sms_gateway):
    case = make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())
    [message] = outbox("sms")
    assert (message.to, message.subject, message.body_html) == ("+359888123456", "", "")
    assert message.body_text == f"Запитване {case.reference} е прието: http://127.0.0.1:5000/status"
    assert message.segments == 1
    assert case.pin not in message.body_text
    assert message.segments == sms.segments(message.body_text)

    report = jobs.run()

    assert (report.sms_sent, report.sms_failed) == (1, 0)
    [request] = sms_gateway.requests
    config = sms_gateway.app_config()
    sender, token = config["SMS_SENDER"], config["SMS_TOKEN"]
    assert request.body == {"to": "+359888123456", "text": message.body_text, "sender": sender}
    assert request.headers["Authorization"] == f"Bearer {token}"
    assert request.headers["Content-Type"].startswith("application/json")
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, None)
    jobs.run(later(60))
    assert len(sms_gateway.requests) == 1  # never twice


def test_an_outage_keeps_the_sms_waiting_and_delivers_it_once_when_the_gateway_returns(
    sms_gateway,
):
    sms_gateway.stop()
    make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())

    report = jobs.run()

    [message] = outbox("sms")
    assert (report.sms_sent, report.sms_failed) == (0, 1)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("unreachable")
    assert message.next_attempt_at > utcnow()
    jobs.run()  # not due yet: nothing tried
    assert message.attempts == 1

    sms_gateway.start()
    jobs.run(later(2))
    jobs.run(later(60))

    assert len(sms_gateway.requests) == 1
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("sent", 2)


def test_an_error_answer_is_kept_with_its_status_and_retried(sms_gateway):
    sms_gateway.status = 503
    make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())
    jobs.run()
    [message] = outbox("sms")
    assert (message.status, message.last_error) == ("pending", "HTTP 503")
    sms_gateway.status = 200
    jobs.run(later(2))
    db.session.refresh(message)
    assert message.status == "sent"
    assert len(sms_gateway.delivered) == 1


def test_a_slow_gateway_times_out_and_the_retry_is_not_sent_twice(app, sms_gateway):
    sms_gateway.delay = 2.0
    make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())

    app.config["SMS_TIMEOUT"] = 0.5  # shorter than the gateway takes to answer
    started = time.monotonic()
    with app.app_context():  # the domain's settings are read as a context begins
        jobs.run()
    assert time.monotonic() - started < 1.9  # the job did not wait for the answer

    [message] = outbox("sms")
    assert message.status == "pending"
    assert message.last_error.startswith("timeout")
    sms_gateway.delay = 0
    jobs.run(later(2))
    db.session.refresh(message)
    assert message.status == "sent"
    first, second = sms_gateway.requests
    assert first.key == second.key  # the same message: the gateway drops the repeat
    assert len(sms_gateway.delivered) == 1


def test_one_refused_sms_never_stops_the_others(sms_gateway):
    coordinator = make_coordinator()
    for _ in range(3):
        make_inquiry(citizen=SMS_CITIZEN, actor=coordinator)
    first = outbox("sms")[0]
    first.to = "not a number"  # whatever goes wrong with it stays on it
    db.session.commit()
    sms_gateway.status = 200

    original = sms.HttpGateway.send

    def send(self, message):
        if message.to == "not a number":
            raise ValueError("bad number")
        return original(self, message)

    sms.HttpGateway.send = send
    try:
        report = jobs.run()
    finally:
        sms.HttpGateway.send = original
    assert (report.sms_sent, report.sms_failed) == (2, 1)
    assert first.last_error == "ValueError"


def test_an_sms_is_given_up_after_the_mail_give_up_days(sms_gateway):
    sms_gateway.stop()
    make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())
    jobs.run(later(8 * 24 * 60))
    [message] = outbox("sms")
    assert message.status == "failed"


def test_the_log_backend_writes_the_text_and_marks_it_sent(app, caplog):
    app.config["SMS_BACKEND"] = "log"
    from bureau.domain import settings

    with settings.use(settings.Settings.from_config(app.config)):
        make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())
        with caplog.at_level(logging.INFO, logger="bureau"):
            jobs.run()
    [message] = outbox("sms")
    assert message.status == "sent"
    assert message.body_text in caplog.text


# The monthly cap -----------------------------------------------------------------------


@pytest.fixture
def capped(app, sms_gateway):
    from bureau.domain import settings

    app.config.update(SMS_MONTHLY_CAP=3, SMS_WARN_PERCENT=80)
    with settings.use(settings.Settings.from_config(app.config)):
        yield


def mid_month(minutes: int = 0) -> datetime:
    """Noon on the 15th of next month in Sofia (naive UTC), and minutes after: the runs of
    a cap test fall in one month however near a month's end the test runs."""
    noon = datetime.combine(next_month(sofia_today()).replace(day=15), datetime_time(12), SOFIA)
    return noon.astimezone(UTC).replace(tzinfo=None) + timedelta(minutes=minutes)


def queue_plain_sms(count: int, office_code: str = "KRS") -> None:
    case = make_inquiry(make_office(office_code))
    for _ in range(count):
        sms.queue_sms(MOBILE, "receipt", {"reference": "R", "status_url": "u"}, inquiry=case)
    db.session.commit()


def warnings() -> list[OutboxMessage]:
    return [m for m in outbox("email") if "SMS" in m.subject]


def test_past_the_cap_sms_are_kept_failed_with_the_reason_and_coordinators_warned_once(
    capped, sms_gateway
):
    coordinator = make_coordinator()
    queue_plain_sms(4)

    report = jobs.run(mid_month())

    assert (report.sms_sent, report.sms_failed) == (3, 1)
    assert len(sms_gateway.delivered) == 3
    refused = outbox("sms")[-1]
    assert refused.status == "failed"
    assert "monthly SMS cap" in refused.last_error and "3 of 3" in refused.last_error
    [warning] = warnings()
    assert warning.to == coordinator.email
    assert "3" in warning.subject

    queue_plain_sms(1)
    jobs.run(mid_month(5))
    assert len(warnings()) == 1  # once a month
    assert len(sms_gateway.delivered) == 3
    assert db.session.scalar(select(SmsCapWarning.month)) is not None


def test_the_warning_comes_at_80_percent_before_the_cap_for_that_office_only(app, sms_gateway):
    from bureau.domain import settings

    app.config.update(SMS_MONTHLY_CAP=5, SMS_WARN_PERCENT=80)
    with settings.use(settings.Settings.from_config(app.config)):
        make_coordinator()
        make_coordinator(make_office("STR"))
        queue_plain_sms(1, "STR")
        queue_plain_sms(3)
        jobs.run(mid_month())
        assert warnings() == []  # 3 of 5 segments
        queue_plain_sms(1)
        report = jobs.run(mid_month(1))
    assert (report.sms_sent, report.sms_failed) == (1, 0)  # 4 of 5: warned, still sending
    assert [m.office_id for m in warnings()] == [make_office("KRS").id]


def test_a_retried_sms_over_the_cap_goes_out_next_month(capped, sms_gateway):
    queue_plain_sms(4)
    jobs.run(mid_month())
    refused = outbox("sms")[-1]
    from bureau.domain import notifications

    notifications.retry(refused, mid_month())
    db.session.commit()
    jobs.run(mid_month(32 * 24 * 60))
    db.session.refresh(refused)
    assert refused.status == "sent"


# The citizen's channel and the notices -------------------------------------------------


@pytest.mark.parametrize(
    ("citizen", "channel"),
    [
        ({"phone": MOBILE, "email": "ivan@example.test"}, "email"),
        ({"phone": MOBILE, "sms_consent": True}, "sms"),
        ({"phone": MOBILE}, "none"),  # no consent to SMS
        ({"phone": "0745 12 345", "sms_consent": True}, "none"),  # a landline
        ({"name": "Иван"}, "none"),
        ({"phone": MOBILE, "email": "ivan@example.test", "notify_by": "sms"}, "sms"),
        ({"phone": MOBILE, "email": "ivan@example.test", "notify_by": "none"}, "none"),
    ],
)
def test_the_channel_recorded_at_intake(app, citizen, channel):
    case = make_inquiry(citizen=citizen, actor=make_coordinator())
    assert case.citizen.notify_by == channel
    given = channel == "sms" or citizen.get("sms_consent", False)
    assert (case.citizen.sms_consent_at is not None) == given
    assert [m.channel for m in outbox() if m.channel == "sms"] == (
        ["sms"] if channel == "sms" else []
    )


@pytest.mark.parametrize(
    ("citizen", "field"),
    [
        ({"phone": "0745 12 345", "notify_by": "sms"}, "phone"),
        ({"name": "Иван", "notify_by": "sms"}, "phone"),
        ({"phone": MOBILE, "notify_by": "email"}, "email"),
        ({"phone": MOBILE, "notify_by": "pigeon"}, "notify_by"),
    ],
)
def test_a_channel_the_contact_cannot_carry_is_refused(app, citizen, field):
    with pytest.raises(DomainError) as refused:
        make_inquiry(citizen=citizen, actor=make_coordinator())
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(Citizen.id)) is None


def test_anonymous_inquiries_get_nothing(app):
    make_inquiry(actor=make_coordinator())
    assert outbox() == []


def resolve(case, people) -> None:
    move_to(case, Status.IN_PROGRESS, **people)
    lifecycle.move(case, "resolved", actor=people["expert"], outcome="advice_given",
                   summary="Обяснихме.")  # fmt: skip
    db.session.commit()


def test_resolution_tells_an_sms_citizen_the_answer_is_ready_with_the_feedback_link(app):
    people = {"coordinator": make_coordinator(), "expert": make_expert()}
    case = make_inquiry(citizen=SMS_CITIZEN, actor=people["coordinator"])
    resolve(case, people)
    resolved = outbox("sms")[-1]
    assert resolved.body_text.startswith(f"Отговорът по {case.reference} е готов: http")
    assert "/status " in resolved.body_text
    assert "/feedback/" in resolved.body_text
    assert not [m for m in outbox("email") if m.to == "ivan@example.test"]


def test_resolution_tells_an_email_citizen_by_email_only(app):
    people = {"coordinator": make_coordinator(), "expert": make_expert()}
    citizen = {"phone": MOBILE, "email": "ivan@example.test", "sms_consent": True}
    case = make_inquiry(citizen=citizen, actor=people["coordinator"])
    resolve(case, people)
    assert outbox("sms") == []
    [told] = [m for m in outbox("email") if m.to == "ivan@example.test"]
    assert case.reference in told.subject and "/feedback/" in told.body_text


# The transaction, the SMTP outage, the citizen's copy -----------------------------------


def test_a_rolled_back_intake_leaves_no_sms(sms_gateway):
    coordinator = make_coordinator()
    from bureau.domain.cases import intake
    from bureau.domain.cases.intake import CitizenData, IntakeData

    data = IntakeData(
        category="local_taxes",
        description="Въпрос.",
        consent=True,
        citizen=CitizenData(name="Иван", phone=MOBILE, notify_by="sms"),
    )
    intake.log_inquiry(data, office=make_office(), actor=coordinator)
    assert len(outbox("sms")) == 1
    db.session.rollback()
    assert outbox("sms") == []
    jobs.run()
    assert sms_gateway.requests == []


def test_an_smtp_outage_does_not_hold_up_the_sms(sms_gateway):
    people = {"coordinator": make_coordinator(), "expert": make_expert()}
    make_inquiry(citizen=SMS_CITIZEN, actor=people["coordinator"])
    move_to(make_inquiry(), Status.ASSIGNED, **people)  # an e-mail to the expert

    report = jobs.run()

    assert (report.sms_sent, report.failed) == (1, 1)
    assert len(sms_gateway.delivered) == 1


def test_the_citizens_copy_of_their_data_lists_the_sms(sms_gateway):
    from bureau.domain import privacy

    case = make_inquiry(citizen=SMS_CITIZEN, actor=make_coordinator())
    copy = privacy.export_citizen(case.citizen)
    assert copy["citizen"]["notify_by"] == "sms"
    [sent] = copy["inquiries"][0]["sms"]
    assert sent["to"] == "+359888123456" and case.reference in sent["text"]


def test_two_jobs_running_at_once_send_each_sms_once(app, sms_gateway):
    import threading

    case = make_inquiry(make_office())
    for n in range(12):
        sms.queue_sms(MOBILE, "receipt", {"reference": f"R{n}", "status_url": "u"}, inquiry=case)
    db.session.commit()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run_job() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                jobs.run()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run_job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    keys = [request.key for request in sms_gateway.requests]
    assert len(keys) == len(set(keys)) == 12
    assert all(m.status == "sent" and m.attempts == 1 for m in outbox("sms"))
