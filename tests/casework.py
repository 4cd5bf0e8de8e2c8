"""Builders for case-work tests: experts with profiles, cases moved to a status, and a
statement counter. Everything goes through the real domain functions."""

import contextlib
import re
from datetime import date

from sqlalchemy import event

from bureau.domain import experts, taxonomy
from bureau.domain.cases import lifecycle
from bureau.extensions import db
from bureau.models import Inquiry, Office, Role, Status, User
from tests.factories import PASSWORD, make_office, make_user


def make_expert(
    office: Office | None = None,
    *,
    affiliation: str = "ngo",
    categories: list[str] | tuple[str, ...] = ("local_taxes",),
    capacity: int = 10,
    on_leave_until: date | None = None,
    organisation: str = "",
    **user_fields,
) -> User:
    """An expert of the office with a routing profile (expertise given by category codes)."""
    user = make_user(Role.EXPERT, office=office or make_office(), **user_fields)
    category_ids = [taxonomy.get_category(code).id for code in categories]
    experts.update_profile(
        user,
        affiliation=affiliation,
        organisation=organisation,
        capacity=capacity,
        on_leave_until=on_leave_until,
        category_ids=category_ids,
    )
    db.session.commit()
    return user


def make_coordinator(office: Office | None = None, **fields) -> User:
    return make_user(Role.COORDINATOR, office=office or make_office(), **fields)


# The way a case walks to each status, one real step at a time.
_PATH = {
    Status.NEW: [],
    Status.ASSIGNED: ["assign"],
    Status.IN_PROGRESS: ["assign", "accept"],
    Status.WAITING: ["assign", "accept", Status.WAITING],
    Status.RESOLVED: ["assign", "accept", Status.RESOLVED],
    Status.CLOSED: ["assign", "accept", Status.RESOLVED, Status.CLOSED],
}


def move_to(case: Inquiry, status: Status | str, *, coordinator: User, expert: User) -> Inquiry:
    """Walk the case to `status` through assignment and the lifecycle, then commit."""
    for step in _PATH[Status(status)]:
        if step == "assign":
            lifecycle.assign(case, expert_id=expert.id, actor=coordinator)
        elif step == "accept":
            lifecycle.accept(case, actor=expert)
        elif step == Status.RESOLVED:
            lifecycle.transition(
                case, step, actor=expert, outcome="advice_given", summary="Дадена консултация."
            )
        else:
            actor = coordinator if step == Status.CLOSED else expert
            lifecycle.transition(case, step, actor=actor)
    db.session.commit()
    return case


VERSION_FIELD = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def page_version(html: str) -> int:
    """The case version the page's forms carry (the hidden field)."""
    match = VERSION_FIELD.search(html)
    assert match, "the page carries no version field"
    return int(match.group(1) or match.group(2))


@contextlib.contextmanager
def count_statements():
    """Collect the SQL statements run inside the block: `with count_statements() as sql:`."""
    statements: list[str] = []

    def _record(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)


def signed_in(app, user: User, password: str = PASSWORD):
    """A browser of its own (test client) with the user logged in through the form."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 303, response.text
    return client
