"""Nothing typed is lost: a form posted after the session ended is kept and shown again,
on the same page, after the next login; a form whose token (CSRF) expired is shown again
with what was typed and a clear message, not a bare 400 page. CSRF is on, as in
production."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from bureau.domain import kept_forms
from bureau.extensions import db
from bureau.models import Event, EventKind, Inquiry, KeptForm, Role, Status, utcnow
from bureau.web.common import sessions
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import PASSWORD, make_inquiry, make_office, make_user

T0 = 1_800_000_000
MINUTE = 60
KEPT_MESSAGE = "Въведеното е запазено"
RESTORED = "Въведеното преди изтичането на сесията е възстановено"
EXPIRED_FORM = "Формулярът беше изтекъл — проверете и запишете отново."
TYPED = "Подробен отговор, писан половин час: подайте заявление до 31 декември."


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def clock(monkeypatch):
    now = [T0]
    monkeypatch.setattr(sessions, "now", lambda: now[0])
    return now


def token_of(html: str, action: str | None = None) -> str:
    """The CSRF token of the form posting to `action` (else the first form's)."""
    start = html.index(f'action="{action}"') if action else 0
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html[start:]).group(0)
    return re.search(r'value="([^"]+)"', field).group(1)


def log_in(client, user, at: str = "/login") -> object:
    """Log in through the form at `at` (the login page, with its `next`)."""
    page = client.get(at).text
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token_of(page)}
    response = client.post(at, data=data)
    assert response.status_code == 303, response.text
    return response


def textarea(html: str, name: str) -> list[str]:
    found = re.findall(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return [text.strip() for text in found]


def replies(case) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.inquiry_id == case.id, Event.kind == EventKind.REPLY)
    )


@pytest.fixture
def case_and_expert(app):
    office = make_office()
    expert = make_expert(office)
    coordinator = make_coordinator(office)
    case = move_to(make_inquiry(office), Status.IN_PROGRESS, coordinator=coordinator, expert=expert)
    return case, expert


def post_reply(client, case, page_html, **extra):
    action = f"/cases/{case.reference}/reply"
    data = {"body": TYPED, "version": str(case.version), "csrf_token": token_of(page_html, action)}
    headers = {"Referer": f"http://localhost/cases/{case.reference}"}
    return client.post(action, data={**data, **extra}, headers=headers)


# --- a POST after the session ended ---------------------------------------------------


def test_a_reply_posted_after_the_session_ended_is_back_on_the_page_after_login(
    client, clock, case_and_expert
):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    clock[0] += 31 * MINUTE  # typing, without a word to the server

    response = post_reply(client, case, page)
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/login"
    assert f"next=/cases/{case.reference}" in response.location
    login_page = client.get(response.location).text
    assert "Сесията ви изтече поради неактивност" in login_page
    assert KEPT_MESSAGE in login_page
    assert replies(case) == 0

    after_login = log_in(client, expert, at=response.location)
    assert urlsplit(after_login.location).path == f"/cases/{case.reference}"
    restored = client.get(after_login.location)
    assert restored.status_code == 200
    assert RESTORED in restored.text
    assert textarea(restored.text, "body")[-1] == TYPED  # the reply form, as typed
    assert replies(case) == 0
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0

    # Saved with the token of the page now shown; nothing is restored twice.
    saved = post_reply(client, case, restored.text)
    assert saved.status_code == 303
    db.session.refresh(case)
    assert case.public_reply == TYPED
    assert RESTORED not in client.get(f"/cases/{case.reference}").text


def test_an_intake_posted_after_the_session_ended_is_back_with_its_one_time_token(client, clock):
    desk = make_user(Role.DESK)
    log_in(client, desk)
    page = client.get("/desk/new").text
    token = re.search(r'id="token"[^>]*value="([^"]+)"', page).group(1)
    clock[0] += 40 * MINUTE
    data = {"category": "local_taxes", "settlement": "0", "description": "Пита за данък.",
            "urgency": "normal", "channel": "walk_in", "name": "Мария Иванова",
            "phone": "0888 123 456", "gender": "female", "age_band": "35-44", "consent": "y",
            "token": token, "csrf_token": token_of(page)}  # fmt: skip
    response = client.post("/desk/new", data=data, headers={"Referer": "http://localhost/desk/new"})
    assert "next=/desk/new" in response.location
    restored = client.get(log_in(client, desk, at=response.location).location).text
    assert RESTORED in restored
    assert "Пита за данък." in textarea(restored, "description")
    assert 'value="Мария Иванова"' in restored and 'value="0888 123 456"' in restored
    assert re.search(rf'id="token"[^>]*value="{token}"', restored)
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_another_user_logging_in_on_that_browser_never_sees_the_kept_text(
    client, clock, case_and_expert
):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    clock[0] += 31 * MINUTE
    response = post_reply(client, case, page)
    colleague = make_user(Role.COORDINATOR, office=case.office)
    log_in(client, colleague, at=response.location)
    shown = client.get(f"/cases/{case.reference}").text
    assert TYPED not in shown and RESTORED not in shown
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0


