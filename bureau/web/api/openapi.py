"""The OpenAPI description of /api/v1, kept beside the views it describes.

It says what the views do (tests/web/test_api_schemathesis.py holds them to it): every
bound a view checks is in the schema. What depends on stored data — a category or
subcategory code of the taxonomy, a settlement of the office, an expert, a service of
the office's register, a status change the case's current status allows — is answered
422 naming the field.
"""

import copy

from bureau.domain.text import MAX_TEXT
from bureau.models import ServiceProblem
from bureau.web.common.params import MAX_PAGE

# No request may carry a NUL (PostgreSQL cannot store it): every string of a request
# matches NO_NUL, and text that must say something matches NOT_BLANK.
NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}


def _errors(*codes: int) -> dict:
    return {
        str(code): {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


CODES = {
    "channel": ["walk_in", "phone", "email", "online", "outreach"],
    "urgency": ["normal", "urgent"],
    "status": ["new", "assigned", "in_progress", "waiting", "resolved", "closed"],
    "gender": ["female", "male", "other", "undisclosed"],
    "age_band": ["under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "undisclosed"],
    "flags": ["unemployed", "disability", "pensioner", "minority", "single_parent"],
    "service_problems": [problem.value for problem in ServiceProblem],
}
SERVICE = {
    "type": ["string", "null"],
    "maxLength": 40,
    "description": "Code of a service in the office's register (its public address)",
}
SERVICE_PROBLEMS = {
    "type": "array",
    "items": {"enum": CODES["service_problems"]},
    "description": "What went wrong with the service; only with a service",
}

NEW_INQUIRY = {
    "type": "object",
    "required": ["channel", "category", "description", "consent"],
    "additionalProperties": False,
    "properties": {
        "channel": {"enum": CODES["channel"]},
        "category": {"type": "string", "description": "Category code, e.g. local_taxes"},
        "subcategory": {"type": ["string", "null"]},
        "settlement": {"type": ["string", "null"], "description": "Name or EKATTE code"},
        "description": {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": NOT_BLANK},
        "urgency": {"enum": CODES["urgency"], "default": "normal"},
        "consent": {"type": "boolean", "description": "Consent to processing (not anonymous)"},
        "anonymous": {"type": "boolean", "default": False},
        "service": SERVICE,
        "service_problems": SERVICE_PROBLEMS,
        "citizen": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "phone": {"type": "string", "maxLength": 40},
                "email": {"type": "string", "maxLength": 254},
                "gender": {"enum": CODES["gender"]},
                "age_band": {"enum": CODES["age_band"]},
                "flags": {"type": "array", "items": {"enum": CODES["flags"]}},
                "notify_by": {
                    "enum": ["", "email", "sms", "none"],
                    "default": "",
                    "description": "Notices by e-mail, SMS or none; empty: e-mail if an "
                    "address is given, else SMS with a mobile number and sms_consent",
                },
                "sms_consent": {"type": "boolean", "default": False},
            },
        },
    },
}
INQUIRY_SUMMARY = {
    "type": "object",
    "properties": {
        "reference": {"type": "string", "example": "KRS-2026-00042"},
        "status": {"enum": CODES["status"]},
        "received_at": {"type": "string", "format": "date-time"},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "channel": {"enum": CODES["channel"]},
        "category": {"type": "string"},
        "subcategory": {"type": ["string", "null"]},
        "settlement": {"type": ["string", "null"]},
        "ekatte": {"type": ["string", "null"]},
        "urgency": {"enum": CODES["urgency"]},
        "service": {
            "type": ["object", "null"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "service_problems": {"type": "array", "items": {"enum": CODES["service_problems"]}},
    },
}
VALIDATION_ERROR = {
    "description": "Invalid field (the `field` member names it)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _case_action(summary: str, schema: dict) -> dict:
    schema = {**schema, "additionalProperties": False}
    return {
        "post": {
            "summary": summary,
            "parameters": [
                {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
            "responses": {
                "200": _json({"$ref": "#/components/schemas/InquirySummary"}, "The case after"),
                "409": {"description": "The case changed since `version`; reload it"},
                "422": VALIDATION_ERROR,
                **_errors(400, 401, 403, 404),
            },
        }
    }


VERSION = {"type": "integer", "description": "The case's version as you saw it (optional)"}
TEXT = {"type": "string", "maxLength": MAX_TEXT}
# A decline (to "new") needs a reason, a resolution an outcome and a summary.
TRANSITION_NEEDS = [
    {
        "if": {"properties": {"to": {"const": "new"}}},
        "then": {"required": ["reason"], "properties": {"reason": {"pattern": NOT_BLANK}}},
    },
    {
        "if": {"properties": {"to": {"const": "resolved"}}},
        "then": {
            "required": ["outcome", "summary"],
            "properties": {"summary": {"pattern": NOT_BLANK}},
        },
    },
]
CASE_ACTIONS = {
    "/inquiries/{reference}/assignment": _case_action(
        "Assign (or reassign) to an expert of the office (coordinator)",
        {"type": "object", "required": ["expert"], "properties": {
            "expert": {"type": "string", "description": "E-mail or id of the expert"},
            "version": VERSION}},
    ),
    "/inquiries/{reference}/transitions": _case_action(
        "Change the status: accept (assigned→in_progress), decline (assigned→new, reason), "
        "waiting, resolve (outcome + summary), close, reopen (reason)",
        {"type": "object", "required": ["to"], "properties": {
            "to": {"enum": CODES["status"]},
            "outcome": {"enum": ["information_provided", "advice_given", "referred",
                                 "document_drafted", "signal_filed", "escalated_to_commission",
                                 "could_not_help", "citizen_withdrew"]},
            "summary": TEXT, "reason": TEXT, "version": VERSION},
         "allOf": TRANSITION_NEEDS},
    ),
    "/inquiries/{reference}/service": _case_action(
        "Name, change or clear (null) the municipal service the case is about",
        {"type": "object", "required": ["service"], "properties": {
            "service": SERVICE, "service_problems": SERVICE_PROBLEMS, "version": VERSION}},
    ),
    "/inquiries/{reference}/notes": _case_action(
        "Add an internal note (never shown to the citizen or the commission)",
        {"type": "object", "required": ["body"],
         "properties": {"body": {**TEXT, "pattern": NOT_BLANK}}},
    ),
}  # fmt: skip


def case_action_fields(path: str) -> frozenset[str]:
    """The body members an action takes, as documented (anything else is refused)."""
    schema = CASE_ACTIONS[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return frozenset(schema["properties"])


INQUIRY_PATHS = {
    "/inquiries": {
        "post": {
            "summary": "Log an inquiry (desk, coordinator)",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 64},
                    "description": "Repeat the key to get the first inquiry back, not a new one.",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/NewInquiry"}}
                },
            },
            "responses": {
                "201": _json(
                    {"allOf": [{"$ref": "#/components/schemas/InquirySummary"},
                               {"type": "object", "properties": {"pin": {"type": "string"}}}]},
                    "Created; the PIN is shown only here",
                ),
                "200": _json({"$ref": "#/components/schemas/InquirySummary"}, "Repeated key"),
                "422": VALIDATION_ERROR,
                **_errors(400, 401, 403),
            },
        },
        "get": {
            "summary": "The office's inquiries, newest first (an expert: their own)",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"},
                 "description": "Reference, name (Cyrillic or Latin) or phone"},
                {"name": "status", "in": "query", "schema": {"enum": CODES["status"]}},
                {"name": "page", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                {"name": "per_page", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {
                "200": _json(
                    {"type": "object", "properties": {
                        "items": {"type": "array",
                                  "items": {"$ref": "#/components/schemas/InquirySummary"}},
                        "page": {"type": "integer"}, "per_page": {"type": "integer"},
                        "total": {"type": "integer",
                                  "description": "counted up to 10,000 (200 with q); "
                                                 "never fewer than the items up to this page"},
                        "total_capped": {"type": "boolean"}}},
                    "A page of inquiries",
                ),
                **_errors(400, 401, 403, 422),
            },
        },
    },
    "/inquiries/{reference}": {
        "get": {
            "summary": "One inquiry with its citizen and timeline",
            "parameters": [
                {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/InquirySummary"}, "The inquiry"),
                **_errors(401, 403, 404),
            },
        }
    },
}  # fmt: skip

SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "Bureau API",
        "version": "1",
        "description": "Case handling of a Citizens' Information and Advice Bureau. "
        "Authenticate with `Authorization: Bearer <token>` "
        "(`flask --app wsgi users token EMAIL`).",
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": ERROR, "NewInquiry": NEW_INQUIRY, "InquirySummary": INQUIRY_SUMMARY},
    },
    "security": [{"bearer": []}],
    "paths": {
        **INQUIRY_PATHS,
        **CASE_ACTIONS,
        "/me": {
            "get": {
                "summary": "The user the token belongs to",
                "responses": {
                    "200": {
                        "description": "The user",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "email": {"type": "string"},
                                        "name": {"type": "string"},
                                        "role": {
                                            "enum": [
                                                "admin",
                                                "coordinator",
                                                "desk",
                                                "expert",
                                                "commission",
                                            ]
                                        },
                                        "office": {"type": ["string", "null"]},
                                        "language": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    **_errors(401),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
    },
}


def document(category_codes: list[str]) -> dict:
    """The document as served: the taxonomy's codes where a category is asked for (in a
    body or a query), and every string of a request refused with a NUL."""
    spec = copy.deepcopy(SPEC)
    spec["components"]["schemas"]["NewInquiry"]["properties"]["category"]["enum"] = category_codes
    _strings_without_nul(spec["components"]["schemas"]["NewInquiry"])
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "category" and parameter["in"] == "query":
                    parameter["schema"]["enum"] = category_codes
                _strings_without_nul(parameter["schema"])
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _strings_without_nul(content["schema"])
    return spec


def _strings_without_nul(schema) -> None:
    if isinstance(schema, list):
        for item in schema:
            _strings_without_nul(item)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        is_text = kind == "string" or (isinstance(kind, list) and "string" in kind)
        if is_text and "enum" not in schema and "pattern" not in schema:
            schema["pattern"] = NO_NUL
        for value in schema.values():
            _strings_without_nul(value)
