"""JSON in and out of the API: strict parsing into domain data, plain serialisation."""

from bureau.domain import DomainError
from bureau.domain.cases import intake
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.models import Inquiry, Office, problem_codes

INQUIRY_FIELDS = {
    "channel", "category", "subcategory", "settlement", "description", "urgency", "consent",
    "anonymous", "citizen", "service", "service_problems",
}  # fmt: skip
# The domain's names of fields the API calls otherwise.
API_NAMES = {"problems": "service_problems"}
CITIZEN_FIELDS = {
    "name", "phone", "email", "gender", "age_band", "flags", "notify_by", "sms_consent",
}  # fmt: skip


def _typed(payload: dict, key: str, kind, *, required: bool = False, default=None):
    value = payload.get(key)
    if value is None:
        if required:
            raise DomainError(f"'{key}' is required", key)
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise DomainError(f"'{key}' must be of type {names}", key)
    return value


def _unknown(payload: dict, allowed: set, where: str = "") -> None:
    if unknown := sorted(set(payload) - allowed):
        raise DomainError(f"unknown field '{where}{unknown[0]}'", unknown[0])


def parse_intake(payload, office: Office, token: str | None) -> IntakeData:
    """The API's inquiry body as IntakeData; DomainError names the offending field."""
    if not isinstance(payload, dict):
        raise DomainError("the body must be a JSON object", "body")
    if token is not None and len(token) > intake.TOKEN_LENGTH:
        raise DomainError(
            f"'Idempotency-Key' must be at most {intake.TOKEN_LENGTH} characters", "Idempotency-Key"
        )
    _unknown(payload, INQUIRY_FIELDS)
    citizen_payload = _typed(payload, "citizen", dict, default={})
    _unknown(citizen_payload, CITIZEN_FIELDS, "citizen.")
    flags = _typed(citizen_payload, "flags", list, default=[])
    if not all(isinstance(flag, str) for flag in flags):
        raise DomainError("'citizen.flags' must be a list of strings", "flags")
    citizen = CitizenData(
        name=_typed(citizen_payload, "name", str, default=""),
        phone=_typed(citizen_payload, "phone", str, default=""),
        email=_typed(citizen_payload, "email", str, default=""),
        gender=_typed(citizen_payload, "gender", str, default="undisclosed"),
        age_band=_typed(citizen_payload, "age_band", str, default="undisclosed"),
        flags=flags,
        notify_by=_typed(citizen_payload, "notify_by", str, default=""),
        sms_consent=_typed(citizen_payload, "sms_consent", bool, default=False),
    )
    return IntakeData(
        category=_typed(payload, "category", str, required=True),
        description=_typed(payload, "description", str, required=True),
        channel=_typed(payload, "channel", str, required=True),
        subcategory=_typed(payload, "subcategory", str),
        settlement_id=_settlement_id(_typed(payload, "settlement", str), office),
        urgency=_typed(payload, "urgency", str, default="normal"),
        consent=_typed(payload, "consent", bool, required=True),
        anonymous=_typed(payload, "anonymous", bool, default=False),
        citizen=citizen,
        token=token,
        service=_typed(payload, "service", str),
        problems=service_problems(payload),
    )


def service_problems(payload: dict) -> list[str]:
    """The body's `service_problems`: a list of codes (the domain knows which)."""
    problems = _typed(payload, "service_problems", list, default=[])
    if not all(isinstance(problem, str) for problem in problems):
        raise DomainError("'service_problems' must be a list of strings", "service_problems")
    return problems


def invalid(error: DomainError) -> dict:
    """The 422 body for a refusal: the field as the API names it, and why."""
    field = API_NAMES.get(error.field, error.field)
    return {"error": "invalid", "field": field, "message": str(error.message)}


def _settlement_id(value: str | None, office: Office) -> int | None:
    """A settlement of the office, given by name or by EKATTE code."""
    if not value:
        return None
    wanted = value.strip().casefold()
    for settlement in office.settlements:
        if wanted in (settlement.name.casefold(), settlement.ekatte):
            return settlement.id
    raise DomainError(f"unknown settlement '{value[:60]}' for office {office.code}", "settlement")


def inquiry_summary(inquiry: Inquiry) -> dict:
    """The coded facts of a case: no personal data."""
    return {
        "reference": inquiry.reference,
        "status": inquiry.status,
        "received_at": inquiry.received_at.isoformat() + "Z",
        "due_date": inquiry.due_date.isoformat() if inquiry.due_date else None,
        "channel": inquiry.channel,
        "category": inquiry.category.code,
        "subcategory": inquiry.subcategory.code if inquiry.subcategory else None,
        "settlement": inquiry.settlement.name if inquiry.settlement else None,
        "ekatte": inquiry.settlement.ekatte if inquiry.settlement else None,
        "urgency": inquiry.urgency,
        "service": None
        if inquiry.service is None
        else {"code": inquiry.service.code, "name": inquiry.service.name},
        "service_problems": problem_codes(inquiry.service_problems),
    }


def inquiry_detail(inquiry: Inquiry) -> dict:
    """The whole case as its office's staff see it, citizen included."""
    citizen = inquiry.citizen
    return {
        **inquiry_summary(inquiry),
        "description": inquiry.description,
        "anonymous": citizen is None,
        "citizen": None
        if citizen is None
        else {
            "name": citizen.name,
            "phone": citizen.phone,
            "email": citizen.email,
            "gender": citizen.gender,
            "age_band": citizen.age_band,
            "flags": citizen.flag_list,
        },
        "expert": inquiry.expert.name if inquiry.expert else None,
        "version": inquiry.version,
        "events": [
            {
                "kind": e.kind,
                "at": e.created_at.isoformat() + "Z",
                "by": e.actor.name if e.actor else None,
            }
            for e in inquiry.events
        ],
    }