def test_a_forged_post_after_the_session_ended_keeps_nothing(client, clock, case_and_expert):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    clock[0] += 31 * MINUTE
    response = post_reply(client, case, page, csrf_token="forged-by-another-site")
    assert "/login" in response.location
    assert KEPT_MESSAGE not in client.get(response.location).text
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0


def test_after_the_session_ended_any_post_comes_back_to_its_page_after_login(
    client, clock, case_and_expert
):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    clock[0] += 31 * MINUTE
    action = f"/cases/{case.reference}/accept"
    response = client.post(
        action, data={"csrf_token": token_of(page)},
        headers={"Referer": f"http://localhost/cases/{case.reference}"},
    )  # fmt: skip
    assert f"next=/cases/{case.reference}" in response.location


def test_kept_forms_run_out(app):
    user = make_user(Role.EXPERT)
    kept_forms.keep(user, endpoint="cases.reply", view_args={"reference": "KRS-2026-00001"},
                    page="/cases/KRS-2026-00001", fields=[["body", "текст"]])  # fmt: skip
    db.session.commit()
    kept_forms.purge(utcnow() + timedelta(hours=kept_forms.KEPT_HOURS + 1))
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0


# --- an expired form token -------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 1}])
def test_a_reply_with_an_expired_form_token_is_shown_again_as_typed(
    client, case_and_expert, app_config
):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    time.sleep(2.1)  # the token in the page is older than its limit; the session lives
    response = post_reply(client, case, page)
    assert response.status_code == 400
    assert EXPIRED_FORM in response.text
    assert textarea(response.text, "body")[-1] == TYPED
    assert replies(case) == 0
    again = post_reply(client, case, response.text)  # the page carries a fresh token
    assert again.status_code == 303
    assert replies(case) == 1


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 1}])
def test_an_intake_with_an_expired_form_token_is_shown_again_as_typed(client, app_config):
    log_in(client, make_user(Role.DESK))
    page = client.get("/desk/new").text
    time.sleep(2.1)
    data = {"category": "local_taxes", "settlement": "0", "description": "Пита за данък.",
            "urgency": "normal", "channel": "walk_in", "name": "Мария Иванова",
            "gender": "female", "age_band": "35-44", "consent": "y", "token": "t-1",
            "csrf_token": token_of(page)}  # fmt: skip
    response = client.post("/desk/new", data=data)
    assert response.status_code == 400
    assert EXPIRED_FORM in response.text
    assert "Пита за данък." in textarea(response.text, "description")
    assert "CSRF" not in response.text
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "WTF_CSRF_TIME_LIMIT": 1}])
def test_an_online_question_with_an_expired_form_token_is_shown_again_as_typed(client, app_config):
    make_office()
    page = client.get("/ask").text
    time.sleep(2.1)  # a citizen who writes slowly
    data = {"category": "local_taxes", "settlement": "0", "description": "Дълъг въпрос.",
            "name": "", "phone": "", "email": "", "gender": "undisclosed",
            "age_band": "65+", "consent": "y", "website": "", "token": "ask-1",
            "csrf_token": token_of(page)}  # fmt: skip
    response = client.post("/ask", data=data)
    assert response.status_code == 400
    assert EXPIRED_FORM in response.text
    assert "Дълъг въпрос." in response.text
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_a_form_without_any_token_changes_nothing_and_keeps_the_text(client, case_and_expert):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    response = post_reply(client, case, page, csrf_token="")
    assert response.status_code == 400
    assert textarea(response.text, "body")[-1] == TYPED
    assert replies(case) == 0


# --- the session's own clock, for the warning --------------------------------------------


def test_the_session_tells_how_long_it_has_left_without_counting_as_activity(client, clock):
    log_in(client, make_user(Role.EXPERT))
    clock[0] += 25 * MINUTE
    assert client.get("/session").json == {"seconds_left": 5 * MINUTE}
    clock[0] += 3 * MINUTE
    assert client.get("/session").json == {"seconds_left": 2 * MINUTE}
    assert client.get("/session/keepalive").json == {"seconds_left": 30 * MINUTE}
    clock[0] += 31 * MINUTE
    expired = client.get("/session")
    assert expired.status_code == 401
    assert expired.json == {"seconds_left": 0}


