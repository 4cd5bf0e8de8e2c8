"""JSON API under /api/v1, authenticated by personal bearer tokens only."""

from flask import Blueprint, g, jsonify, request, url_for
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy.orm import selectinload

from bureau.domain import DomainError, accounts, taxonomy
from bureau.domain.cases import intake, lifecycle, search, service, timeline
from bureau.extensions import csrf
from bureau.models import Inquiry, Status
from bureau.permissions import public, requires
from bureau.web.api.openapi import case_action_fields
from bureau.web.api.openapi import document as openapi_document
from bureau.web.api.schema import (
    inquiry_detail,
    inquiry_summary,
    invalid,
    parse_intake,
    service_problems,
)
from bureau.web.common import audit, casework, params
from bureau.web.common.errors import json_error
from bureau.web.common.loaders import case_or_404, case_page

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent by browsers on their own, so CSRF does not apply here;
# session cookies are deliberately ignored by the API for the same reason.
csrf.exempt(bp)


@bp.before_request
def authenticate_bearer():
    """Replace any session user with the bearer token's user (or anonymous). Open data
    reads no token: its answer is everyone's (statistics.py, handbook.py)."""
    if request.endpoint in ("api.public_statistics", "api.public_answers", "api.public_answer"):
        return
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = accounts.user_by_token(token.strip()) if scheme.lower() == "bearer" and token else None
    g._login_user = user or AnonymousUserMixin()


@bp.get("/openapi.json")
@public
def openapi():
    codes = [c.code for c in taxonomy.categories() if c.active]
    return jsonify(openapi_document(codes))


@bp.get("/me")
@requires("account.self")
def me():
    user = current_user
    return jsonify(
        email=user.email,
        name=user.name,
        role=user.role.value,
        office=user.office.code if user.office else None,
        language=user.language,
    )


@bp.post("/inquiries")
@requires("case.create")
def create_inquiry():
    payload = request.get_json(silent=True)
    if payload is None:
        return json_error(
            400, "bad_request", "the body must be JSON (Content-Type: application/json)"
        )
    try:
        data = parse_intake(payload, current_user.office, request.headers.get("Idempotency-Key"))
        inquiry, pin = intake.log_inquiry(
            data, office=current_user.office, actor=current_user, same_body=True
        )
    except DomainError as error:
        return jsonify(invalid(error)), 422
    body = {**inquiry_summary(inquiry), "pin": pin}
    location = url_for("api.get_inquiry", reference=inquiry.reference)
    # A repeated Idempotency-Key finds the first inquiry: 200, and no PIN the second time.
    return jsonify(body), (201 if pin else 200), {"Location": location}


@bp.get("/inquiries")
@requires("case.view")
def list_inquiries():
    page = params.integer(
        request.args.get("page"), "page", minimum=1, maximum=params.MAX_PAGE, default=1
    )
    per_page = params.integer(
        request.args.get("per_page"), "per_page", minimum=1, maximum=100, default=50
    )
    status = request.args.get("status") or None
    if status and status not in {s.value for s in Status}:
        return json_error(422, "invalid", f"unknown status '{status[:40]}'")
    filters = search.CaseFilters(q=request.args.get("q", ""), status=status)
    # The same capped count as the web list: "total" stops at 10,000, or at 200 for a
    # search (see total_capped).
    # Each item names its subcategory and service: loaded with the page, not one by one.
    load = (selectinload(Inquiry.subcategory), selectinload(Inquiry.service))
    result = case_page(filters, load=load, page=page, per_page=per_page)
    audit.log("case.list", results=result.total, page=page, search=bool(filters.q), api=True)
    return jsonify(
        items=[inquiry_summary(i) for i in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
        total_capped=result.total_capped,
    )


@bp.get("/inquiries/<reference>")
@requires("case.view")
def get_inquiry(reference: str):
    inquiry = case_or_404(reference)
    audit.log("case.api_view", inquiry)
    return jsonify(inquiry_detail(inquiry))


def _field(payload: dict, key: str, kind=str, required: bool = False):
    value = payload.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DomainError(f"'{key}' must be a {kind.__name__}", key)
    return value


def _case_work(reference: str, permission: str, action):
    """Run one domain action on a case from a JSON body; the same rules as the web UI."""
    case = case_or_404(reference, permission)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, "bad_request", "the body must be a JSON object")
    path = request.url_rule.rule.removeprefix(bp.url_prefix).replace("<reference>", "{reference}")
    if unknown := sorted(set(payload) - case_action_fields(path)):
        name = unknown[0][:40]
        return jsonify(error="invalid", field=name, message=f"unknown field '{name}'"), 422
    refused = casework.run(case, lambda: action(case, payload))
    if refused is None:
        return jsonify({**inquiry_summary(case), "version": case.version})
    if refused.error is None:
        return json_error(409, "conflict", "the case was changed meanwhile; reload it")
    if refused.status == 409:
        return json_error(409, "conflict", str(refused.error.message))
    return jsonify(invalid(refused.error)), 422


@bp.post("/inquiries/<reference>/assignment")
@requires("case.assign")
def assign_inquiry(reference: str):
    def action(case, payload):
        expert = _field(payload, "expert", str) or ""
        user = accounts.get_user_by_email(expert) if "@" in expert else None
        expert_id = user.id if user else (params.as_id(expert) or 0)  # 0: the domain refuses
        lifecycle.act(
            case,
            "assign",
            actor=current_user,
            expert_id=expert_id,
            expected_version=_field(payload, "version", int),
        )

    return _case_work(reference, "case.assign", action)


@bp.post("/inquiries/<reference>/transitions")
@requires("case.work")
def transition_inquiry(reference: str):
    def action(case, payload):
        to = _field(payload, "to", str, required=True)
        if to not in {s.value for s in Status}:
            raise DomainError(f"unknown status '{to[:40]}'", "to")
        # The lifecycle decides what the move is (an accept, a decline, a status change).
        lifecycle.act(
            case,
            "move",
            actor=current_user,
            to=to,
            outcome=_field(payload, "outcome", str),
            summary=_field(payload, "summary", str),
            reason=_field(payload, "reason", str),
            expected_version=_field(payload, "version", int),
        )

    return _case_work(reference, "case.work", action)


@bp.post("/inquiries/<reference>/service")
@requires("case.work")
def link_service(reference: str):
    def action(case, payload):
        if "service" not in payload:
            raise DomainError("'service' is required (null clears it)", "service")
        service.link(
            case,
            service=_field(payload, "service", str),
            problems=service_problems(payload),
            actor=current_user,
            expected_version=_field(payload, "version", int),
        )

    return _case_work(reference, "case.work", action)


@bp.post("/inquiries/<reference>/notes")
@requires("case.work")
def add_note(reference: str):
    def action(case, payload):
        timeline.add_note(case, body=_field(payload, "body", str) or "", actor=current_user)

    return _case_work(reference, "case.work", action)
