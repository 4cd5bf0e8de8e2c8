"""The audit trail from the web: `log()` for the views, and the administrator's pages."""

from datetime import date

from flask import Blueprint, Response, g, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy.orm import joinedload

from bureau.domain import accounts, audit
from bureau.models import AuditEntry
from bureau.permissions import requires
from bureau.web import audit_text, params
from bureau.web.helpers import paginate

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
EXPORT_LIMIT = 200_000


def log(action: str, obj=None, /, *, actor=None, office_id: int | None = None, **details) -> None:
    """Record an act of the current user (or `actor`) from this request's address."""
    if actor is None and current_user.is_authenticated:
        actor = current_user._get_current_object()
    values = dict(actor=actor, obj=obj, office_id=office_id, details=details,
                  ip=request.remote_addr)  # fmt: skip
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


@bp.get("/")
@requires("admin.audit")
def index():
    filters = _filters()
    query = audit.search(filters).options(joinedload(AuditEntry.actor))
    page = paginate(query, count_query=audit.search(filters))
    log("audit.view", page=page.page)
    names = audit_text.names_of(page.items)
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        actions=audit.ACTIONS,
        said=lambda entry: audit_text.sentence(entry, names),
    )


@bp.get("/export.csv")
@requires("admin.audit")
def export():
    filters = _filters()
    log("audit.export", filtered=bool(filters.actor or filters.action or filters.since))
    lines = audit.csv_lines(audit.export_rows(filters, limit=EXPORT_LIMIT))
    name = f"audit-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _filters() -> audit.AuditFilters:
    args = request.args
    action = args.get("action", "")
    return audit.AuditFilters(
        actor=args.get("actor", "").strip()[:254],
        action=action if action in audit.ACTIONS else "",
        object_id=args.get("object", "").strip()[:40],
        since=params.day(args.get("since"), "since"),
        until=params.day(args.get("until"), "until"),
    )
