"""Referrals on the web: the expert refers from the case page, the institution answers
through /r/<token> without an account, the case page shows what became of it."""

import re

import pytest
from sqlalchemy import select

from bureau.domain import referrals
from bureau.extensions import db
from bureau.models import Institution, OutboxMessage, Referral, Role, Status
from tests.casework import make_coordinator, make_expert, move_to, signed_in
from tests.factories import make_inquiry, make_office, make_user

SUMMARY = "Преизчисляване на пенсия; гражданинът е съгласен да споделим това."
NOTE = "ВЪТРЕШНО: съседът се обажда вместо него"
CITIZEN = {"name": "Иван Петров Иванов", "phone": "0888123456", "email": "ivan@example.test"}


@pytest.fixture
def world(app):
    office = make_office()
    coordinator, expert = make_coordinator(office), make_expert(office)
    case = move_to(make_inquiry(citizen=CITIZEN), Status.IN_PROGRESS,
                   coordinator=coordinator, expert=expert)  # fmt: skip
    noi = db.session.scalar(
        select(Institution).where(Institution.office_id == office.id, Institution.code == "noi")
    )
    noi.email = "noi@example.test"
    db.session.commit()
    return {"case": case, "expert": expert, "coordinator": coordinator, "noi": noi}


def refer(app, world, summary=SUMMARY) -> str:
    expert = signed_in(app, world["expert"])
    response = expert.post(
        f"/cases/{world['case'].reference}/referrals",
        data={"institution": world["noi"].id, "summary": summary, "note": NOTE, "consent": "y"},
    )
    assert response.status_code == 303, response.text
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "noi@example.test")
        .order_by(OutboxMessage.id.desc())
    ).first()  # fmt: skip
    return re.search(r"/r/([A-Za-z0-9_-]+)", message.body_text).group(1)


def test_the_institution_sees_only_the_summary_and_answers_to_the_outcome(app, client, world):
    token = refer(app, world)
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    assert SUMMARY in page.text and world["case"].reference in page.text
    for secret in (NOTE, CITIZEN["name"], CITIZEN["phone"], CITIZEN["email"]):
        assert secret not in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post(f"/r/{token}", data={"step": "acknowledge"}).status_code == 303
    assert client.post(f"/r/{token}", data={"step": "accept"}).status_code == 303
    refused = client.post(f"/r/{token}", data={"step": "report", "result": "", "outcome": "x"})
    assert refused.status_code == 422
    done = client.post(
        f"/r/{token}",
        data={"step": "report", "result": "partly", "outcome": "Отпусната е част от сумата."},
    )
    assert done.status_code == 303 and done.location.endswith("/r/thanks")
    assert client.get(f"/r/{token}").status_code == 404  # used up
    expert = signed_in(app, world["expert"])
    case_page = expert.get(f"/cases/{world['case'].reference}")
    assert "Отпусната е част от сумата." in case_page.text
    assert "отчасти решен" in case_page.text


def test_the_case_shows_a_summary_only_if_the_expert_wrote_the_contact_into_it(app, client, world):
    token = refer(app, world, summary=f"Обадете се на {CITIZEN['phone']}.")
    assert CITIZEN["phone"] in client.get(f"/r/{token}").text


def seen(client, token: str, **post) -> tuple[int, str]:
    """The answer to a link, its own address (in the language switch) and the CSRF
    token's timestamp left out."""
    answer = client.post(f"/r/{token}", data=post) if post else client.get(f"/r/{token}")
    text = answer.text.replace(f"/r/{token}", "/r/…")
    return answer.status_code, re.sub(r'name="csrf_token" value="[^"]*"', "csrf", text)


def test_unknown_expired_revoked_and_used_links_look_the_same(app, client, world):
    token = refer(app, world)
    referral = db.session.scalars(select(Referral)).one()
    gone = seen(client, "A" * 43)
    assert gone[0] == 404
    referral.link_revoked_at = referral.created_at
    db.session.commit()
    assert seen(client, token) == gone
    assert seen(client, "x") == gone
    for guess in ("a" * 5000, "%00" * 20):  # refused before (or at) the link page
        status, text = seen(client, guess)
        assert 400 <= status < 500 and "referral-summary" not in text
    assert seen(client, "B" * 43, step="acknowledge") == gone
    referral.link_revoked_at = None
    referral.link_expires_at = referral.created_at
    db.session.commit()
    assert seen(client, token) == gone


