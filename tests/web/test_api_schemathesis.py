"""The API answers as its OpenAPI document says: schemathesis against the real app.

Every operation of /api/v1/openapi.json gets generated requests, valid and invalid, with
a fixed seed and a bounded number of examples, through the app itself (WSGI) on the
test database. Checks: no 5xx, only documented status codes, content types and response
bodies as documented, invalid data refused with a 4xx, valid data accepted — except 422
where the document says the answer depends on stored data (a category, a settlement,
an expert, a service of the register, the case's current status) — unsupported methods
answered 405 with `Allow`.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from bureau.domain import accounts
from bureau.extensions import db
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office

DATA_DEPENDENT = r"^/inquiries(/\{reference\}/(assignment|transitions|service))?$"
CONFIG = {
    "operations": [
        {
            "include-path-regex": DATA_DEPENDENT,
            "include-method": "POST",
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                }
            },
        }
    ]
}


@pytest.fixture
def world(app):
    office = make_office()
    coordinator = make_coordinator(office)
    expert = make_expert(office)
    case = move_to(make_inquiry(), "in_progress", coordinator=coordinator, expert=expert)
    token = accounts.issue_api_token(coordinator)
    db.session.commit()
    return {"token": token, "reference": case.reference}


def test_the_api_agrees_with_its_openapi_document(app, world):
    config = schemathesis.Config.from_dict(CONFIG)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    headers = {"Authorization": f"Bearer {world['token']}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=40, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case):
            if "reference" in (case.path_parameters or {}):
                case.path_parameters["reference"] = world["reference"]
            case.call_and_validate(headers=headers)

        try:
            run()
        except BaseException as error:  # an ExceptionGroup: every operation is tried
            failures.append(f"{operation.label}: {str(error)[:900]}")
        db.session.rollback()
    assert not failures, "\n\n".join(failures)
