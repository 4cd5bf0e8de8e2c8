"""The public discussion of a recommendation over HTTP, with CSRF protection on: the
commission opens a comment period and moderates, citizens comment on the public page."""

import re
from datetime import date, timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select

from bureau.domain.clock import sofia_today
from bureau.extensions import db
from bureau.models import (
    Action,
    Recommendation,
    RecommendationComment,
    RecommendationResponse,
    Role,
)
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

TEXT = "Линията до Влахи е нужна и в неделя, когато е пазарът."
THANKS = "Благодарим! Коментарът ще бъде публикуван след преглед от комисията."


@pytest.fixture
def app_config():
    return {
        "WTF_CSRF_ENABLED": True,
        "COMMENT_LIMIT_PER_IP": "100 per hour",
        "COMMENT_ATTEMPTS_PER_IP": "100 per hour",
    }


def token(client, path: str = "/") -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', client.get(path).text)[0]
    return re.search(r'value="([^"]+)"', field)[1]


def log_in(client, user) -> None:
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token(client, "/login")}
    assert client.post("/login", data=data).status_code == 303


def make_recommendation(office=None, *, status="submitted", **fields) -> Recommendation:
    office = office or make_office()
    today = sofia_today()
    values = dict(
        office_id=office.id, title="Автобус до Влахи", addressee="Общински съвет",
        text="Да се възстанови линията два пъти седмично.", categories=["transport_roads"],
        evidence_from=date(today.year, 1, 1), evidence_to=date(today.year, 1, 1), status=status,
        submitted_on=None if status == "draft" else today,
    )  # fmt: skip
    recommendation = Recommendation(**{**values, **fields})
    db.session.add(recommendation)
    db.session.commit()
    return recommendation


def open_for_comments(recommendation, days: int = 14) -> Recommendation:
    today = sofia_today()
    recommendation.comments_from, recommendation.comments_to = today, today + timedelta(days)
    db.session.commit()
    return recommendation


def page_of(recommendation) -> str:
    return f"/commission/recommendations/{recommendation.id}"


def public_page(recommendation) -> str:
    return f"/recommendations/{recommendation.id}"


def count_comments() -> int:
    return db.session.scalar(select(func.count()).select_from(RecommendationComment))


@pytest.fixture
def member(client):
    user = make_user(Role.COMMISSION, office=make_office())
    log_in(client, user)
    return user


def set_period(client, recommendation, start, end, **fields):
    data = {
        "comments_from": start.isoformat() if isinstance(start, date) else start,
        "comments_to": end.isoformat() if isinstance(end, date) else end,
        "version": recommendation.version,
        "csrf_token": token(client, page_of(recommendation)),
        **fields,
    }
    return client.post(f"{page_of(recommendation)}/discussion/period", data=data)


def comment(client, recommendation, text=TEXT, ip="127.0.0.1", **fields):
    data = {"text": text, "website": "", "csrf_token": token(client), **fields}
    return client.post(public_page(recommendation), data=data, environ_base={"REMOTE_ADDR": ip})


def moderate(client, recommendation, posted, action: str):
    url = f"{page_of(recommendation)}/comments/{posted.id}/{action}"
    return client.post(url, data={"csrf_token": token(client, page_of(recommendation))})


def after(client, response) -> str:
    """The page a 303 leads to, with its message."""
    assert response.status_code == 303, response.text[:500]
    assert response.location.endswith("#discussion")
    return client.get(response.location).text


def refused(response) -> str:
    """The page shown again after a refusal: 422, the reason in the discussion section."""
    assert response.status_code == 422, response.text[:500]
    assert 'id="discussion-error"' in response.text
    return response.text


def posted_comment(recommendation, text=TEXT) -> RecommendationComment:
    posted = RecommendationComment(text=text)
    recommendation.comments.append(posted)
    db.session.commit()
    return posted


# The commission: the comment period ------------------------------------------------------


def test_a_member_opens_the_comment_period(client, member):
    recommendation = make_recommendation()
    start, end = sofia_today(), sofia_today() + timedelta(days=30)
    page = after(client, set_period(client, recommendation, start, end))
    assert "Периодът на обсъждането е записан." in page
    db.session.refresh(recommendation)
    assert (recommendation.comments_from, recommendation.comments_to) == (start, end)
    assert "Коментари се приемат до" in client.get(public_page(recommendation)).text


