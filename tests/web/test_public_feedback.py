"""Feedback on the public site (link, status page), on paper at the desk, on the case page."""

import re

import pytest
from sqlalchemy import select

from bureau.domain.cases import feedback
from bureau.domain.cases.feedback import FeedbackData
from bureau.extensions import db
from bureau.models import Feedback, Role, StatRecord
from tests.factories import make_inquiry, make_office, make_user

ANSWER = {"satisfaction": "5", "problem_solved": "yes", "would_recommend": "yes",
          "comment": "Благодаря на г-жа Стоянова!"}  # fmt: skip


def stat_record(inquiry) -> StatRecord:
    db.session.expire_all()
    return db.session.scalars(select(StatRecord).where(StatRecord.inquiry_id == inquiry.id)).one()


def resolved_inquiry(**fields):
    inquiry = make_inquiry(**fields)
    inquiry.status = "resolved"
    inquiry.public_reply = "Подайте декларация в общината до края на месеца."
    db.session.commit()
    return inquiry


def look_up(client, inquiry):
    response = client.post("/status", data={"reference": inquiry.reference, "pin": inquiry.pin})
    assert response.status_code == 303


# The one-time link


def test_feedback_link_works_once(client):
    inquiry = resolved_inquiry()
    token = feedback.issue_link(inquiry)
    db.session.commit()

    page = client.get(f"/feedback/{token}")
    assert page.status_code == 200
    assert "Доволни ли сте от помощта на бюрото?" in page.text
    response = client.post(f"/feedback/{token}", data=ANSWER)
    assert response.status_code == 303
    assert response.location == "/feedback/thanks"
    assert (stat_record(inquiry).satisfaction, stat_record(inquiry).problem_solved) == (5, "yes")

    again = client.get(f"/feedback/{token}")
    assert again.status_code == 410
    assert "Тази анкета вече е попълнена." in again.text
    assert (
        client.post(f"/feedback/{token}", data={**ANSWER, "satisfaction": "1"}).status_code == 410
    )
    assert stat_record(inquiry).satisfaction == 5


def test_unknown_link_gets_a_clear_message(client):
    response = client.get("/feedback/not-a-real-token")
    assert response.status_code == 404
    assert "Тази връзка за анкетата не е валидна." in response.text


def test_unanswered_questions_are_named_in_bulgarian_and_the_comment_kept(client):
    token = feedback.issue_link(resolved_inquiry())
    db.session.commit()
    response = client.post(f"/feedback/{token}", data={"comment": "Много добре"})
    assert response.status_code == 422
    assert "Изберете оценка от 1 до 5." in response.text
    assert "Отговорете дали проблемът е решен." in response.text
    assert 'href="#satisfaction"' in response.text
    assert "Много добре" in response.text
    assert db.session.scalars(select(Feedback)).all() == []


# The status page


def test_status_page_offers_feedback_only_after_resolution(client):
    inquiry = make_inquiry()
    look_up(client, inquiry)
    assert 'id="feedback-form"' not in client.get("/status/result").text
    inquiry.status = "resolved"
    db.session.commit()
    assert 'id="feedback-form"' in client.get("/status/result").text


def test_citizen_answers_on_the_status_page_once(client):
    inquiry = resolved_inquiry()
    look_up(client, inquiry)

    response = client.post("/status/feedback", data=ANSWER)

    assert response.status_code == 303
    page = client.get("/status/result").text
    assert "Благодарим!" in page
    assert 'id="feedback-form"' not in page
    assert stat_record(inquiry).would_recommend is True
    second = client.post("/status/feedback", data={**ANSWER, "satisfaction": "1"})
    assert second.status_code == 422
    assert stat_record(inquiry).satisfaction == 5


def test_status_feedback_needs_the_reference_and_pin_first(client):
    resolved_inquiry()
    response = client.post("/status/feedback", data=ANSWER)
    assert response.status_code == 303
    assert response.location == "/status"
    assert db.session.scalars(select(Feedback)).all() == []


def test_status_feedback_before_resolution_is_refused(client):
    inquiry = make_inquiry()
    look_up(client, inquiry)
    assert client.post("/status/feedback", data=ANSWER).status_code == 422
    assert db.session.scalars(select(Feedback)).all() == []


# Paper forms at the desk


def test_desk_types_in_a_paper_form(client, login_as):
    desk = login_as(Role.DESK)
    inquiry = resolved_inquiry()
    assert client.get(f"/cases/{inquiry.reference}/feedback").status_code == 200

    response = client.post(
        f"/cases/{inquiry.reference}/feedback",
        data={"satisfaction": "3", "problem_solved": "", "would_recommend": "no"},
    )

    assert response.status_code == 303
    assert response.location == f"/cases/{inquiry.reference}"
    answer = db.session.scalars(select(Feedback)).one()
    assert (answer.source, answer.entered_by_id) == ("paper", desk.id)
    record = stat_record(inquiry)
    assert (record.satisfaction, record.problem_solved, record.would_recommend) == (3, None, False)


def test_second_paper_form_for_a_case_is_refused(client, login_as):
    login_as(Role.DESK)
    inquiry = resolved_inquiry()
    feedback.submit(inquiry, FeedbackData(satisfaction=4), source="paper", entered_by=make_user())
    db.session.commit()
    page = client.get(f"/cases/{inquiry.reference}/feedback").text
    assert "вече има отговор на анкетата" in page
    response = client.post(f"/cases/{inquiry.reference}/feedback", data={"satisfaction": "1"})
    assert response.status_code == 422
    assert stat_record(inquiry).satisfaction == 4


def test_expert_cannot_type_in_paper_forms(client, login_as):
    login_as(Role.EXPERT)
    inquiry = resolved_inquiry()
    assert client.get(f"/cases/{inquiry.reference}/feedback").status_code == 403


def test_desk_of_another_office_does_not_find_the_case(client, login_as):
    login_as(Role.DESK, office=make_office("STR"))
    inquiry = resolved_inquiry()
    assert client.get(f"/cases/{inquiry.reference}/feedback").status_code == 404


# The case page: comments for coordinators only


@pytest.fixture
def answered(app):
    inquiry = resolved_inquiry()
    feedback.submit(
        inquiry,
        FeedbackData(
            satisfaction=2, problem_solved="no", comment="Служителката Иванова ме отпрати"
        ),
    )
    db.session.commit()
    return inquiry


def test_coordinator_sees_the_comment_on_the_case_page(client, login_as, answered):
    login_as(Role.COORDINATOR)
    page = client.get(f"/cases/{answered.reference}").text
    assert "Служителката Иванова ме отпрати" in page
    assert re.search(r'id="feedback-satisfaction">\s*2 / 5', page)


@pytest.mark.parametrize("role", [Role.DESK, Role.EXPERT])
def test_comment_is_hidden_from_everyone_else(client, login_as, answered, role):
    user = login_as(role)
    if role == Role.EXPERT:
        answered.expert_id = user.id
        db.session.commit()
    response = client.get(f"/cases/{answered.reference}")
    assert response.status_code == 200
    assert "Служителката Иванова ме отпрати" not in response.text
    assert re.search(r'id="feedback-satisfaction">\s*2 / 5', response.text)


def test_case_page_links_the_desk_to_the_paper_form(client, login_as):
    login_as(Role.DESK)
    inquiry = resolved_inquiry()
    page = client.get(f"/cases/{inquiry.reference}").text
    assert f'href="/cases/{inquiry.reference}/feedback"' in page
