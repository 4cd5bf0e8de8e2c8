"""Retention purge and erasure: personal data gone from cases, citizens, timeline,
attachments, feedback and outbox; references, coded fields and statistics unchanged."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select, update

from bureau import models
from bureau.domain import jobs, offices, privacy, settings
from bureau.domain.cases import attachments, feedback, intake, lifecycle, timeline
from bureau.domain.settings import Settings
from bureau.extensions import db
from bureau.models import (
    AnonymisedCase,
    Attachment,
    AuditEntry,
    Citizen,
    ErasureRequest,
    Event,
    EventKind,
    Feedback,
    FeedbackLink,
    Inquiry,
    Institution,
    OutboxMessage,
    Referral,
    StatRecord,
    Status,
    utcnow,
)
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

TODAY = date(2026, 11, 20)
PERSONAL = ["Мария", "Иванова", "0888123456", "maria@example.bg", "наследство",
            "Обадих се", "Подайте заявление", "Моля за помощ", "много доволна"]  # fmt: skip


def statistics_dump() -> list:
    """Every row of every statistics table, as published figures are computed from them."""
    tables = [StatRecord.__table__]
    if hasattr(models, "StatCube"):
        tables.append(models.StatCube.__table__)
    return [sorted(tuple(row) for row in db.session.execute(select(t)).all()) for t in tables]


@pytest.fixture
def app_config(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture
def people(app):
    office = make_office()
    offices.seed_institutions(office)
    return make_coordinator(office), make_expert(office)


def full_case(people, *, closed_days_ago: int | None, **citizen):
    """A case with every kind of personal data, closed that many days ago (or open)."""
    coordinator, expert = people
    citizen = {"name": "Мария Иванова", "phone": "0888123456", "email": "maria@example.bg",
               **citizen}  # fmt: skip
    case = make_inquiry(citizen=citizen, description="Въпрос за наследство на имот.")
    move_to(case, Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    timeline.add_note(case, body="Моля за помощ с документите.", actor=expert)
    timeline.log_contact(case, kind="phone", body="Обадих се на гражданката.", actor=expert)
    timeline.set_public_reply(case, body="Подайте заявление в общината.", actor=expert)
    institution = db.session.scalars(select(Institution)).first()
    timeline.refer(case, institution_id=institution.id, note="Наследство, Мария Иванова",
                   summary="Наследство, Мария Иванова, тел. 0888",
                   consent=True, actor=expert)  # fmt: skip
    attachments.save(case, stream=io.BytesIO("%PDF-1.4 Иванова".encode()), filename="Мария.pdf",
                     folder=upload_folder(), max_bytes=10_000, actor=expert)  # fmt: skip
    lifecycle.move(case, "resolved", actor=expert, outcome="advice_given",
                           summary="Дадена консултация за наследство.")  # fmt: skip
    feedback.submit(case, feedback.FeedbackData(5, "yes", True, "много доволна от Елена"))
    db.session.commit()
    if closed_days_ago is not None:
        lifecycle.transition(case, Status.CLOSED, actor=coordinator)
        db.session.execute(
            update(Event).where(Event.inquiry_id == case.id,
                                Event.kind == EventKind.STATUS_CHANGED)
            .values(created_at=utcnow() - timedelta(days=closed_days_ago))
        )  # fmt: skip
        db.session.commit()
    return case


def upload_folder() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def of_case(column, model, case) -> list:
    return list(db.session.scalars(select(column).where(model.inquiry_id == case.id)))


def files_of(case) -> list[Path]:
    return [Path(upload_folder()) / n for n in of_case(Attachment.stored_name, Attachment, case)]


def personal_data_left(case: Inquiry) -> list[str]:
    """Every text still attached to the case anywhere, matched against PERSONAL."""
    texts = [case.description, case.resolution_summary, case.public_reply]
    texts += [e.body for e in case.events] + [str(e.data) for e in case.events]
    texts += of_case(Referral.note, Referral, case) + of_case(Feedback.comment, Feedback, case)
    for message in of_case(OutboxMessage, OutboxMessage, case):
        texts += [message.to, message.subject, message.body_text, message.body_html]
    texts += of_case(Attachment.filename, Attachment, case)
    if case.citizen is not None:
        texts += [case.citizen.name, case.citizen.phone, case.citizen.email]
    blob = " ".join(t for t in texts if t)
    return [word for word in PERSONAL if word in blob]


def test_purge_removes_personal_data_and_leaves_statistics_identical(app, people):
    """Figure of the issue: statistics before and after the retention purge, identical."""
    expired = full_case(people, closed_days_ago=26 * 31)
    assert personal_data_left(expired)  # the builder really wrote personal data
    files = files_of(expired)
    assert files and all(f.exists() for f in files)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.inquiry_id == expired.id))
    citizen_id = expired.citizen_id
    before = statistics_dump()

    assert privacy.purge_expired(TODAY) == 1
    db.session.commit()
    db.session.expire_all()

    assert statistics_dump() == before
    case = db.session.get(Inquiry, expired.id)
    assert personal_data_left(case) == []
    assert case.reference == expired.reference and case.category.code == "local_taxes"
    assert case.status == "closed" and case.outcome == "advice_given"
    assert case.citizen_id is None and case.intake_token is None
    assert not any(f.exists() for f in files)
    assert db.session.scalar(select(FeedbackLink).where(FeedbackLink.inquiry_id == case.id)) is None
    assert db.session.get(Feedback, db.session.scalar(
        select(Feedback.id).where(Feedback.inquiry_id == case.id))).satisfaction == 5  # fmt: skip
    citizen = db.session.get(Citizen, citizen_id)
    assert (citizen.name, citizen.phone, citizen.email, citizen.tokens) == (None, None, None, [])
    assert citizen.gender is not None  # coded demographics stay
    assert db.session.get(AnonymisedCase, case.id).reason == "retention"


def test_recent_and_open_cases_are_kept(app, people):
    recent = full_case(people, closed_days_ago=20 * 31, name="Мария Иванова")
    still_open = full_case(people, closed_days_ago=None, name="Мария Петрова", phone="0888999999")
    db.session.execute(update(Inquiry).values(received_at=utcnow() - timedelta(days=1500)))
    db.session.commit()
    assert privacy.purge_expired(TODAY) == 0
    assert personal_data_left(recent) and personal_data_left(still_open)


def test_a_citizen_with_a_live_case_keeps_their_identity(app, people):
    old = full_case(people, closed_days_ago=30 * 31)
    live = make_inquiry(citizen_id=old.citizen_id, citizen={"name": "Мария Иванова"})
    assert live.citizen_id == old.citizen_id
    privacy.purge_expired(TODAY)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Inquiry, old.id).citizen_id is None  # the old case is cut loose
    assert db.session.get(Citizen, live.citizen_id).name == "Мария Иванова"


def test_the_retention_period_is_a_setting(app, people):
    case = full_case(people, closed_days_ago=8 * 31)
    app.config["RETENTION_MONTHS"] = 6
    with settings.use(Settings.from_config(app.config)):
        assert privacy.purge_expired(TODAY) == 1
    assert personal_data_left(case) == []


def test_jobs_run_purges_once_a_day(app, people):
    full_case(people, closed_days_ago=26 * 31)
    jobs.run(today=TODAY)
    assert db.session.scalar(select(AnonymisedCase.inquiry_id)) is not None
    second = full_case(people, closed_days_ago=26 * 31)
    jobs.run(today=TODAY)  # the same day: nothing more
    assert personal_data_left(second)
    jobs.run(today=TODAY + timedelta(days=1))
    assert personal_data_left(second) == []
    purges = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.purge"))
    assert [p.details["cases"] for p in purges] == [1, 1]


def test_files_are_deleted_only_when_the_purge_commits(app, people):
    case = full_case(people, closed_days_ago=26 * 31)
    files = files_of(case)
    privacy.purge_expired(TODAY)
    db.session.rollback()
    assert all(f.exists() for f in files)
    assert personal_data_left(db.session.get(Inquiry, case.id))


def test_the_old_pin_no_longer_opens_the_status_page(app, people):
    case = full_case(people, closed_days_ago=26 * 31)
    pin = case.pin
    assert intake.check_pin(case, pin)
    privacy.purge_expired(TODAY)
    assert not intake.check_pin(case, pin)


# Data-subject requests


def test_a_citizen_is_found_by_latin_name_phone_or_email(app, people):
    case = full_case(people, closed_days_ago=None)
    other_office = make_inquiry(make_office("STR"), citizen={"name": "Мария Иванова"})
    found = {c.id for c in privacy.find_citizens("maria ivanova")}
    assert found == {case.citizen_id, other_office.citizen_id}  # across offices
    assert [c.id for c in privacy.find_citizens("0888 123")] == [case.citizen_id]
    assert [c.id for c in privacy.find_citizens("MARIA@example.bg")] == [case.citizen_id]
    assert privacy.find_citizens("a") == []


def test_the_export_holds_everything_about_the_citizen(app, people):
    case = full_case(people, closed_days_ago=None)
    data = privacy.export_citizen(case.citizen)
    assert data["citizen"]["name"] == "Мария Иванова"
    (inquiry,) = data["inquiries"]
    assert inquiry["reference"] == case.reference
    assert inquiry["description"] == "Въпрос за наследство на имот."
    assert {e["kind"] for e in inquiry["timeline"]} >= {"note", "contact", "reply", "referral"}
    assert inquiry["attachments"][0]["filename"] == "Мария.pdf"
    assert inquiry["feedback"]["comment"] == "много доволна от Елена"
    assert inquiry["emails"][0]["to"] == "maria@example.bg"
    assert inquiry["referrals"][0]["note"] == "Наследство, Мария Иванова"


def test_erasure_anonymises_every_case_and_records_the_request(app, people):
    coordinator, _expert = people
    first = full_case(people, closed_days_ago=None)
    second = make_inquiry(citizen_id=first.citizen_id, citizen={"name": "Мария Иванова"},
                          description="Още един въпрос за наследство.")  # fmt: skip
    citizen = first.citizen
    before = statistics_dump()
    admin = coordinator  # any user may stand as actor in the domain
    done = privacy.erase_citizen(citizen, actor=admin, requested_by="Мария Координатор",
                                 received_on=TODAY, reason="Искане по чл. 17 ОРЗД")  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    assert statistics_dump() == before
    assert done.cases == 2
    for case in (first, second):
        assert personal_data_left(db.session.get(Inquiry, case.id)) == []
        assert db.session.get(AnonymisedCase, case.id).erasure_id == done.id
    assert db.session.get(Citizen, citizen.id).name is None
    assert privacy.find_citizens("maria ivanova") == []
    assert db.session.get(ErasureRequest, done.id).requested_by == "Мария Координатор"


def test_a_request_received_today_in_sofia_is_taken_before_utc_turns_the_day(
    app, people, monkeypatch
):
    """From 00:00 to 02:00 (03:00 in summer) Sofia's date is a day ahead of UTC's."""
    from bureau.domain import clock

    sofia_day = date.today() + timedelta(days=1)
    monkeypatch.setattr(clock, "sofia_today", lambda: sofia_day)
    case = full_case(people, closed_days_ago=None)
    tomorrow = sofia_day + timedelta(days=1)
    with pytest.raises(privacy.DomainError):  # a date still to come
        privacy.erase_citizen(case.citizen, actor=people[0], requested_by="К",
                              received_on=tomorrow, reason="чл. 17")  # fmt: skip
    done = privacy.erase_citizen(case.citizen, actor=people[0], requested_by="К",
                                 received_on=sofia_day, reason="чл. 17")  # fmt: skip
    assert done.received_on == sofia_day


def test_erasure_needs_who_asked_when_and_why(app, people):
    case = full_case(people, closed_days_ago=None)
    with pytest.raises(privacy.DomainError):
        privacy.erase_citizen(case.citizen, actor=people[0], requested_by="", received_on=TODAY,
                              reason="x")  # fmt: skip
    with pytest.raises(privacy.DomainError):
        privacy.erase_citizen(case.citizen, actor=people[0], requested_by="К", received_on=TODAY,
                              reason=" ")  # fmt: skip