def test_a_period_ending_before_it_starts_is_refused(client, member):
    recommendation = make_recommendation()
    today = sofia_today()
    page = refused(set_period(client, recommendation, today, today - timedelta(days=1)))
    assert "Крайната дата е преди началната." in page
    assert f'value="{(today - timedelta(days=1)).isoformat()}"' in page  # as typed
    db.session.refresh(recommendation)
    assert recommendation.comments_from is None


def test_a_draft_has_no_discussion(client, member):
    recommendation = make_recommendation(status="draft")
    today = sofia_today()
    response = set_period(client, recommendation, today, today)
    assert response.status_code == 422  # a draft's page has no discussion section: a message
    assert "Обществено обсъждане има само внесена препоръка." in response.text
    db.session.refresh(recommendation)
    assert recommendation.comments_from is None


def test_a_period_set_on_a_stale_page_is_refused(client, member):
    recommendation = make_recommendation()
    stale = recommendation.version
    today = sofia_today()
    assert set_period(client, recommendation, today, today).status_code == 303
    response = set_period(client, recommendation, today, today + timedelta(5), version=stale)
    assert "междувременно е променена" in refused(response)
    db.session.refresh(recommendation)
    assert recommendation.comments_to == today


def test_the_period_is_cleared(client, member):
    recommendation = open_for_comments(make_recommendation())
    response = set_period(client, recommendation, "", "", clear="y")
    assert "Обсъждането е закрито." in after(client, response)
    db.session.refresh(recommendation)
    assert recommendation.comments_from is None and recommendation.comments_to is None


@pytest.mark.parametrize(
    "fields",
    [
        {"comments_from": "31.02.2026"},
        {"comments_from": "not a date"},
        {"comments_to": ""},
        {"version": "9" * 40},
        {"version": "x"},
    ],
)
def test_a_malformed_period_is_refused_without_an_error_page(client, member, fields):
    recommendation = make_recommendation()
    today = sofia_today()
    response = set_period(client, recommendation, today, today, **fields)
    assert response.status_code in (303, 400, 422)
    if response.status_code == 303:
        assert "alert-danger" in client.get(response.location).text
    db.session.refresh(recommendation)
    assert recommendation.comments_from is None


def test_a_period_without_the_form_token_is_refused(client, member):
    recommendation = make_recommendation()
    today = sofia_today()
    data = {"comments_from": today.isoformat(), "comments_to": today.isoformat(), "version": 1}
    response = client.post(f"{page_of(recommendation)}/discussion/period", data=data)
    assert response.status_code == 400
    db.session.refresh(recommendation)
    assert recommendation.comments_from is None


# Citizens comment ------------------------------------------------------------------------


def test_a_citizen_comments_and_the_comment_waits_for_review(client, app):
    recommendation = open_for_comments(make_recommendation())
    response = comment(client, recommendation)
    assert response.status_code == 303
    page = client.get(response.location).text
    assert THANKS in page
    posted = db.session.scalars(select(RecommendationComment)).one()
    assert posted.state == "pending" and posted.text == TEXT
    assert TEXT not in page
    assert TEXT not in app.test_client().get(public_page(recommendation)).text


def test_outside_the_period_a_comment_is_refused(client):
    today = sofia_today()
    recommendation = make_recommendation(
        comments_from=today - timedelta(days=20), comments_to=today - timedelta(days=1)
    )
    page = client.get(public_page(recommendation)).text
    assert 'id="comment-form"' not in page
    assert "Коментари се приемаха от" in page
    response = comment(client, recommendation)
    assert response.status_code == 422
    assert "Обсъждането на тази препоръка не е отворено." in response.text
    assert count_comments() == 0


def test_without_a_period_there_is_no_form(client):
    recommendation = make_recommendation()
    page = client.get(public_page(recommendation)).text
    assert 'id="comment-form"' not in page
    assert comment(client, recommendation).status_code == 422
    assert count_comments() == 0


def test_a_short_comment_is_refused_and_the_text_kept(client):
    recommendation = open_for_comments(make_recommendation())
    response = comment(client, recommendation, text="Да, но")
    assert response.status_code == 422
    assert "Напишете коментар от 10 до 5000 знака." in response.text
    assert "Да, но</textarea>" in response.text
    assert count_comments() == 0


def test_a_comment_without_the_form_token_keeps_the_text_and_stores_nothing(client):
    recommendation = open_for_comments(make_recommendation())
    response = client.post(public_page(recommendation), data={"text": TEXT})
    assert response.status_code == 400
    assert TEXT in response.text
    assert count_comments() == 0