def test_guessing_runs_out_into_the_same_404(app, client, world):
    token = refer(app, world)
    gone = seen(client, "A" * 43)
    for _ in range(40):
        seen(client, "C" * 43)
    assert seen(client, token) == gone  # even the right token, from this address, for now


def test_revoke_and_resend_from_the_case_page(app, client, world):
    token = refer(app, world)
    referral = db.session.scalars(select(Referral)).one()
    coordinator = signed_in(app, world["coordinator"])
    base = f"/cases/{world['case'].reference}/referrals/{referral.id}"
    assert coordinator.post(f"{base}/revoke").status_code == 303
    assert client.get(f"/r/{token}").status_code == 404
    assert coordinator.post(f"{base}/resend").status_code == 303
    db.session.expire_all()
    assert referrals.link_active(db.session.get(Referral, referral.id))
    other = make_user(Role.EXPERT, email="other-expert@example.test")
    outsider = signed_in(app, other)
    assert outsider.post(f"{base}/revoke").status_code == 404  # not their case
    desk = signed_in(app, make_user(Role.DESK))
    assert desk.post(f"{base}/revoke").status_code == 403


def test_the_overdue_badge(app, world):
    refer(app, world)
    referral = db.session.scalars(select(Referral)).one()
    referral.sent_on = referral.sent_on.replace(year=referral.sent_on.year - 1)
    db.session.commit()
    page = signed_in(app, world["expert"]).get(f"/cases/{world['case'].reference}")
    assert "referral-overdue" in page.text


@pytest.mark.parametrize(
    "data",
    [
        {"step": "decline", "reason": "я" * (5 * 1024 * 1024)},
        {"step": "decline", "reason": "a\x00b"},
        {"step": "\x00"},
        {"step": "report", "result": "\x00", "outcome": "x"},
        {"step": "no_answer"},
    ],
)
def test_hostile_answers_are_refused_with_4xx(app, client, world, data):
    token = refer(app, world)
    client.post(f"/r/{token}", data={"step": "acknowledge"})
    answer = client.post(f"/r/{token}", data=data)
    assert 400 <= answer.status_code < 500


def test_a_forged_host_never_reaches_the_institutions_link(app, client, world):
    token = refer(app, world)
    answer = client.get(f"/r/{token}", headers={"Host": "evil.example"})
    assert 400 <= answer.status_code < 500
    message = db.session.scalars(select(OutboxMessage)).first()
    assert "evil.example" not in message.body_text


def test_the_referral_form_asks_for_the_summary(app, world):
    expert = signed_in(app, world["expert"])
    response = expert.post(
        f"/cases/{world['case'].reference}/referrals",
        data={"institution": world["noi"].id, "summary": "", "note": NOTE, "consent": "y"},
    )
    assert response.status_code == 422
    assert db.session.scalars(select(Referral)).first() is None


def test_the_commission_sees_referrals_by_institution_and_result_suppressed(app, client, world):
    token = refer(app, world)
    client.post(f"/r/{token}", data={"step": "acknowledge"})
    commission = signed_in(app, make_user(Role.COMMISSION))
    board = commission.get("/commission/")
    assert board.status_code == 200 and "Насочвания по институции и резултат" in board.text
    body = commission.get("/commission/export.json").get_json()
    table = body["tables"]["referral_result"]
    assert [row["code"] for row in table["rows"]] == ["noi"]
    assert table["rows"][0]["label"] == world["noi"].name
    assert all(cell["count"] is None for cell in table["cells"][0] if cell["suppressed"])
    assert table["total"]["suppressed"]  # one referral, under k
    assert body["figures"]["referral_ack_median_days"]["withheld"]  # under k
    assert SUMMARY not in board.text and NOTE not in board.text