@pytest.mark.parametrize(
    "app_config", [{"WTF_CSRF_ENABLED": True, "MFA_REQUIRED_ROLES": frozenset({"coordinator"})}]
)
def test_a_coordinators_kept_note_survives_the_second_factor_too(
    client, clock, monkeypatch, case_and_expert, app_config
):
    import pyotp

    from bureau.domain import mfa

    monkeypatch.setattr(mfa, "clock", lambda: clock[0])
    case, _expert = case_and_expert
    coordinator = make_user(Role.COORDINATOR, office=case.office)
    secret = mfa.begin_enrolment(coordinator).secret
    mfa.confirm_enrolment(coordinator, pyotp.TOTP(secret).at(clock[0]), now=clock[0])
    db.session.commit()

    def second_factor(response):
        page = client.get(response.location).text
        code = pyotp.TOTP(secret).at(clock[0])
        return client.post(response.location, data={"code": code, "csrf_token": token_of(page)})

    page_url = f"/cases/{case.reference}"
    clock[0] += MINUTE  # a new TOTP step: the enrolment's code is spent
    second_factor(log_in(client, coordinator))
    page = client.get(page_url).text
    clock[0] += 31 * MINUTE
    action = f"/cases/{case.reference}/notes"
    response = client.post(
        action, data={"body": "Бележка след обаждане.", "csrf_token": token_of(page, action)},
        headers={"Referer": f"http://localhost{page_url}"},
    )  # fmt: skip
    clock[0] += MINUTE  # a new TOTP step
    done = second_factor(log_in(client, coordinator, at=response.location))
    assert urlsplit(done.location).path == page_url
    restored = client.get(done.location).text
    assert "Бележка след обаждане." in textarea(restored, "body")


def test_the_pages_question_after_the_end_still_lets_the_form_be_kept(
    client, clock, case_and_expert
):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    clock[0] += 31 * MINUTE
    assert client.get("/session").status_code == 401  # the warning's script asks first
    response = post_reply(client, case, page)
    assert KEPT_MESSAGE in client.get(response.location).text


def test_a_form_posted_with_no_session_at_all_goes_to_the_login_page(client, case_and_expert):
    case, _expert = case_and_expert
    response = client.post(f"/cases/{case.reference}/reply", data={"body": TYPED})
    assert response.status_code in (302, 303)
    assert urlsplit(response.location).path == "/login"


def test_a_suggestion_asked_after_the_end_does_not_lose_the_intake(client, clock):
    desk = make_user(Role.DESK)
    log_in(client, desk)
    page = client.get("/desk/new").text
    clock[0] += 31 * MINUTE
    # Typing the name asks for returning citizens before the volunteer saves.
    asked = client.get("/desk/citizens?q=Мария", headers={"Accept": "application/json"})
    assert asked.status_code == 401
    data = {"category": "local_taxes", "description": "Пита за данък.", "name": "Мария",
            "consent": "y", "token": "t-9", "csrf_token": token_of(page)}  # fmt: skip
    response = client.post("/desk/new", data=data, headers={"Referer": "http://localhost/desk/new"})
    assert KEPT_MESSAGE in client.get(response.location).text


def test_jobs_run_purges_kept_forms_and_receipts_that_ran_out(app, monkeypatch):
    from bureau.domain import jobs
    from bureau.domain.cases import receipts
    from bureau.models import Receipt

    user = make_user(Role.EXPERT)
    kept_forms.keep(user, endpoint="cases.reply", view_args={}, page="/cases/",
                    fields=[["body", "текст"]], now=utcnow() - timedelta(hours=13))  # fmt: skip
    inquiry = make_inquiry()
    receipts.issue(inquiry, inquiry.pin, user=None, now=utcnow() - timedelta(hours=1))
    db.session.commit()
    jobs.run()
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 0


def test_a_kept_form_from_a_made_up_page_is_dropped_without_an_error(
    client, clock, case_and_expert
):
    case, expert = case_and_expert
    log_in(client, expert)
    page = client.get(f"/cases/{case.reference}").text
    clock[0] += 31 * MINUTE
    action = f"/cases/{case.reference}/reply"
    data = {"body": TYPED, "version": str(case.version), "csrf_token": token_of(page, action)}
    response = client.post(action, data=data, headers={"Referer": "http://localhost/nowhere"})
    assert client.get(log_in(client, expert, at=response.location).location).status_code == 404
    assert RESTORED not in client.get(f"/cases/{case.reference}").text  # and never later
