"""Changes to a case are audited by the domain function that makes them, so every entry
point — the case page, the API, a command — leaves the same row."""

import io

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, accounts, audit
from bureau.domain.cases import attachments, lifecycle, timeline
from bureau.extensions import db
from bureau.models import AuditEntry
from tests.casework import make_coordinator, make_expert
from tests.factories import make_inquiry, make_office


def rows(action: str) -> list[tuple]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return [(e.actor_id, e.object_id, e.details, e.ip) for e in db.session.scalars(query)]


@pytest.fixture
def people(app):
    office = make_office()
    return {"coordinator": make_coordinator(office), "expert": make_expert(office)}


def test_work_done_outside_any_request_is_audited_step_by_step(app, people):
    """As a command would do it: no view, no request, and still one row per change."""
    coordinator, expert = people["coordinator"], people["expert"]
    case = make_inquiry()
    lifecycle.act(case, "assign", actor=coordinator, expert_id=expert.id)
    lifecycle.act(case, "accept", actor=expert)
    timeline.add_note(case, body="Обади се утре.", actor=expert)
    timeline.log_contact(case, kind="phone", body="Разговор.", actor=expert)
    timeline.set_public_reply(case, body="Документите са готови.", actor=expert)
    attachments.save(
        case,
        stream=io.BytesIO(b"%PDF-1.4\n"),
        filename="a.pdf",
        folder=app.config["UPLOAD_FOLDER"],
        max_bytes=1024,
        actor=expert,
    )
    lifecycle.act(
        case,
        "move",
        to="resolved",
        actor=expert,
        outcome="information_provided",
        summary="Дадена информация.",
    )
    db.session.commit()
    ref = case.reference
    assert rows("case.change") == [
        (coordinator.id, ref, {"step": "assign"}, None),
        (expert.id, ref, {"step": "accept"}, None),
        (expert.id, ref, {"step": "add_note"}, None),
        (expert.id, ref, {"step": "log_contact"}, None),
        (expert.id, ref, {"step": "reply"}, None),
        (expert.id, ref, {"step": "upload"}, None),
        (expert.id, ref, {"step": "transition"}, None),
    ]


def test_a_refused_change_leaves_no_row(app, people):
    case = make_inquiry()
    with pytest.raises(DomainError):
        lifecycle.act(case, "accept", actor=people["expert"])  # not assigned to them
    assert rows("case.change") == []


def test_staff_intake_is_audited_and_a_citizens_own_is_not(app, people):
    staff = make_inquiry(actor=people["coordinator"])
    make_inquiry()  # as the online form does: no actor
    assert rows("case.create") == [(people["coordinator"].id, staff.reference, {"new": True}, None)]


def test_a_change_through_the_api_carries_the_address_and_the_apis_mark(app, client, people):
    coordinator = people["coordinator"]
    case = make_inquiry()
    token = accounts.issue_api_token(coordinator)
    db.session.commit()
    response = client.post(
        f"/api/v1/inquiries/{case.reference}/notes",
        json={"body": "Бележка през API."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.json
    assert rows("case.change") == [
        (coordinator.id, case.reference, {"step": "add_note", "api": True}, "127.0.0.1")
    ]


def test_the_requests_source_does_not_outlive_the_request(app, client, people):
    case = make_inquiry()
    client.get("/healthz")
    timeline.add_note(case, body="След заявката.", actor=people["coordinator"])
    db.session.commit()
    assert rows("case.change")[-1][3] is None
    assert audit._source.get() is None


@pytest.fixture
def app_config(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}
