"""The handbook «От А до Я» as open data: GET /api/v1/public/answers (list and search)
and GET /api/v1/public/answers/<id> (one answer), for an office given by its code.

Anonymous GETs; no token is read. Only approved, live versions, as on /handbook
(bureau/domain/answers/handbook.py): never a draft, a note or an author.
"""

from flask import jsonify, request, url_for

from bureau.database import from_replica
from bureau.domain import notifications, taxonomy
from bureau.domain.answers import handbook as book
from bureau.domain.answers.text import render
from bureau.permissions import public
from bureau.web.api.openapi import SPEC
from bureau.web.api.views import bp
from bureau.web.common.errors import json_error
from bureau.web.common.params import search_words

CACHE = "public, max-age=300"
MAX_Q = book.MAX_WORDS
MAX_SERVICE = 40


@bp.get("/public/answers")
@public
@from_replica
def public_answers():
    office, refused = _office()
    if refused:
        return refused
    q = search_words(limit=MAX_Q)
    category = request.args.get("category", "")
    service = request.args.get("service", "")
    if len(service) > MAX_SERVICE:
        return json_error(400, "bad_request", f"service is at most {MAX_SERVICE} characters")
    if category and category not in _category_codes():
        return json_error(400, "bad_request", "category must be a code of the taxonomy")
    found = book.entries(office, q=q, category=category, service=service)
    items = [_summary(office, entry) for entry in found]
    body = {"office": {"code": office.code, "name": office.name}, "answers": items}
    return jsonify(body), 200, {"Cache-Control": CACHE}


@bp.get("/public/answers/<int:answer_id>")
@public
@from_replica
def public_answer(answer_id: int):
    office, refused = _office()
    if refused:
        return refused
    entry = book.entry(office, answer_id)
    if entry is None:
        return json_error(404, "not_found", "no published answer with this id for the office")
    content = entry.content
    detail = {
        **_summary(office, entry),
        "subcategories": content.subcategories,
        "shared": entry.shared,
        **{
            key: getattr(content, key)
            for key in ("body", "body_en", "documents", "place", "fee_term", "legal_basis")
        },
        **{
            f"{key}_html": str(render(value))
            for key, value in (
                ("body", content.body),
                ("body_en", content.body_en),
                ("documents", content.documents),
                ("place", content.place),
                ("local_part", entry.local),
            )
        },
        "local_part": entry.local,
    }
    return jsonify(detail), 200, {"Cache-Control": CACHE}


def _office():
    """The office of `office=`, or the 400 or 404 that refuses the request."""
    code = request.args.get("office", "")
    if not code:
        return None, json_error(400, "bad_request", "office is required (its code, e.g. KRS)")
    office = book.office(code)
    if office is None:
        return None, json_error(404, "not_found", "unknown office")
    return office, None


def _category_codes() -> set[str]:
    return {c.code for c in taxonomy.categories(active_only=False, subcategories=False)}


def _summary(office, entry: book.Entry) -> dict:
    content = entry.content
    return {
        "id": entry.id,
        "title": content.title,
        "title_en": content.title_en,
        "categories": content.categories,
        "services": content.services if entry.own else [],
        "last_reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
        # The public site's address as configured, as every citizen's link: never the Host.
        "url": notifications.public_url()
        + url_for("public.handbook_answer", office_code=office.code, answer_id=entry.id),
    }


STRING = {"type": "string"}
SUMMARY = {
    "type": "object",
    "required": ["id", "title", "title_en", "categories", "services", "last_reviewed", "url"],
    "properties": {
        "id": {"type": "integer"},
        "title": STRING,
        "title_en": STRING,
        "categories": {"type": "array", "items": STRING},
        "services": {"type": "array", "items": STRING},
        "last_reviewed": {"type": ["string", "null"], "format": "date"},
        "url": STRING,
    },
}
DETAIL_FIELDS = (
    "body", "body_html", "body_en", "body_en_html", "documents", "documents_html", "place",
    "place_html", "fee_term", "legal_basis", "local_part", "local_part_html",
)  # fmt: skip
DETAIL = {
    "type": "object",
    "required": [*SUMMARY["required"], "subcategories", "shared", *DETAIL_FIELDS],
    "properties": {
        **SUMMARY["properties"],
        "subcategories": {"type": "array", "items": STRING},
        "shared": {"type": "boolean"},
        **dict.fromkeys(DETAIL_FIELDS, STRING),
    },
}
OFFICE = {
    "name": "office",
    "in": "query",
    "required": True,
    "description": "The office's code, e.g. KRS",
    "schema": {"type": "string", "pattern": "^[A-Za-z]{1,8}$"},
}
ERRORS = {
    "400": {"description": "Bad parameters", "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "Unknown office or answer", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}},
}  # fmt: skip
SPEC["paths"]["/public/answers"] = {
    "get": {
        "summary": "Published answers of an office's handbook «От А до Я» (no token needed)",
        "description": "The office's own approved answers and those shared with every "
        "office, by title; `q` searches title and text in Cyrillic or Latin letters. "
        "`services` are codes of the office's register (only for its own answers).",
        "security": [],
        "parameters": [
            OFFICE,
            {"name": "q", "in": "query", "description": "Words, in Cyrillic or Latin letters",
             "schema": {"type": "string", "maxLength": MAX_Q, "pattern": "^[^\\x00\\ufffd]*$"}},
            {"name": "category", "in": "query", "description": "A code of the taxonomy",
             "schema": {"type": "string"}},
            {"name": "service", "in": "query", "description": "A code of the office's register",
             "schema": {"type": "string", "maxLength": MAX_SERVICE}},
        ],
        "responses": {
            "200": {"description": "The office and its answers", "content": {
                "application/json": {"schema": {"type": "object", "required": ["answers"],
                    "properties": {"office": {"type": "object"},
                                   "answers": {"type": "array", "items": SUMMARY}}}}}},
            **ERRORS,
        },
    }
}  # fmt: skip
SPEC["paths"]["/public/answers/{answer_id}"] = {
    "get": {
        "summary": "One published answer of an office's handbook (no token needed)",
        "description": "The approved version: each text as typed (light Markdown) and as "
        "safe HTML (`*_html`: paragraphs, lists, links and emphasis only), with the "
        "office's local part of a shared answer.",
        "security": [],
        "parameters": [
            {"name": "answer_id", "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
            OFFICE,
        ],
        "responses": {
            "200": {"description": "The answer", "content": {
                "application/json": {"schema": DETAIL}}},
            **ERRORS,
        },
    }
}  # fmt: skip
