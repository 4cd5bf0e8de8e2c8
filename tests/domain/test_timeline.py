"""The timeline of a case: internal notes, contacts, the public reply and referrals."""

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, text
from bureau.domain.cases import lifecycle, timeline
from bureau.extensions import db
from bureau.models import EventKind, Institution, Referral, StatRecord, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

CITIZEN = {"name": "Иван Иванов", "phone": "0888123456", "email": "ivan@example.test"}


@pytest.fixture
def people(app):
    office = make_office()
    return {"coordinator": make_coordinator(office), "expert": make_expert(office)}


@pytest.fixture
def case(people):
    return move_to(make_inquiry(citizen=CITIZEN), Status.IN_PROGRESS, **people)


def institution(office_code: str = "KRS", code: str = "noi") -> Institution:
    office = make_office(office_code)
    return db.session.scalar(
        select(Institution).where(Institution.office_id == office.id, Institution.code == code)
    )


def test_note_is_an_internal_timeline_entry_that_does_not_touch_the_case(case, people):
    version = case.version
    event = timeline.add_note(case, body="  Гражданинът звучи притеснен.  ", actor=people["expert"])
    db.session.commit()
    assert (event.kind, event.body, event.actor_id) == (
        EventKind.NOTE, "Гражданинът звучи притеснен.", people["expert"].id
    )  # fmt: skip
    assert case.version == version  # notes never conflict with an edit of the case
    assert case.public_reply is None


@pytest.mark.parametrize("body", ["", "   ", None])
def test_empty_note_is_refused(case, people, body):
    with pytest.raises(DomainError) as refused:
        timeline.add_note(case, body=body, actor=people["expert"])
    assert refused.value.field == "body"


def test_overlong_note_is_refused(case, people):
    with pytest.raises(DomainError) as refused:
        timeline.add_note(case, body="а" * (text.MAX_TEXT + 1), actor=people["expert"])
    assert refused.value.field == "body"


@pytest.mark.parametrize("kind", timeline.CONTACT_KINDS)
def test_contact_with_the_citizen_is_logged_with_its_kind(case, people, kind):
    event = timeline.log_contact(case, kind=kind, body="Обадих се.", actor=people["expert"])
    assert (event.kind, event.data, event.body) == (EventKind.CONTACT, {"kind": kind}, "Обадих се.")


def test_contact_of_an_unknown_kind_is_refused(case, people):
    with pytest.raises(DomainError) as refused:
        timeline.log_contact(case, kind="pigeon", body="Гълъб.", actor=people["expert"])
    assert refused.value.field == "kind"


def test_public_reply_is_kept_on_the_case_and_the_timeline(case, people):
    event = timeline.set_public_reply(case, body="Подайте декларация до 30 юни.",
                                      actor=people["expert"])  # fmt: skip
    db.session.commit()
    assert case.public_reply == "Подайте декларация до 30 юни."
    assert (event.kind, event.body) == (EventKind.REPLY, "Подайте декларация до 30 юни.")


def test_public_reply_on_a_stale_version_is_refused(case, people):
    stale = case.version
    timeline.set_public_reply(case, body="Първи отговор.", actor=people["coordinator"])
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        timeline.set_public_reply(case, body="Втори отговор.", actor=people["expert"],
                                  expected_version=stale)  # fmt: skip
    assert "променен" in str(refused.value.message)
    assert case.public_reply == "Първи отговор."


def test_expert_cannot_work_a_resolved_case_but_the_coordinator_can(case, people):
    lifecycle.transition(case, Status.RESOLVED, actor=people["expert"], outcome="advice_given",
                         summary="Готово.")  # fmt: skip
    with pytest.raises(DomainError):
        timeline.add_note(case, body="Още нещо.", actor=people["expert"])
    with pytest.raises(DomainError):
        timeline.set_public_reply(case, body="Промяна.", actor=people["expert"])
    assert timeline.add_note(case, body="Проверено.", actor=people["coordinator"]).id


def test_referral_needs_the_citizens_consent(case, people):
    with pytest.raises(DomainError) as refused:
        timeline.refer(case, institution_id=institution().id, note="НОИ.", consent=False,
                       actor=people["expert"])  # fmt: skip
    assert refused.value.field == "consent"
    assert db.session.query(Referral).count() == 0


def test_referral_is_recorded_on_the_timeline_and_the_stat_record(case, people):
    noi = institution()
    referral = timeline.refer(case, institution_id=noi.id, note="Преизчисляване на пенсия.",
                              summary="Пенсия.", consent=True, actor=people["expert"])  # fmt: skip
    db.session.commit()
    assert (referral.inquiry_id, referral.institution_id, referral.created_by_id) == (
        case.id, noi.id, people["expert"].id
    )  # fmt: skip
    event = case.events[-1]
    assert (event.kind, event.data["institution"]) == (EventKind.REFERRAL, "noi")
    record = db.session.query(StatRecord).filter_by(inquiry_id=case.id).one()
    assert record.referral_institution == "noi"


def test_the_stat_record_keeps_the_first_institution(case, people):
    for code in ("noi", "nra"):
        timeline.refer(case, institution_id=institution(code=code).id, note="", summary="Пенсия.",
                       consent=True, actor=people["expert"])  # fmt: skip
    db.session.commit()
    record = db.session.query(StatRecord).filter_by(inquiry_id=case.id).one()
    assert record.referral_institution == "noi"
    assert db.session.query(Referral).count() == 2


def test_referral_to_an_institution_of_another_office_or_inactive_is_refused(case, people):
    foreign = institution("STR")
    inactive = institution(code="nra")
    inactive.active = False
    db.session.commit()
    for target in (foreign.id, inactive.id, 987654):
        with pytest.raises(DomainError) as refused:
            timeline.refer(case, institution_id=target, note="", consent=True,
                           actor=people["expert"])  # fmt: skip
        assert refused.value.field == "institution"
    assert db.session.query(Referral).count() == 0
