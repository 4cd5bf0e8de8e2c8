"""/admin/outbox: coordinators (their office) and the administrator (every office) see mail
that fails or was given up, and send it again. Never a message's body."""

import re
from datetime import datetime, timedelta

import pytest

from bureau.domain import notifications
from bureau.extensions import db
from bureau.models import OutboxMessage, Role, utcnow
from tests.factories import make_inquiry, make_office, make_user

BODY = "ТАЙНО съдържание на писмото"
# 12:05 UTC in November is 14:05 in Sofia.
CREATED = datetime(2026, 11, 21, 12, 5)


def message(office_code: str, to: str, *, status="pending", attempts=1, error="550 no such user"):
    case = make_inquiry(make_office(office_code))
    stored = OutboxMessage(
        to=to, subject=f"Просрочен случай {case.reference}", body_text=BODY, body_html=BODY,
        inquiry_id=case.id, office_id=case.office_id, status=status, attempts=attempts,
        last_error=error, created_at=CREATED, next_attempt_at=CREATED + timedelta(days=1),
    )  # fmt: skip
    db.session.add(stored)
    db.session.commit()
    return stored


@pytest.fixture
def mail(app):
    return {
        "failing": message("KRS", "failing@kresna.test"),
        "failed": message("KRS", "failed@kresna.test", status="failed", attempts=9),
        "queued": message("KRS", "queued@kresna.test", attempts=0, error=None),
        "sent": message("KRS", "sent@kresna.test", status="sent"),
        "other": message("STR", "other@strumyani.test", status="failed"),
    }


def test_coordinator_sees_failing_and_failed_mail_of_the_office_and_no_body(client, login_as, mail):
    login_as(Role.COORDINATOR)
    page = client.get("/admin/outbox/")
    assert page.status_code == 200
    for shown in ("failing@kresna.test", "failed@kresna.test", "550 no such user"):
        assert shown in page.text
    for hidden in ("queued@", "sent@", "other@strumyani.test", BODY):
        assert hidden not in page.text
    assert "21.11.2026 14:05" in page.text
    assert mail["failing"].subject in page.text
    assert re.search(r">\s*9\s*<", page.text)  # the attempts


def test_admin_sees_the_mail_of_every_office(client, login_as, mail):
    login_as(Role.ADMIN)
    page = client.get("/admin/outbox/").text
    assert "other@strumyani.test" in page and "failing@kresna.test" in page


def test_coordinator_cannot_retry_another_offices_mail(client, login_as, mail):
    login_as(Role.COORDINATOR)
    assert client.post(f"/admin/outbox/{mail['other'].id}/retry").status_code == 404
    assert mail["other"].status == "failed"


@pytest.mark.parametrize("role", [Role.DESK, Role.EXPERT, Role.COMMISSION])
def test_other_roles_may_not_see_the_outbox(client, login_as, mail, role):
    login_as(role)
    assert client.get("/admin/outbox/").status_code == 403


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_retry_is_a_post_with_csrf_that_puts_the_message_back_now(client, app, mail):
    coordinator = make_user(Role.COORDINATOR)
    page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"email": coordinator.email, "password": "correct horse battery",
                                "csrf_token": token})  # fmt: skip
    failed = mail["failed"]
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 400  # no token
    page = client.get("/admin/outbox/").text
    token = re.search(rf'action="/admin/outbox/{failed.id}/retry".*?value="([^"]+)"', page,
                      re.DOTALL).group(1)  # fmt: skip
    response = client.post(f"/admin/outbox/{failed.id}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == "pending"
    assert failed.id in [m.id for m in notifications.claim_due(utcnow())]  # due at once
