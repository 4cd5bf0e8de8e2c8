"""Logging an inquiry through the domain: rules, reference, PIN, identity, StatRecord."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bureau.domain import DomainError
from bureau.domain.cases import intake
from bureau.domain.cases.intake import CONSENT_NOTICE_VERSION, CitizenData, IntakeData
from bureau.extensions import db
from bureau.models import Citizen, CitizenToken, Event, Inquiry, Role, StatRecord, utcnow
from tests.factories import make_office, make_user

MARIA = {"name": "Мария Иванова", "phone": "+359 888 123 456", "email": "maria@example.bg"}


def data(**fields) -> IntakeData:
    """A valid walk-in inquiry of a consenting citizen, with fields overridden."""
    citizen = fields.pop("citizen", MARIA)
    if isinstance(citizen, dict):
        citizen = CitizenData(**citizen)
    fields.setdefault("consent", True)
    return IntakeData(
        category=fields.pop("category", "local_taxes"),
        description=fields.pop("description", "Въпрос за данък сгради."),
        citizen=citizen,
        **fields,
    )


def log(intake_data: IntakeData | None = None, *, office=None, actor=None, now=None):
    inquiry, pin = intake.log_inquiry(
        intake_data or data(), office=office or make_office(), actor=actor, now=now
    )
    db.session.commit()
    return inquiry, pin


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(intake_data: IntakeData, office=None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        intake.log_inquiry(intake_data, office=office or make_office(), actor=None)
    db.session.rollback()
    assert count(Inquiry) == 0
    return caught.value


# --- the rules -------------------------------------------------------------------------


def test_missing_category_is_refused_naming_the_field(app):
    error = refused(data(category=""))
    assert error.field == "category"
    assert "категория" in str(error.message)


def test_unknown_category_is_refused(app):
    assert refused(data(category="astrology")).field == "category"


def test_inactive_category_is_refused(app):
    from bureau.domain import taxonomy

    taxonomy.get_category("other").active = False
    db.session.commit()
    assert refused(data(category="other")).field == "category"


def test_subcategory_of_another_category_is_refused(app):
    error = refused(data(category="local_taxes", subcategory="telk"))
    assert error.field == "subcategory"


def test_subcategory_of_the_category_is_accepted(app):
    inquiry, _pin = log(data(category="pensions_disability", subcategory="telk"))
    assert inquiry.subcategory.code == "telk"


@pytest.mark.parametrize("description", ["", "   \n  "])
def test_empty_description_is_refused(app, description):
    error = refused(data(description=description))
    assert error.field == "description"
    assert "Опишете" in str(error.message)


def test_description_over_the_limit_is_refused(app):
    error = refused(data(description="я" * (intake.MAX_DESCRIPTION + 1)))
    assert error.field == "description"


def test_description_at_the_limit_is_accepted(app):
    inquiry, _pin = log(data(description="я" * intake.MAX_DESCRIPTION))
    assert len(inquiry.description) == intake.MAX_DESCRIPTION


def test_description_is_stored_trimmed(app):
    inquiry, _pin = log(data(description="  Въпрос.  \n"))
    assert inquiry.description == "Въпрос."


def test_without_consent_and_not_anonymous_is_refused(app):
    error = refused(data(consent=False))
    assert error.field == "consent"
    assert "съгласие" in str(error.message)


def test_without_name_phone_or_email_and_not_anonymous_is_refused(app):
    error = refused(data(citizen={}))
    assert error.field == "name"
    assert "име, телефон или e-mail" in str(error.message)


def test_phone_alone_identifies_the_citizen(app):
    inquiry, _pin = log(data(citizen={"phone": "0888 123 456"}))
    assert inquiry.citizen.phone_key == "0888123456"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "telegraph"}, "channel"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"citizen": {**MARIA, "gender": "robot"}}, "gender"),
        ({"citizen": {**MARIA, "age_band": "100+"}}, "age_band"),
        ({"citizen": {**MARIA, "flags": ["unemployed", "rich"]}}, "flags"),
        ({"citizen": {**MARIA, "email": "not-an-address"}}, "email"),
        ({"citizen": {**MARIA, "name": "И" * 201}}, "name"),
    ],
)
def test_unknown_codes_and_bad_contacts_are_refused_naming_the_field(app, fields, field):
    assert refused(data(**fields)).field == field


@pytest.mark.parametrize(
    "citizen",
    [
        {"gender": "robot"},
        {"age_band": "100+"},
        {"gender": "x" * 50},
        {"flags": ["rich"]},
    ],
)
def test_anonymous_inquiry_with_unknown_demographic_codes_is_refused(app, citizen):
    # The codes reach the StatRecord even when the inquiry is anonymous.
    error = refused(data(anonymous=True, consent=False, citizen=citizen))
    assert error.field in {"gender", "age_band", "flags"}


def test_settlement_of_another_office_is_refused(app):
    other = make_office("STR")
    kresna = make_office()
    error = refused(data(settlement_id=other.settlements[0].id), office=kresna)
    assert error.field == "settlement"


def test_missing_settlement_id_is_refused(app):
    assert refused(data(settlement_id=999_999)).field == "settlement"


def test_overlong_one_time_token_is_refused_not_crashing(app):
    # The token column holds 64 characters; PostgreSQL would refuse a longer one.
    assert refused(data(token="t" * 65)).field == "token"


def test_phone_with_too_many_digits_is_refused_not_crashing(app):
    # 40 characters are allowed; the digits' search key must still fit its column.
    error = refused(data(citizen={"phone": "1" * 40}))
    assert error.field == "phone"


def test_long_cyrillic_name_is_stored_with_a_search_key_that_fits(app):
    # "Щ" becomes "sht": 200 letters make a 600-letter key.
    inquiry, _pin = log(data(citizen={"name": "Щ" * 200}))
    assert inquiry.citizen.name == "Щ" * 200
    assert len(inquiry.citizen.name_key) <= 200
    assert inquiry.citizen.name_key.startswith("shtsht")
    token_length = CitizenToken.__table__.c.token.type.length
    assert inquiry.citizen.tokens
    assert all(len(token.token) <= token_length for token in inquiry.citizen.tokens)


def test_a_name_pasted_over_lines_is_stored_on_one(app):
    inquiry, _pin = log(data(citizen={"name": " Мария\r\nИванова\t Петрова "}))
    assert inquiry.citizen.name == "Мария Иванова Петрова"
    db.session.commit()
    no_name = data(citizen={"name": "\r\n\t "})
    assert refused_after(no_name, inquiry.office).field == "name"  # no name at all


# --- reference and PIN -----------------------------------------------------------------


def test_reference_has_office_code_sofia_year_and_five_digits(app):
    inquiry, _pin = log(now=datetime(2026, 3, 4, 9, 0))
    assert inquiry.reference == "KRS-2026-00001"


def test_references_are_sequential_per_office_and_year(app):
    now = datetime(2026, 3, 4, 9, 0)
    references = [log(now=now + timedelta(minutes=i))[0].reference for i in range(3)]
    assert references == ["KRS-2026-00001", "KRS-2026-00002", "KRS-2026-00003"]


def test_each_office_has_its_own_counter(app):
    kresna, strumyani = make_office(), make_office("STR")
    now = datetime(2026, 3, 4, 9, 0)
    assert log(office=kresna, now=now)[0].reference == "KRS-2026-00001"
    assert log(office=strumyani, now=now)[0].reference == "STR-2026-00001"
    assert log(office=kresna, now=now)[0].reference == "KRS-2026-00002"
    assert log(office=strumyani, now=now)[0].reference == "STR-2026-00002"


def test_each_year_has_its_own_counter(app):
    log(now=datetime(2026, 6, 1, 9, 0))
    log(now=datetime(2026, 6, 2, 9, 0))
    assert log(now=datetime(2027, 1, 5, 9, 0))[0].reference == "KRS-2027-00001"
    assert log(now=datetime(2026, 12, 1, 9, 0))[0].reference == "KRS-2026-00003"


def test_year_of_the_reference_is_the_sofia_year(app):
    # 23:30 UTC on 31 December is 01:30 on 1 January in Sofia.
    log(now=datetime(2026, 12, 31, 21, 0))
    inquiry, _pin = log(now=datetime(2026, 12, 31, 23, 30))
    assert inquiry.reference == "KRS-2027-00001"


def test_refused_inquiry_leaves_no_gap_in_the_sequence(app):
    log(now=datetime(2026, 3, 4, 9, 0))
    refused_citizen = data(citizen_id=999_999, citizen={})
    with pytest.raises(DomainError):
        intake.log_inquiry(refused_citizen, office=make_office(), actor=None)
    db.session.rollback()
    assert log(now=datetime(2026, 3, 4, 10, 0))[0].reference == "KRS-2026-00002"


def test_pin_has_six_digits_and_is_stored_only_hashed(app):
    inquiry, pin = log()
    assert len(pin) == 6 and pin.isdigit()
    assert inquiry.pin_hash != pin
    assert pin not in inquiry.pin_hash
    assert intake.check_pin(inquiry, pin)
    assert intake.check_pin(inquiry, f" {pin} ")


def test_wrong_pin_does_not_check(app):
    inquiry, pin = log()
    wrong = f"{(int(pin) + 1) % 1_000_000:06d}"
    assert not intake.check_pin(inquiry, wrong)
    assert not intake.check_pin(inquiry, "")


def test_pin_hash_depends_on_the_reference(app):
    first = intake.hash_pin("KRS-2026-00001", "123456")
    assert first != intake.hash_pin("KRS-2026-00002", "123456")


def test_reset_pin_replaces_the_old_one_and_is_on_the_timeline(app):
    desk = make_user(Role.DESK)
    inquiry, old = log(actor=desk)
    new = intake.reset_pin(inquiry, actor=desk)
    db.session.commit()
    assert intake.check_pin(inquiry, new)
    assert old == new or not intake.check_pin(inquiry, old)
    assert [e.kind for e in inquiry.events] == ["created", "pin_reset"]


# --- identity and consent --------------------------------------------------------------


def test_anonymous_inquiry_stores_no_identity(app):
    anonymous = data(anonymous=True, consent=False, citizen={"name": "Петър Петров"})
    inquiry, _pin = log(anonymous)
    assert inquiry.citizen_id is None
    assert count(Citizen) == 0


def test_anonymous_inquiry_keeps_its_coded_demographics_for_statistics(app):
    citizen = {"gender": "male", "age_band": "65+", "flags": ["pensioner"]}
    inquiry, _pin = log(data(anonymous=True, consent=False, citizen=citizen))
    record = db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == inquiry.id))
    assert (record.gender, record.age_band, record.pensioner) == ("male", "65+", True)


def test_consent_is_recorded_with_time_and_notice_version(app):
    now = datetime(2026, 3, 4, 9, 15)
    inquiry, _pin = log(now=now)
    citizen = inquiry.citizen
    assert citizen.consent_at == now
    assert citizen.consent_notice_version == CONSENT_NOTICE_VERSION


def test_new_citizen_gets_search_keys(app):
    inquiry, _pin = log()
    assert inquiry.citizen.name_key == "maria ivanova"
    assert inquiry.citizen.phone_key == "0888123456"
    assert inquiry.citizen.office_id == inquiry.office_id


def test_returning_citizen_is_reused_not_duplicated(app):
    first, _pin = log()
    second, _pin = log(data(citizen_id=first.citizen_id, citizen={"gender": "female"}))
    assert second.citizen_id == first.citizen_id
    assert count(Citizen) == 1
    assert second.citizen.name == "Мария Иванова"


def test_returning_citizen_gets_a_new_phone_typed_at_the_desk(app):
    first, _pin = log()
    log(data(citizen_id=first.citizen_id, citizen={"phone": "0877 111 222"}))
    assert first.citizen.phone == "0877 111 222"
    assert first.citizen.phone_key == "0877111222"


def test_citizen_of_another_office_cannot_be_linked(app):
    other, _pin = log(office=make_office("STR"))
    error = refused_after(data(citizen_id=other.citizen_id, citizen={}), office=make_office())
    assert error.field == "citizen_id"


def refused_after(intake_data, office):
    before = count(Inquiry)
    with pytest.raises(DomainError) as caught:
        intake.log_inquiry(intake_data, office=office, actor=None)
    db.session.rollback()
    assert count(Inquiry) == before
    return caught.value


# --- timeline and statistics -----------------------------------------------------------


def test_logging_appends_a_created_event_by_the_actor(app):
    desk = make_user(Role.DESK)
    inquiry, _pin = log(actor=desk)
    [event] = inquiry.events
    assert (event.kind, event.actor_id) == ("created", desk.id)
    assert inquiry.created_by_id == desk.id
    assert inquiry.status == "new"


def test_stat_record_holds_the_coded_fields(app):
    office = make_office()
    sliv = next(s for s in office.settlements if s.name == "Сливница")
    citizen = {**MARIA, "gender": "female", "age_band": "35-44", "flags": ["unemployed"]}
    inquiry, _pin = log(
        data(
            category="social_assistance",
            subcategory="heating_aid",
            settlement_id=sliv.id,
            channel="phone",
            urgency="urgent",
            citizen=citizen,
        ),
        now=datetime(2026, 3, 4, 9, 0),
    )
    record = db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == inquiry.id))
    assert record.office_id == office.id
    assert (record.category, record.subcategory) == ("social_assistance", "heating_aid")
    assert record.ekatte == "67324"
    assert (record.channel, record.urgency) == ("phone", "urgent")
    assert (record.gender, record.age_band) == ("female", "35-44")
    assert record.unemployed is True
    assert not any([record.disability, record.pensioner, record.minority, record.single_parent])
    assert record.received_on.isoformat() == "2026-03-04"
    assert record.status == "new"
    assert record.due_on == inquiry.due_date


def test_stat_record_has_no_column_for_personal_data_or_free_text():
    columns = set(StatRecord.__table__.columns.keys())
    personal = {"name", "phone", "email", "description", "citizen_id", "address", "note"}
    assert columns & personal == set()
    assert not any("name" in column or "text" in column for column in columns)


def test_stat_record_is_written_in_the_same_transaction_as_the_inquiry(app):
    office = make_office()
    db.session.commit()
    intake.log_inquiry(data(), office=office, actor=None)
    # Nothing is committed until the request boundary: a rollback leaves nothing behind.
    db.session.rollback()
    assert (count(Inquiry), count(StatRecord), count(Citizen), count(Event)) == (0, 0, 0, 0)


def test_one_stat_record_per_inquiry(app):
    for _ in range(3):
        log()
    assert count(StatRecord) == count(Inquiry) == 3


# --- the one-time token ----------------------------------------------------------------


def test_same_token_twice_returns_the_first_inquiry_without_a_pin(app):
    first, pin = log(data(token="form-token-1"))
    again, second_pin = log(data(token="form-token-1", description="Друго."))
    assert again.id == first.id
    assert pin is not None and second_pin is None
    assert count(Inquiry) == 1


def test_same_token_of_another_office_or_user_is_a_new_inquiry(app):
    kresna, strumyani = make_office(), make_office("STR")
    desk, colleague = make_user(Role.DESK), make_user(Role.DESK)
    first, _pin = log(data(token="1"), office=kresna, actor=desk)
    elsewhere, pin = log(data(token="1"), office=strumyani, actor=None)
    colleagues, other_pin = log(data(token="1"), office=kresna, actor=colleague)
    assert len({first.id, elsewhere.id, colleagues.id}) == 3
    assert pin is not None and other_pin is not None
    assert elsewhere.reference.startswith("STR-")


def test_stored_token_is_not_the_token_itself(app):
    inquiry, _pin = log(data(token="form-token-1"))
    assert inquiry.intake_token and inquiry.intake_token != "form-token-1"


def test_different_tokens_make_different_inquiries(app):
    log(data(token="form-token-1"))
    log(data(token="form-token-2"))
    assert count(Inquiry) == 2


def test_new_tokens_are_unique_and_fit_the_column(app):
    tokens = {intake.new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) <= 64 for token in tokens)


def test_received_at_defaults_to_now(app):
    inquiry, _pin = log()
    assert abs(inquiry.received_at - utcnow()) < timedelta(minutes=1)


def test_office_with_auto_assignment_gives_a_new_inquiry_to_the_best_expert(app):
    from bureau.domain import experts
    from bureau.domain.taxonomy import get_category
    from tests.factories import make_inquiry, make_office, make_user

    office = make_office()
    office.auto_assign = True
    specialist = make_user("expert", office=office)
    experts.update_profile(
        specialist, affiliation="municipal", organisation="Данъци", capacity=5,
        on_leave_until=None, category_ids=[get_category("local_taxes").id],
    )  # fmt: skip
    db.session.commit()

    inquiry = make_inquiry(office, category="local_taxes")

    assert (inquiry.status, inquiry.expert_id) == ("assigned", specialist.id)


def test_office_without_auto_assignment_leaves_the_inquiry_new(app):
    from tests.factories import make_inquiry

    assert make_inquiry().status == "new"
