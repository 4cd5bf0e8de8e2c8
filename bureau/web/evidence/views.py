"""/evidence: cases flagged as evidence of a systemic problem, for the staff who write and
approve them. The commission reads approved items at /commission/evidence, never here."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import NotFound
from bureau.domain.recommendations import evidence, vignettes
from bureau.models import EvidenceItem, EvidenceState, Role
from bureau.permissions import can, requires
from bureau.web.common import params
from bureau.web.common.forms import marked, status_of, submit, vignette_warning
from bureau.web.common.loaders import paginate_list
from bureau.web.evidence.forms import ApproveForm, RejectForm, ReviseForm

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


def _load(item_id: int) -> EvidenceItem:
    """The item if the user may see it: their office's, and for an expert their own."""
    try:
        item = evidence.get(item_id)
    except NotFound:
        abort(404)
    mine = current_user.role == Role.COORDINATOR or item.created_by_id == current_user.id
    if item.office_id != current_user.office_id or not mine:
        abort(404)
    return item


@bp.get("/")
@requires("evidence.flag")
def index():
    state = request.args.get("state", "pending" if can(current_user, "evidence.review") else "")
    if state not in {s.value for s in EvidenceState}:
        state = ""
    found = evidence.staff_list(current_user.office, current_user, state=state or None)
    return render_template(
        "evidence/index.html",
        page=paginate_list(found),
        findings_of=vignettes.findings,
        state=state,
        states=[s.value for s in EvidenceState],
    )


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@requires("evidence.flag")
def show(item_id: int):
    item = _load(item_id)
    form = ReviseForm(obj=None if request.method == "POST" else item)
    if request.method == "GET":
        form.service.data = item.service.code if item.service else ""
        form.version.data = str(item.version)
    elif item.state != EvidenceState.APPROVED:

        def revise():
            draft = evidence.EvidenceDraft(
                problem=form.problem.data,
                category=form.category.data or "",
                service=form.service.data or None,
                vignette=form.vignette.data or "",
            )
            evidence.revise(item, draft, version=_version(form), actor=current_user)

        if submit(form, revise):
            flash(_("Описанието е записано и чака одобрение."), "success")
            return redirect(url_for(".show", item_id=item.id), 303)
    return _page(item, form=form), status_of(form)


@bp.post("/<int:item_id>/approve")
@requires("evidence.review")
def approve(item_id: int):
    item = _load(item_id)
    form = ApproveForm()

    def approve():
        evidence.approve(
            item, version=_version(form), actor=current_user, checked=bool(form.checked.data)
        )

    if submit(form, approve):
        flash(_("Доказателството е одобрено: комисията вече го вижда."), "success")
        return redirect(url_for(".index"), 303)
    return _page(item, approve_form=form), 422


@bp.post("/<int:item_id>/reject")
@requires("evidence.review")
def reject(item_id: int):
    item = _load(item_id)
    form = RejectForm()

    def reject():
        evidence.reject(item, reason=form.reason.data, version=_version(form), actor=current_user)

    if submit(form, reject):
        flash(_("Доказателството е върнато на автора."), "success")
        return redirect(url_for(".index"), 303)
    return _page(item, reject_form=form), 422


def _version(form) -> int:
    return params.version(form.version.data, default=0)


def _page(item: EvidenceItem, *, form=None, approve_form=None, reject_form=None):
    if form is None:
        form = ReviseForm(formdata=None, obj=item)
        form.service.data = item.service.code if item.service else ""
    form.version.data = str(item.version)
    form.offer(evidence.item_office(item), item.service)
    approve_form = approve_form or ApproveForm(formdata=None, data={"version": item.version})
    reject_form = reject_form or RejectForm(formdata=None, data={"version": item.version})
    found = vignettes.findings(item.vignette)
    return render_template(
        "evidence/show.html",
        item=item,
        form=form,
        approve_form=approve_form,
        reject_form=reject_form,
        findings=found,
        warning=vignette_warning(found) if found else None,
        marked=marked(item.vignette, found),
    )
