"""The municipal service a case is about, and what went wrong with it.

A case may name one service of its office's register and one or more coded problems
with it (models.ServiceProblem); problems without a service mean nothing and are refused.
Both go into the case's StatRecord, where the services' statistics count them, and
survive erasure like every other code. Set at intake (intake.validate calls `checked`)
and afterwards on the case page or through the API (`link`), audited.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bureau.domain import DomainError, audit
from bureau.domain.cases import lifecycle
from bureau.domain.services import register
from bureau.domain.statistics import records
from bureau.extensions import db
from bureau.models import PROBLEM_BITS, Inquiry, Office, Service, User, problem_mask


def checked(
    office: Office, code: str | None, problems, *, current: Service | None = None
) -> tuple[Service | None, int]:
    """The office's service with this code and the problems as one mask; a DomainError
    names the field. An inactive service is refused unless it is the one already named."""
    problems = list(problems or [])
    for problem in problems:
        if not isinstance(problem, str) or problem not in PROBLEM_BITS:
            raise DomainError(
                _l("Невалиден проблем с услугата: %(value)s", value=str(problem)[:40]), "problems"
            )
    code = (code or "").strip().lower()
    if not code:
        if problems:
            raise DomainError(_l("Изберете услугата, с която е проблемът."), "service")
        return None, 0
    service = None
    if register.CODE.match(code):  # a NUL or a megabyte of text never reaches the query
        query = select(Service).where(Service.office_id == office.id, Service.code == code)
        service = db.session.scalar(query)
    if service is None or (not service.active and service is not current):
        raise DomainError(_l("Изберете услуга от регистъра на общината."), "service")
    return service, problem_mask(problems)


def link(
    case: Inquiry, *, service: str | None, problems, actor: User, expected_version=None
) -> None:
    """Name (or change, or clear) the service the case is about and its problems."""
    lifecycle.check_version(case, expected_version)
    found, mask = checked(case.office, service, problems, current=case.service)
    case.service, case.service_problems = found, mask
    records.note_service(case)
    audit.case_changed(case, "service", actor)
    db.session.flush()
