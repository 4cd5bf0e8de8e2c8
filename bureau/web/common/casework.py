"""The case-action runner: one domain action on a case, the shape of every change made
from a case page's form and from the API's JSON alike. Each caller turns the outcome into
its own answer (a page and a message, or a JSON body); the rules are the domain's."""

from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError

from bureau.domain import DomainError
from bureau.domain.cases import lifecycle
from bureau.extensions import db


@dataclass(frozen=True)
class Refused:
    """Why the action did not happen: 409 (the case changed meanwhile) or 422 (a rule)."""

    status: int
    # None: another request's write won the race; the session was rolled back, so the
    # case must be loaded again before it is shown.
    error: DomainError | None


def run(case, action) -> Refused | None:
    """Run `action()` (the domain audits it) and flush; a refusal is returned, not raised."""
    try:
        action()
        db.session.flush()
    except lifecycle.StaleCase as error:
        return Refused(409, error)
    except StaleDataError:
        db.session.rollback()
        return Refused(409, None)
    except DomainError as error:
        return Refused(422, error)
    return None