def test_the_honeypot_seems_to_take_the_comment_but_stores_nothing(client):
    recommendation = open_for_comments(make_recommendation())
    response = comment(client, recommendation, website="https://spam.example")
    assert response.status_code == 303
    assert THANKS in client.get(response.location).text
    assert count_comments() == 0


def test_the_honeypot_is_hidden_from_people(client):
    recommendation = open_for_comments(make_recommendation())
    page = client.get(public_page(recommendation)).text
    hidden = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', page, re.S)
    assert hidden and 'name="website"' in hidden[1] and 'tabindex="-1"' in hidden[1]


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "WTF_CSRF_ENABLED": True,
            "COMMENT_LIMIT_PER_IP": "5 per hour",
            "COMMENT_ATTEMPTS_PER_IP": "100 per hour",
        }
    ],  # fmt: skip
)
def test_the_sixth_comment_in_an_hour_is_refused(client, app_config):
    recommendation = open_for_comments(make_recommendation())
    for n in range(5):
        assert (
            comment(client, recommendation, text=f"{TEXT} ({n})", ip="10.9.9.9").status_code == 303
        )
    flood = comment(client, recommendation, text=f"{TEXT} (6)", ip="10.9.9.9")
    assert flood.status_code == 429
    assert count_comments() == 5
    assert comment(client, recommendation, ip="10.9.9.10").status_code == 303


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "WTF_CSRF_ENABLED": True,
            "COMMENT_LIMIT_PER_IP": "100 per hour",
            "COMMENT_ATTEMPTS_PER_IP": "3 per hour",
        }
    ],  # fmt: skip
)
def test_refused_posts_count_too(client, app_config):
    recommendation = open_for_comments(make_recommendation())
    for _ in range(3):
        comment(client, recommendation, text="x", ip="10.7.7.7")
    assert comment(client, recommendation, ip="10.7.7.7").status_code == 429


def multipart(text: bytes, csrf: str) -> bytes:
    parts = [(b"csrf_token", csrf.encode()), (b"text", text), (b"website", b"")]
    body = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
        for name, value in parts
    )
    return body + b"--B--\r\n"


def test_hostile_comments_are_refused_and_nothing_stored(client):
    recommendation = open_for_comments(make_recommendation())
    url = public_page(recommendation)
    # NUL: refused before any view; 5 MB: past the comment's length; 10 MB as UTF-8 and
    # thrice that URL-encoded: past the size of a request.
    for text, status in ((f"{TEXT}\x00", 400), ("a" * 5_000_000, 422), ("ж" * 5_000_000, 413)):
        assert comment(client, recommendation, text=text).status_code == status
    # A lone surrogate (U+D800 as UTF-8 would have it) is not UTF-8: it arrives as U+FFFD.
    for raw in (TEXT.encode() + b" \xed\xa0\x80", b"\xff\xfe" + TEXT.encode()):
        body = multipart(raw, token(client))
        response = client.post(url, data=body, content_type="multipart/form-data; boundary=B")
        assert response.status_code == 422, response.status_code
        assert "Текстът съдържа непозволени знаци." in response.text
        urlencoded = b"text=" + raw + b"&csrf_token=" + token(client).encode()
        response = client.post(
            url, data=urlencoded, content_type="application/x-www-form-urlencoded"
        )
        assert 400 <= response.status_code < 500, response.status_code
    assert count_comments() == 0


def test_a_draft_or_unknown_recommendation_is_not_found(client):
    draft = open_for_comments(make_recommendation(status="draft"))
    assert client.get(public_page(draft)).status_code == 404
    assert comment(client, draft).status_code == 404
    assert client.get("/recommendations/999999").status_code == 404
    assert client.get(f"/recommendations/{2**40}").status_code == 404
    assert count_comments() == 0


# Moderation --------------------------------------------------------------------------------


def test_a_published_comment_is_shown_on_the_public_page(client, app, member):
    recommendation = open_for_comments(make_recommendation(office=member.office))
    posted = posted_comment(recommendation)
    assert "Коментарът е публикуван." in after(
        client, moderate(client, recommendation, posted, "publish")
    )
    db.session.refresh(posted)
    assert posted.state == "published" and posted.moderated_by_id == member.id
    page = app.test_client().get(public_page(recommendation)).text
    assert TEXT in page
    assert sofia_today().strftime("%d.%m.%Y") in page


def test_a_rejected_comment_is_never_shown(client, app, member):
    recommendation = open_for_comments(make_recommendation(office=member.office))
    posted = posted_comment(recommendation)
    assert "Коментарът е отхвърлен." in after(
        client, moderate(client, recommendation, posted, "reject")
    )
    db.session.refresh(posted)
    assert posted.state == "rejected"
    assert TEXT not in app.test_client().get(public_page(recommendation)).text


