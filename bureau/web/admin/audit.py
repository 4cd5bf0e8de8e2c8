"""The audit trail under /admin/audit: read it in words, export it."""

from flask import Response, render_template, request, stream_with_context
from sqlalchemy.orm import joinedload

from bureau.domain import audit
from bureau.domain.clock import sofia_today
from bureau.models import AuditEntry
from bureau.permissions import requires
from bureau.web.admin import audit_text
from bureau.web.admin.views import bp
from bureau.web.common import params
from bureau.web.common.audit import log
from bureau.web.common.loaders import paginate

EXPORT_LIMIT = 200_000


@bp.get("/audit/", endpoint="audit")
@requires("admin.audit")
def audit_trail():
    filters = _filters()
    query = audit.search(filters).options(joinedload(AuditEntry.actor))
    page = paginate(query, count_query=audit.search(filters))
    log("audit.view", page=page.page)
    names = audit_text.names_of(page.items)
    return render_template(
        "admin/audit.html",
        page=page,
        filters=filters,
        actions=audit.ACTIONS,
        said=lambda entry: audit_text.sentence(entry, names),
    )


@bp.get("/audit/export.csv")
@requires("admin.audit")
def audit_export():
    filters = _filters()
    log("audit.export", filtered=bool(filters.actor or filters.action or filters.since))
    lines = audit.csv_lines(audit.export_rows(filters, limit=EXPORT_LIMIT))
    name = f"audit-{sofia_today().isoformat()}.csv"
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
