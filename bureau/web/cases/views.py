"""Cases: the list with filters, the case page, and the work done on a case."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from bureau.domain.cases import attachments, lifecycle, queues, routing, search, timeline
from bureau.extensions import db
from bureau.models import Category, Inquiry, Institution, Role, Status, User
from bureau.permissions import can, requires
from bureau.web.cases import forms
from bureau.web.common import audit, casework, params
from bureau.web.common.forms import form_error
from bureau.web.common.kept_forms import keeps_typed
from bureau.web.common.loaders import case_or_404, case_page
from bureau.web.common.urls import list_args

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
@requires("case.view")
def index():
    filters, args = _filters()
    page = case_page(filters)
    audit.log("case.list", results=page.total, page=page.page, search=bool(filters.q))
    return render_template("cases/index.html", page=page, args=args, **_filter_choices())


def _filters() -> tuple[search.CaseFilters, dict]:
    """CaseFilters from the query string (`status`, `category`, `expert`, `settlement`,
    `q`, `overdue`, `due_soon`, `sort`): unknown codes are ignored, a malformed id is a 400."""
    args = request.args
    filters = search.CaseFilters(q=args.get("q", "").strip())
    if args.get("status") in {s.value for s in Status}:
        filters.status = args["status"]
    if category := args.get("category"):
        filters.category_id = db.session.scalar(
            select(Category.id).where(Category.code == category)
        )
    expert = args.get("expert", "me" if current_user.role == Role.EXPERT else "")
    if expert == "me":
        filters.expert_id = current_user.id
    elif expert == "none":
        filters.unassigned = True
    else:
        filters.expert_id = params.identifier(expert, "expert")
    filters.settlement_id = params.identifier(args.get("settlement"), "settlement")
    filters.overdue = args.get("overdue") in ("1", "on", "true")
    filters.due_soon = args.get("due_soon") in ("1", "on", "true")
    sort = args.get("sort", "-received")
    if sort.lstrip("-") not in search.SORTS:
        sort = "-received"  # an unknown column: the default order, newest first
    filters.descending = sort.startswith("-")
    filters.sort = sort.lstrip("-")
    return filters, {**args.to_dict(), "expert": expert, "sort": sort}


def _filter_choices() -> dict:
    office_id = current_user.office_id
    experts = db.session.scalars(
        select(User)
        .where(User.office_id == office_id, User.role == Role.EXPERT)
        .order_by(User.name)
    ).all()
    settlements = current_user.office.settlements if current_user.office else []
    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    return {"experts": experts, "settlements": settlements, "categories": categories}


@bp.get("/dashboard")
@requires("dashboard.operations")
def dashboard():
    return render_template(
        "cases/dashboard.html", list_args=list_args, **queues.dashboard(current_user)
    )


@bp.get("/<reference>")
@requires("case.view")
def show(reference: str):
    case = _load(reference)
    if reference != case.reference:  # typed loosely (`krs-2026-42`): the case's own address
        return redirect(url_for("cases.show", reference=case.reference), 301)
    audit.log("case.view", case)  # a read of personal data: always in the audit trail
    return _page(case)


_load = case_or_404


def _page(case: Inquiry, status: int = 200, **posted):
    """The case page; a form that was posted and refused is shown as it was typed."""
    version = {"version": case.version}
    institutions = db.session.scalars(
        select(Institution).where(Institution.office_id == case.office_id, Institution.active)
    ).all()
    referral = posted.get("referral") or forms.ReferralForm(formdata=None)
    referral.institution.choices = [(0, _("— изберете —"))] + [(i.id, i.name) for i in institutions]
    context = {
        "inquiry": case,
        "assign": posted.get("assign") or forms.AssignForm(formdata=None, data=version),
        "decline": posted.get("decline") or forms.DeclineForm(formdata=None, data=version),
        "transition": posted.get("transition") or forms.TransitionForm(formdata=None, data=version),
        "note": posted.get("note") or forms.NoteForm(formdata=None),
        "contact": posted.get("contact") or forms.ContactForm(formdata=None),
        "reply": posted.get("reply")
        or forms.ReplyForm(formdata=None, data={**version, "body": case.public_reply or ""}),
        "referral": referral,
        "upload": posted.get("upload") or forms.AttachmentForm(formdata=None),
        "targets": lifecycle.allowed_targets(case, current_user),
        "candidates": routing.rank_experts(case) if can(current_user, "case.assign") else [],
        "attachments": attachments.of_case(case),
    }
    return render_template("cases/show.html", **context), status


def _act(reference: str, permission: str, name: str, form, action, done: str):
    """Validate the form, run one domain action, commit-or-show: the shape of every POST."""
    case = _load(reference, permission)
    if form.validate_on_submit():
        refused = casework.run(case, lambda: action(case, form))
        if refused is None:
            flash(done, "success")
            return redirect(url_for("cases.show", reference=case.reference), 303)
        if refused.error is None:
            flash(_("Случаят беше променен междувременно. Опитайте отново."), "warning")
            return _page(_load(reference, permission), 409, **{name: form})
        if refused.status == 409:
            flash(str(refused.error.message), "warning")
            return _page(case, 409, **{name: form})
        form_error(form, refused.error)
    return _page(case, 422, **{name: form})


@bp.post("/<reference>/assign")
@requires("case.assign")
@keeps_typed
def assign(reference: str):
    def action(case, form):
        lifecycle.act(case, "assign", expert_id=form.expert.data, actor=current_user,
                          expected_version=form.expected_version())  # fmt: skip

    return _act(reference, "case.assign", "assign", forms.AssignForm(), action,
                _("Случаят е възложен."))  # fmt: skip


@bp.post("/<reference>/accept")
@requires("case.work")
@keeps_typed
def accept(reference: str):
    def action(case, form):
        lifecycle.act(case, "accept", actor=current_user, expected_version=form.expected_version())

    return _act(reference, "case.work", "assign", forms.VersionedForm(), action,
                _("Приехте случая."))  # fmt: skip


@bp.post("/<reference>/decline")
@requires("case.work")
@keeps_typed
def decline(reference: str):
    def action(case, form):
        lifecycle.act(case, "decline", actor=current_user, reason=form.reason.data,
                           expected_version=form.expected_version())  # fmt: skip

    return _act(reference, "case.work", "decline", forms.DeclineForm(), action,
                _("Случаят е върнат на координатора."))  # fmt: skip


@bp.post("/<reference>/transition")
@requires("case.work")
@keeps_typed
def transition(reference: str):
    def action(case, form):
        lifecycle.act(
            case, "move", to=form.to.data, actor=current_user, outcome=form.outcome.data or None,
            summary=form.summary.data, reason=form.reason.data,
            expected_version=form.expected_version(),
        )  # fmt: skip

    return _act(reference, "case.work", "transition", forms.TransitionForm(), action,
                _("Статусът е сменен."))  # fmt: skip


@bp.post("/<reference>/notes")
@requires("case.work")
@keeps_typed
def add_note(reference: str):
    def action(case, form):
        timeline.add_note(case, body=form.body.data, actor=current_user)

    return _act(reference, "case.work", "note", forms.NoteForm(), action,
                _("Бележката е добавена."))  # fmt: skip


@bp.post("/<reference>/contacts")
@requires("case.work")
@keeps_typed
def log_contact(reference: str):
    def action(case, form):
        timeline.log_contact(case, kind=form.kind.data, body=form.body.data, actor=current_user)

    return _act(reference, "case.work", "contact", forms.ContactForm(), action,
                _("Контактът е записан."))  # fmt: skip


@bp.post("/<reference>/reply")
@requires("case.work")
@keeps_typed
def reply(reference: str):
    def action(case, form):
        timeline.set_public_reply(case, body=form.body.data, actor=current_user,
                                  expected_version=form.expected_version())  # fmt: skip

    return _act(reference, "case.work", "reply", forms.ReplyForm(), action,
                _("Отговорът до гражданина е записан."))  # fmt: skip


@bp.post("/<reference>/referrals")
@requires("case.work")
@keeps_typed
def refer(reference: str):
    form = forms.ReferralForm()
    form.institution.choices = None  # validated by the domain: institution of this office
    form.institution.validate_choice = False

    def action(case, form):
        institution_id = params.identifier(str(form.institution.data or ""), "institution")
        timeline.refer(case, institution_id=institution_id or 0, note=form.note.data,
                       consent=form.consent.data, actor=current_user)  # fmt: skip

    return _act(reference, "case.work", "referral", form, action, _("Насочването е записано."))


@bp.post("/<reference>/attachments")
@requires("case.work")
@keeps_typed
def upload(reference: str):
    def action(case, form):
        file = form.file.data
        attachments.save(
            case, stream=file.stream, filename=file.filename or "",
            folder=current_app.config["UPLOAD_FOLDER"],
            max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"], actor=current_user,
        )  # fmt: skip

    return _act(reference, "case.work", "upload", forms.AttachmentForm(), action,
                _("Файлът е прикачен."))  # fmt: skip


@bp.get("/<reference>/attachments/<int:attachment_id>")
@requires("case.view")
def download(reference: str, attachment_id: int):
    case = _load(reference)
    attachment = attachments.for_case(case, attachment_id) or abort(404)
    audit.log("attachment.download", case, attachment=attachment.id)
    path = f"{current_app.config['UPLOAD_FOLDER']}/{attachment.stored_name}"
    # Always a download, never rendered in the browser: an upload cannot run as a page.
    name = attachments.display_name(attachment.filename)  # also names stored before the check
    return send_file(path, mimetype="application/octet-stream", as_attachment=True,
                     download_name=name, max_age=0)  # fmt: skip
