"""The audit trail from the web: `log()` for the views, with this request's address."""

from flask import g, request
from flask_login import current_user

from bureau.domain import accounts, audit


def log(action: str, obj=None, /, *, actor=None, office_id: int | None = None, **details) -> None:
    """Record an act of the current user (or `actor`) from this request's address."""
    if actor is None and current_user.is_authenticated:
        actor = current_user._get_current_object()
    values = dict(
        actor=actor, obj=obj, office_id=office_id, details=details, ip=request.remote_addr
    )
    if request.method in ("GET", "HEAD"):
        # A read is audited right after the request commits, in a write of its own.
        g.setdefault("audit_after_commit", []).append(audit.entry_values(action, **values))
    else:
        audit.record(action, **values)


def login_failed(email_typed: str) -> None:
    """A failed login names the account only if it exists; what was typed is never kept
    (people type passwords into the e-mail field)."""
    email = (email_typed or "").strip()
    user = accounts.get_user_by_email(email) if 3 <= len(email) <= 254 else None
    log("auth.login_failed", user, actor=None, account="known" if user else "unknown")
