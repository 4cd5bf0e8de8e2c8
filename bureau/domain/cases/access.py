"""Who may reach a case, written once: everyone stays inside their own office (only the
administrator crosses offices), and an expert works only on the cases given to them.

permissions.can asks here for the object rules, the lifecycle for who may move a case,
and the lists use the same rule in SQL.
"""

from sqlalchemy import Select, select

from bureau.models import Inquiry, Role, User


def in_office(user: User, obj) -> bool:
    """The object (a case, a citizen, a user…) belongs to the user's office."""
    return user.role == Role.ADMIN or getattr(obj, "office_id", None) == user.office_id


def own_case(user: User, case: Inquiry) -> bool:
    """An expert's own case; everyone else is not limited to their own."""
    return user.role != Role.EXPERT or case.expert_id == user.id


def may_reach(user: User, case: Inquiry) -> bool:
    return in_office(user, case) and own_case(user, case)


def reachable(user: User) -> Select:
    """The same rules as a query: the cases the user may see."""
    query = select(Inquiry)
    if user.role != Role.ADMIN:
        query = query.where(Inquiry.office_id == user.office_id)
    if user.role == Role.EXPERT:
        query = query.where(Inquiry.expert_id == user.id)
    return query
