"""Feedback: one-time links, one answer per case, coded scores into the StatRecord."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bureau.domain import DomainError
from bureau.domain.cases import feedback
from bureau.domain.cases.feedback import AlreadyGiven, FeedbackData, LinkInvalid
from bureau.extensions import db
from bureau.models import FeedbackLink, Role, StatRecord, utcnow
from tests.factories import make_inquiry, make_user

ANSWER = FeedbackData(satisfaction=4, problem_solved="partly", would_recommend=True,
                      comment="Г-жа Петрова ми помогна много.")  # fmt: skip


def stat_record(inquiry) -> StatRecord:
    return db.session.scalars(select(StatRecord).where(StatRecord.inquiry_id == inquiry.id)).one()


def test_link_token_is_stored_only_as_a_hash(app):
    inquiry = make_inquiry()
    token = feedback.issue_link(inquiry)
    link = db.session.scalars(select(FeedbackLink)).one()
    assert len(token) >= 40
    assert token not in link.token_hash
    assert feedback.link_for(token).inquiry_id == inquiry.id


def test_answer_by_link_copies_only_the_codes_to_the_stat_record(app):
    inquiry = make_inquiry()
    token = feedback.issue_link(inquiry)

    answer = feedback.submit_by_link(token, ANSWER)

    assert (answer.source, answer.comment) == ("online", "Г-жа Петрова ми помогна много.")
    record = stat_record(inquiry)
    assert (record.satisfaction, record.problem_solved, record.would_recommend) == (
        4,
        "partly",
        True,
    )
    assert "Петрова" not in repr([getattr(record, c.key) for c in StatRecord.__table__.c])


def test_link_works_once(app):
    inquiry = make_inquiry()
    token = feedback.issue_link(inquiry)
    feedback.submit_by_link(token, ANSWER)
    with pytest.raises(LinkInvalid) as refused:
        feedback.submit_by_link(token, FeedbackData(satisfaction=1))
    assert refused.value.reason == "used"
    assert stat_record(inquiry).satisfaction == 4


def test_expired_and_unknown_links_are_refused_with_their_reason(app):
    inquiry = make_inquiry()
    token = feedback.issue_link(inquiry, now=utcnow() - timedelta(days=feedback.LINK_DAYS + 1))
    with pytest.raises(LinkInvalid) as expired:
        feedback.link_for(token)
    assert expired.value.reason == "expired"
    with pytest.raises(LinkInvalid) as unknown:
        feedback.link_for("no-such-token")
    assert unknown.value.reason == "unknown"


def test_a_new_link_replaces_the_old_one(app):
    inquiry = make_inquiry()
    old = feedback.issue_link(inquiry)
    new = feedback.issue_link(inquiry)
    with pytest.raises(LinkInvalid):
        feedback.link_for(old)
    assert feedback.link_for(new).inquiry_id == inquiry.id


def test_second_answer_for_a_case_is_refused_whatever_the_route(app):
    inquiry = make_inquiry()
    desk = make_user(Role.DESK)
    feedback.submit(inquiry, FeedbackData(satisfaction=2), source="paper", entered_by=desk)
    with pytest.raises(AlreadyGiven):
        feedback.submit(inquiry, ANSWER)
    token = feedback.issue_link(inquiry)
    with pytest.raises(LinkInvalid):
        feedback.submit_by_link(token, ANSWER)
    assert stat_record(inquiry).satisfaction == 2


def test_paper_answer_records_who_typed_it_and_allows_blank_questions(app):
    inquiry = make_inquiry()
    desk = make_user(Role.DESK)
    answer = feedback.submit(inquiry, FeedbackData(satisfaction=5), source="paper", entered_by=desk)
    assert answer.entered_by == desk
    record = stat_record(inquiry)
    assert (record.satisfaction, record.problem_solved, record.would_recommend) == (5, None, None)


@pytest.mark.parametrize(
    "data, field",
    [
        (FeedbackData(satisfaction=0), "satisfaction"),
        (FeedbackData(satisfaction=6), "satisfaction"),
        (FeedbackData(satisfaction=None), "satisfaction"),
        (FeedbackData(satisfaction=3, problem_solved="maybe"), "problem_solved"),
        (FeedbackData(satisfaction=3, comment="x" * 2001), "comment"),
    ],
)
def test_invalid_answers_are_refused(app, data, field):
    with pytest.raises(DomainError) as refused:
        feedback.submit(make_inquiry(), data)
    assert refused.value.field == field


def test_paper_answer_needs_the_staff_member(app):
    with pytest.raises(DomainError):
        feedback.submit(make_inquiry(), ANSWER, source="paper")


def test_status_page_asks_only_once_the_case_is_done(app):
    inquiry = make_inquiry()
    assert not feedback.invites_feedback(inquiry)
    with pytest.raises(DomainError):
        feedback.submit_after_lookup(inquiry, ANSWER)
    inquiry.status = "resolved"
    assert feedback.invites_feedback(inquiry)
    feedback.submit_after_lookup(inquiry, ANSWER)
    assert not feedback.invites_feedback(inquiry)
