"""The answers library in the domain: states and the approval rule, versions, what readers
see, visibility across offices, search, safe rendering, reminders, and the answer at the
first contact with its statistics."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, statistics
from bureau.domain.answers import library, text
from bureau.domain.answers.library import AnswerData
from bureau.domain.cases import timeline
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import Filters, Period
from bureau.extensions import db
from bureau.models import AuditEntry, OutboxMessage, Role, StatRecord
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, make_user, without_adjustment

PENSION = AnswerData(
    title="Документи за пенсия за осигурителен стаж и възраст",
    body="Подава се в НОИ.\n\n- лична карта\n- трудови книжки",
    documents="Лична карта, трудови книжки, УП-2, УП-3",
    place="ТП на НОИ — Благоевград",
    categories=["pensions_disability"],
    subcategories=["pension"],
)


def like(**change) -> AnswerData:
    """The pension answer with some fields changed."""
    return AnswerData(**{**library.as_dict(PENSION), **change})


@pytest.fixture
def people(app):
    office = make_office()
    return office, make_expert(office), make_coordinator(office), make_coordinator(office)


def published(office, author, reviewer, data=PENSION):
    answer = library.create(office, data, actor=author, today=sofia_today())
    library.submit(answer, actor=author)
    library.approve(answer, actor=reviewer, today=sofia_today())
    db.session.commit()
    return answer


def test_an_answer_goes_from_draft_to_review_to_published_by_a_second_person(people):
    office, expert, coordinator, _other = people
    answer = library.create(office, PENSION, actor=expert, today=sofia_today())
    assert (answer.status, answer.live, answer.owner) == ("draft", None, expert)
    assert answer.review_by > sofia_today()  # a year to its first review
    with pytest.raises(DomainError):  # not in review yet
        library.approve(answer, actor=coordinator, today=sofia_today())
    library.submit(answer, actor=expert)
    with pytest.raises(DomainError):  # an expert never approves
        library.approve(answer, actor=expert, today=sofia_today())
    library.approve(answer, actor=coordinator, today=sofia_today())
    assert answer.status == "published" and answer.live.content["title"] == PENSION.title
    assert [v.step for v in answer.versions] == ["created", "submitted", "approved"]
    assert [v.actor for v in answer.versions] == [expert, expert, coordinator]


def test_the_last_to_change_an_answer_cannot_approve_it(people):
    office, _expert, coordinator, other = people
    answer = library.create(office, PENSION, actor=coordinator, today=sofia_today())
    library.submit(answer, actor=coordinator)
    with pytest.raises(DomainError, match="друг човек"):
        library.approve(answer, actor=coordinator, today=sofia_today())
    library.approve(answer, actor=other, today=sofia_today())
    assert answer.status == "published"


def test_readers_see_the_approved_text_until_an_edit_is_approved(people):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    changed = like(title="Пенсия: нов текст")
    library.save(answer, changed, actor=expert, today=sofia_today())
    assert answer.status == "draft" and library.working(answer).title == "Пенсия: нов текст"
    assert library.live(answer).title == PENSION.title  # the desk and the public: unchanged
    assert library.published(office) == [answer]
    library.submit(answer, actor=expert)
    library.send_back(answer, actor=coordinator, note="Добавете срока.")
    assert answer.status == "draft" and answer.versions[-1].note == "Добавете срока."
    library.submit(answer, actor=expert)
    library.approve(answer, actor=coordinator, today=sofia_today())
    assert library.live(answer).title == "Пенсия: нов текст"


def test_an_archived_answer_is_read_by_no_one_and_comes_back_as_a_draft(people):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    library.archive(answer, actor=coordinator)
    assert library.published(office) == [] and answer.live is None
    with pytest.raises(DomainError):
        library.save(answer, PENSION, actor=expert, today=sofia_today())
    library.restore(answer, actor=expert)
    assert answer.status == "draft"
    steps = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("answer.%")))
    assert {"answer.create", "answer.approved", "answer.archived", "answer.restored"} <= set(steps)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"categories": ["no_such"]}, "categories"),
        ({"subcategories": ["heating_aid"]}, "subcategories"),  # not under pensions
        ({"services": ["not-in-register"]}, "services"),
    ],
)
def test_a_wrong_field_is_named(people, change, field):
    office, expert, _coordinator, _other = people
    data = like(**change)
    with pytest.raises(DomainError) as refused:
        library.create(office, data, actor=expert, today=sofia_today())
    assert refused.value.field == field


def test_approval_needs_a_review_date_in_the_future(people):
    office, expert, coordinator, _other = people
    data = like(review_by=sofia_today())
    answer = library.create(office, data, actor=expert, today=sofia_today())
    library.submit(answer, actor=expert)
    with pytest.raises(DomainError) as refused:
        library.approve(answer, actor=coordinator, today=sofia_today())
    assert refused.value.field == "review_by"


def test_a_shared_answer_reaches_every_office_with_its_local_part(people):
    office, expert, coordinator, _other = people
    shared = published(office, expert, coordinator, like(shared=True))
    own = published(office, expert, coordinator, like(title="Само за Кресна"))
    partner = make_office("STR")
    partner_coordinator = make_coordinator(partner)
    assert library.published(partner) == [shared]
    assert library.get(own.id, partner) is None and library.get(shared.id, partner) is shared
    local = "ТП на НОИ, приемна в Струмяни: вторник"
    library.set_local_part(shared, partner, local, actor=partner_coordinator)
    assert library.local_part(shared, partner).startswith("ТП на НОИ")
    assert library.local_part(shared, office) == ""
    with pytest.raises(DomainError):  # a partner adds its part, never edits the answer
        library.save(shared, PENSION, actor=partner_coordinator, today=sofia_today())
    with pytest.raises(DomainError):
        library.set_local_part(own, partner, "…", actor=partner_coordinator)


@pytest.mark.parametrize("q", ["пенсия", "ПЕНСИЯ", "pensia", "trudovi knizhki", "НОИ"])
def test_search_finds_an_answer_in_cyrillic_or_latin(people, q):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    assert library.published(office, q=q) == [answer]
    assert library.published(office, q="отопление") == []
    assert library.published(office, category="pensions_disability") == [answer]
    assert library.published(office, category="health") == []


def test_the_text_is_rendered_with_nothing_that_runs():
    html = str(text.render(
        "<script>alert(1)</script>\n\n[връзка](javascript:alert(2)) "
        '<img src=x onerror="alert(3)"> <a href="javascript:alert(4)">x</a>\n\n'
        "- едно\n- [сайт](https://kresna.bg)\n\n**важно**"
    ))  # fmt: skip
    assert "<script" not in html and "<img" not in html and '<a href="javascript' not in html
    assert "&lt;img" in html  # what was typed as a tag is shown as text, never run
    assert '<a href="https://kresna.bg" rel="noopener noreferrer nofollow">сайт</a>' in html
    assert "<li>едно</li>" in html and "<strong>важно</strong>" in html


def test_owners_of_stale_answers_are_reminded_weekly_through_the_outbox(people):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    gone = make_user(Role.EXPERT, office=office)
    orphan = published(office, gone, coordinator, like(title="Друго"))
    gone.active = False
    answer.review_by = orphan.review_by = sofia_today() - timedelta(days=1)
    db.session.commit()
    assert library.is_stale(answer, sofia_today())
    assert library.remind_owners(sofia_today()) == 1  # the inactive owner is skipped, not an error
    db.session.commit()
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.to == expert.email and PENSION.title in message.subject
    assert library.remind_owners(sofia_today() + timedelta(days=3)) == 0  # at most once a week
    assert library.remind_owners(sofia_today() + timedelta(days=7)) == 1


def test_the_desk_resolves_an_inquiry_at_first_contact_with_an_answer(people):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    desk = make_user(Role.DESK, office=office)
    case = make_inquiry(office, actor=desk, category="pensions_disability", answered_with=answer.id)
    assert (case.status, case.outcome, case.answer) == ("resolved", "information_provided", answer)
    assert case.expert is None
    record = db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))
    assert (record.first_contact, record.answer_id, record.status) == (True, answer.id, "resolved")
    assert record.resolution_days == 0
    draft = library.create(office, PENSION, actor=expert, today=sofia_today())
    with pytest.raises(DomainError) as refused:  # only a published answer
        make_inquiry(office, actor=desk, answered_with=draft.id)
    assert refused.value.field == "answered_with"


def test_first_contact_share_and_answers_by_category_on_the_dashboard(people):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    desk = make_user(Role.DESK, office=office)
    for _ in range(6):
        make_inquiry(office, actor=desk, category="pensions_disability", answered_with=answer.id)
    for _ in range(6):
        make_inquiry(office, actor=desk, category="pensions_disability")
    case = make_inquiry(office, actor=desk, category="health")
    move_to(case, "in_progress", coordinator=coordinator, expert=expert)
    timeline.set_public_reply(case, body="Вижте отговора.", actor=expert, answer_id=answer.id)
    db.session.commit()
    without_adjustment()
    board = statistics.dashboard(
        [office.id], Period.year(sofia_today().year), Filters(), k=5, today=sofia_today()
    )
    assert board.figures["first_contact_percent"] == round(100 * 6 / 13, 1)
    library_table = board.tables["library"]
    assert library_table.total.count == 7
    assert library_table.cell("health").primary  # one reply from the library: "<5"
    # The total less the pensions' 6 would give it back: hidden too.
    pensions = library_table.cell("pensions_disability")
    assert pensions.suppressed and not pensions.primary
    assert board.tables["first_contact"].cells[0][0].count == 6


def test_a_reply_needs_a_published_answer_of_the_office(people):
    office, expert, coordinator, _other = people
    other_office = make_office("STR")
    theirs = published(other_office, make_expert(other_office), make_coordinator(other_office))
    case = make_inquiry(office)
    move_to(case, "in_progress", coordinator=coordinator, expert=expert)
    with pytest.raises(DomainError):
        timeline.set_public_reply(case, body="…", actor=expert, answer_id=theirs.id)
    assert case.answer is None


def test_the_coordinators_dashboard_counts_the_answers_to_review(people, client, login):
    office, expert, coordinator, _other = people
    answer = published(office, expert, coordinator)
    published(office, expert, coordinator, like(title="Още свеж"))
    answer.review_by = sofia_today() - timedelta(days=1)
    db.session.commit()
    login(coordinator)
    page = client.get("/cases/dashboard").text
    assert "1 отговор от библиотеката е за преглед" in page
    assert "/answers/?stale=1" in page