def test_a_published_comment_can_be_taken_down(client, app, member):
    recommendation = open_for_comments(make_recommendation(office=member.office))
    posted = posted_comment(recommendation)
    moderate(client, recommendation, posted, "publish")
    moderate(client, recommendation, posted, "reject")
    assert TEXT not in app.test_client().get(public_page(recommendation)).text


def test_a_comment_of_another_recommendation_is_not_found(client, member):
    recommendation = make_recommendation(office=member.office)
    other = open_for_comments(make_recommendation(office=member.office, title="Друга"))
    posted = posted_comment(other)
    assert moderate(client, recommendation, posted, "publish").status_code == 404
    url = f"{page_of(recommendation)}/comments/999999/publish"
    assert client.post(url, data={"csrf_token": token(client)}).status_code == 404
    db.session.refresh(posted)
    assert posted.state == "pending"


def test_another_offices_member_cannot_moderate(client):
    recommendation = open_for_comments(make_recommendation(office=make_office()))
    posted = posted_comment(recommendation)
    log_in(client, make_user(Role.COMMISSION, office=make_office("MON")))
    csrf = {"csrf_token": token(client)}
    base = page_of(recommendation)
    paths = [f"comments/{posted.id}/publish", f"comments/{posted.id}/reject"]
    for path in [*paths, "discussion/period", "discussion/summary"]:
        response = client.post(f"{base}/{path}", data={**csrf, "summary": "Чуждо", "version": 1})
        assert response.status_code == 404, path
    db.session.refresh(posted)
    db.session.refresh(recommendation)
    assert posted.state == "pending" and recommendation.discussion_summary == ""


@pytest.mark.parametrize("role", [Role.DESK, Role.EXPERT, Role.COORDINATOR, Role.ADMIN])
def test_other_roles_cannot_moderate(client, role):
    office = make_office()
    recommendation = open_for_comments(make_recommendation(office=office))
    posted = posted_comment(recommendation)
    log_in(client, make_user(role, office=None if role == Role.ADMIN else office))
    url = f"{page_of(recommendation)}/comments/{posted.id}/publish"
    assert client.post(url, data={"csrf_token": token(client)}).status_code == 403
    db.session.refresh(posted)
    assert posted.state == "pending"


def test_anonymous_visitors_are_sent_to_the_login(client):
    recommendation = open_for_comments(make_recommendation())
    posted = posted_comment(recommendation)
    for path in (f"comments/{posted.id}/publish", "discussion/period", "discussion/summary"):
        response = client.post(
            f"{page_of(recommendation)}/{path}", data={"csrf_token": token(client)}
        )
        assert response.status_code == 302 and "/login" in response.location
    db.session.refresh(posted)
    assert posted.state == "pending"


# The summary -------------------------------------------------------------------------------


def save_summary(client, recommendation, text, **fields):
    data = {"summary": text, "version": recommendation.version,
            "csrf_token": token(client, page_of(recommendation)), **fields}  # fmt: skip
    return client.post(f"{page_of(recommendation)}/discussion/summary", data=data)


def test_the_summary_is_shown_publicly(client, app, member):
    recommendation = make_recommendation(office=member.office)
    summary = "Постъпиха 12 коментара; повечето подкрепят неделния курс."
    assert "Обобщението е записано." in after(client, save_summary(client, recommendation, summary))
    page = app.test_client().get(public_page(recommendation)).text
    assert "Обобщение на комисията" in page and summary in page


def test_a_summary_on_a_stale_page_or_too_long_is_refused(client, member):
    recommendation = make_recommendation(office=member.office)
    page = refused(save_summary(client, recommendation, "Първо", version=0))
    assert "междувременно е променена" in page and ">Първо</textarea>" in page
    page = refused(save_summary(client, recommendation, "ж" * 20_001))
    assert "Обобщението е твърде дълго" in page
    db.session.refresh(recommendation)
    assert recommendation.discussion_summary == ""


# The pages ---------------------------------------------------------------------------------


