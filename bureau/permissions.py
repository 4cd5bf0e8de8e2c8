"""Who may do what: one table (permission → roles) and one checker.

Every view declares its permission with @requires(...) or @public; a view that
declares nothing is refused (deny by default) and fails tests/web/test_permissions.py.
"""

from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from bureau.domain.cases import access
from bureau.models import Inquiry, Role

ALL_STAFF = frozenset(Role)
A, C, D, E, M = Role.ADMIN, Role.COORDINATOR, Role.DESK, Role.EXPERT, Role.COMMISSION

PERMISSIONS: dict[str, frozenset[Role]] = {
    "account.self": ALL_STAFF,  # own password, language, home page, own API identity
    "admin.users": frozenset({A}),
    "admin.offices": frozenset({A}),
    "admin.taxonomy": frozenset({A}),
    "admin.audit": frozenset({A}),  # the audit trail: read and export
    "admin.privacy": frozenset({A}),  # data-subject requests: find, export, erase
    "case.create": frozenset({D, C}),  # log an inquiry, find a returning citizen
    "case.view": frozenset({D, E, C}),  # a case page; experts only their own
    "case.reset_pin": frozenset({D, C}),
    "case.work": frozenset({E, C}),  # accept/decline, notes, contacts, replies, resolve
    "case.assign": frozenset({C}),  # assign, reassign, close, reopen
    "experts.manage": frozenset({C, A}),  # expert profiles: expertise, capacity, leave
    "dashboard.operations": frozenset({C}),  # queues: due soon, overdue, per expert
    "feedback.enter": frozenset({D, C}),  # type in a paper feedback form
    "feedback.comments": frozenset({C}),  # free-text comments may name people
    "stats.view": frozenset({M, C, A}),  # anonymised statistics only
    "stats.export": frozenset({M, C, A}),
    "recommendation.edit": frozenset({M}),  # the register: drafts, plans, discussion
    "evidence.flag": frozenset({E, C}),  # flag a case as evidence: a vignette, no names
    "evidence.review": frozenset({C}),  # approve a vignette for the commission, or return it
    "stats.network": frozenset({A}),  # offices side by side
    "mail.outbox": frozenset({C, A}),  # mail that fails: recipients and errors, a "retry"
    "services.edit": frozenset({C, A}),  # the register of the municipality's services
    "institutions.edit": frozenset({C, A}),  # where cases are referred; national ones: A
    "answers.view": frozenset({D, E, C, A}),  # the answers library, drafts included
    "answers.edit": frozenset({E, C, A}),  # write answers, send them for review
    "answers.approve": frozenset({C, A}),  # publish (a second person), send back
}

# Marker for views anyone may open, logged in or not.
PUBLIC = "public"


def can(user, permission: str, obj=None) -> bool:
    """True if the user's role holds the permission and the object rules allow it."""
    if permission == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in PERMISSIONS[permission]:
        return False
    if obj is None:
        return True
    # The object rules (domain/cases/access.py): only the administrator crosses offices;
    # an expert works only on the cases given to them.
    if isinstance(obj, Inquiry):
        return access.may_reach(user, obj)
    return access.in_office(user, obj)


def requires(permission: str):
    """Declare the permission a view needs; anonymous users go to the login page."""
    if permission != PUBLIC and permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if permission != PUBLIC and not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator


public = requires(PUBLIC)


def enforce_declared_permission() -> None:
    """before_request hook: refuse any view that forgot to declare a permission."""
    if request.endpoint is None or request.endpoint.split(".")[-1] == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and not hasattr(view, "permission"):
        abort(403)