def test_the_public_page_tells_the_history_and_the_action_plan(client):
    recommendation = make_recommendation(status="accepted")
    recommendation.responses = [
        RecommendationResponse(status="submitted", responded_on=date(2026, 3, 2)),
        RecommendationResponse(status="accepted", responded_on=date(2026, 4, 21),
                               text="Приета с решение № 112."),
    ]  # fmt: skip
    recommendation.actions = [
        Action(what="Нов курс в неделя", responsible="Отдел „Транспорт“", due_on=date(2026, 9, 30))
    ]
    db.session.commit()
    page = client.get(public_page(recommendation)).text
    for expected in ("Автобус до Влахи", "приета", "Общински съвет", "02.03.2026", "21.04.2026",
                     "Приета с решение № 112.", "Нов курс в неделя", "Отдел „Транспорт“",
                     "30.09.2026", "планирано"):  # fmt: skip
        assert expected in page, expected


def test_the_public_page_holds_no_personal_data(client, app, member):
    office = member.office
    citizen = {"name": "Гергана Личнова", "phone": "0888 765 432", "email": "gergana@example.test"}
    make_inquiry(office, citizen=citizen, category="transport_roads")
    recommendation = open_for_comments(make_recommendation(office=office))
    moderate(client, recommendation, posted_comment(recommendation), "publish")
    anonymous = app.test_client()
    for path in (public_page(recommendation), f"/open-data?office={office.code}"):
        page = anonymous.get(path).text
        for personal in ("Гергана", "Личнова", "765 432", "gergana@", member.name, member.email):
            assert personal not in page, (path, personal)


def test_open_data_links_the_page_and_says_until_when_comments_are_taken(client):
    recommendation = open_for_comments(make_recommendation(), days=10)
    closed = make_recommendation(title="Затворена")
    page = client.get(f"/open-data?office={recommendation.office.code}").text
    assert f'href="/recommendations/{recommendation.id}"' in page
    assert f'href="/recommendations/{closed.id}"' in page
    until = (sofia_today() + timedelta(days=10)).strftime("%d.%m.%Y")
    assert f"Обществено обсъждане до {until}" in page
    assert page.count("Обществено обсъждане до") == 1


def render_section(app, user, recommendation, **context) -> str:
    """The section as the recommendation's page includes it (`today` is then the page's
    date, or else the templates' today())."""
    with app.test_request_context(page_of(recommendation)):
        login_user(user)
        return render_template(
            "commission/_discussion.html", recommendation=recommendation, **context
        )


def test_the_commission_section_lists_comments_to_moderate(app, member):
    recommendation = open_for_comments(make_recommendation(office=member.office), days=3)
    waiting = posted_comment(recommendation, "Чака преглед, моля.")
    shown = posted_comment(recommendation, "Вече е публикуван.")
    shown.state = "published"
    db.session.commit()
    html = render_section(app, member, recommendation, today=sofia_today())
    assert 'id="discussion"' in html and "отворено сега" in html
    assert "отворено сега" in render_section(app, member, recommendation)
    assert sofia_today().strftime("%d.%m.%Y") in html
    assert f"/recommendations/{recommendation.id}</a>" in html
    assert f"/comments/{waiting.id}/publish" in html and f"/comments/{waiting.id}/reject" in html
    assert f"/comments/{shown.id}/publish" not in html
    assert "Публикувай" in html and "Отхвърли" in html
    assert 'name="csrf_token"' in html


def test_the_commission_section_is_not_shown_for_a_draft(app, member):
    html = render_section(app, member, make_recommendation(office=member.office, status="draft"))
    assert 'id="discussion"' not in html


def test_the_section_shows_no_forms_to_a_reader(app):
    office = make_office()
    recommendation = open_for_comments(make_recommendation(office=office))
    posted_comment(recommendation)
    html = render_section(app, make_user(Role.COORDINATOR, office=office), recommendation)
    assert 'id="discussion"' in html
    assert "<form" not in html


def test_a_comment_with_a_phone_is_never_published_and_a_name_is_looked_at(client, member):
    recommendation = open_for_comments(make_recommendation(office=member.office))
    phone = posted_comment(recommendation, "Обадете се на 0888 123 456 за подробности, моля.")
    page = client.get(page_of(recommendation)).text
    assert "<mark>0888 123 456</mark>" in page and "не може да се публикува" in page
    response = moderate(client, recommendation, phone, "publish")
    assert refused(response) and phone.state == "pending"
    named = posted_comment(recommendation, "Съгласна съм, както каза и г-жа Петрова на срещата.")
    assert refused(moderate(client, recommendation, named, "publish"))
    assert named.state == "pending"
    url = f"{page_of(recommendation)}/comments/{named.id}/publish"
    data = {"csrf_token": token(client, page_of(recommendation)), "checked": "y"}
    assert client.post(url, data=data).status_code == 303
    db.session.refresh(named)
    assert named.state == "published"
    assert moderate(client, recommendation, phone, "reject").status_code == 303
