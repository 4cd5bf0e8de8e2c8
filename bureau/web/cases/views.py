"""Cases: the list with filters, the case page, and the work done on a case (STEPS)."""

from collections.abc import Callable
from dataclasses import dataclass

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from bureau.domain import experts, offices, referrals, taxonomy
from bureau.domain.cases import (
    attachments,
    lifecycle,
    queues,
    routing,
    search,
    service,
    timeline,
)
from bureau.domain.recommendations import evidence, vignettes
from bureau.extensions import db
from bureau.models import Inquiry, Referral, Role, Status, problem_codes
from bureau.permissions import can, requires
from bureau.web.cases import forms
from bureau.web.common import audit, casework, params
from bureau.web.common.forms import form_error, service_choices, vignette_warning
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
    if code := args.get("category"):
        category = taxonomy.get_category(code)
        filters.category_id = category.id if category else None
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
    office = current_user.office
    return {
        "experts": experts.office_experts(office.id, profiles=False) if office else [],
        "settlements": office.settlements if office else [],
        "categories": taxonomy.categories(active_only=False, subcategories=False),
    }


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
    institutions = offices.institutions(case.office_id)
    referral = posted.get("referral") or forms.ReferralForm(formdata=None)
    referral.institution.choices = [(0, _("— изберете —"))] + [(i.id, i.name) for i in institutions]
    service_link = posted.get("service_link") or forms.ServiceLinkForm(
        formdata=None,
        data={
            **version,
            "service": case.service.code if case.service else "",
            "problems": problem_codes(case.service_problems),
        },
    )
    service_link.service.choices = service_choices(case.office, str(get_locale()), case.service)
    context = {
        **_evidence(case, posted.get("evidence")),
        "inquiry": case,
        "assign": posted.get("assign") or forms.AssignForm(formdata=None, data=version),
        "decline": posted.get("decline") or forms.DeclineForm(formdata=None, data=version),
        "transition": posted.get("transition") or forms.TransitionForm(formdata=None, data=version),
        "note": posted.get("note") or forms.NoteForm(formdata=None),
        "contact": posted.get("contact") or forms.ContactForm(formdata=None),
        "reply": posted.get("reply")
        or forms.ReplyForm(formdata=None, data={**version, "body": case.public_reply or ""}),
        "referral": referral,
        "service_link": service_link,
        "upload": posted.get("upload") or forms.AttachmentForm(formdata=None),
        "targets": lifecycle.allowed_targets(case, current_user),
        "candidates": routing.rank_experts(case) if can(current_user, "case.assign") else [],
        "attachments": attachments.of_case(case),
        "referrals": referrals.of_case(case),
        "referral_overdue": referrals.overdue,
        "link_active": referrals.link_active,
    }
    return render_template("cases/show.html", **context), status


@dataclass(frozen=True)
class Step:
    """One kind of work on a case, posted from its page: who may do it, the form that
    carries it (and shows a refusal where `slot` says on the page), the one domain call
    it makes and the message when it is done."""

    permission: str
    form: Callable[[], FlaskForm]
    done: str
    slot: str
    run: Callable[[Inquiry, FlaskForm], object]


def step(path: str, permission: str, form, done: str, *, slot: str | None = None):
    """Serve the decorated `run(case, form)` as POST /cases/<reference>/<path>, named
    after it: the form validated, the action run, committed or shown again as typed."""

    def register(run):
        work = Step(permission, form, done, slot or path, run)

        def view(reference: str):
            return _act(reference, work)

        view.__name__ = run.__name__
        bp.add_url_rule(
            f"/<reference>/{path}",
            methods=["POST"],
            view_func=requires(permission)(keeps_typed(view)),
        )
        return run

    return register


def _act(reference: str, step: Step):
    """Validate the step's form, run its domain action, commit-or-show: the shape of every POST."""
    case = _load(reference, step.permission)
    form = step.form()
    if form.validate_on_submit():
        refused = casework.run(case, lambda: step.run(case, form))
        if refused is None:
            flash(str(step.done), "success")
            return redirect(url_for("cases.show", reference=case.reference), 303)
        if refused.error is None:
            flash(_("Случаят беше променен междувременно. Опитайте отново."), "warning")
            return _page(_load(reference, step.permission), 409, **{step.slot: form})
        if refused.status == 409:
            flash(str(refused.error.message), "warning")
            return _page(case, 409, **{step.slot: form})
        form_error(form, refused.error)
    return _page(case, 422, **{step.slot: form})


def _lifecycle(case: Inquiry, action: str, form, **data) -> None:
    version = form.expected_version()
    lifecycle.act(case, action, actor=current_user, expected_version=version, **data)


@step("assign", "case.assign", forms.AssignForm, _l("Случаят е възложен."))
def assign(case: Inquiry, form: forms.AssignForm) -> None:
    _lifecycle(case, "assign", form, expert_id=form.expert.data)


@step("accept", "case.work", forms.VersionedForm, _l("Приехте случая."), slot="assign")
def accept(case: Inquiry, form: forms.VersionedForm) -> None:
    _lifecycle(case, "accept", form)


@step("decline", "case.work", forms.DeclineForm, _l("Случаят е върнат на координатора."))
def decline(case: Inquiry, form: forms.DeclineForm) -> None:
    _lifecycle(case, "decline", form, reason=form.reason.data)


@step("transition", "case.work", forms.TransitionForm, _l("Статусът е сменен."))
def transition(case: Inquiry, form: forms.TransitionForm) -> None:
    _lifecycle(
        case,
        "move",
        form,
        to=form.to.data,
        outcome=form.outcome.data,
        summary=form.summary.data,
        reason=form.reason.data,
    )


@step("notes", "case.work", forms.NoteForm, _l("Бележката е добавена."), slot="note")
def add_note(case: Inquiry, form: forms.NoteForm) -> None:
    timeline.add_note(case, body=form.body.data, actor=current_user)


@step("contacts", "case.work", forms.ContactForm, _l("Контактът е записан."), slot="contact")
def log_contact(case: Inquiry, form: forms.ContactForm) -> None:
    timeline.log_contact(case, kind=form.kind.data, body=form.body.data, actor=current_user)


@step("reply", "case.work", forms.ReplyForm, _l("Отговорът до гражданина е записан."))
def reply(case: Inquiry, form: forms.ReplyForm) -> None:
    version = form.expected_version()
    timeline.set_public_reply(
        case,
        body=form.body.data,
        actor=current_user,
        expected_version=version,
        answer_id=params.identifier(form.answer_id.data, "answer_id"),
    )


@step(
    "service",
    "case.work",
    forms.ServiceLinkForm,
    _l("Услугата е записана."),
    slot="service_link",
)
def link_service(case: Inquiry, form: forms.ServiceLinkForm) -> None:
    service.link(
        case,
        service=form.service.data or None,
        problems=form.problems.data or [],
        actor=current_user,
        expected_version=form.expected_version(),
    )


def _evidence(case: Inquiry, form: forms.EvidenceForm | None) -> dict:
    """The case's evidence items and the form to flag it (open when the case was escalated)."""
    if not can(current_user, "evidence.flag", case):
        return {"evidence_form": None}
    if form is None:
        data = {
            "category": case.category.code,
            "service": case.service.code if case.service else "",
        }
        form = evidence_form(formdata=None, data=data)
    form.offer(case.office, case.service)
    return {
        "evidence_form": form,
        "evidence_items": evidence.for_case(case),
        "evidence_proposed": evidence.proposed(case),
    }


def evidence_form(**options) -> forms.EvidenceForm:
    """Its fields named apart from the case's own service form on the same page."""
    return forms.EvidenceForm(prefix="evidence", **options)


@step("evidence", "evidence.flag", evidence_form, _l("Случаят е отбелязан като "
      "доказателство. Координаторът ще прегледа описанието."))  # fmt: skip
def flag_evidence(case: Inquiry, form: forms.EvidenceForm) -> None:
    draft = evidence.EvidenceDraft(
        problem=form.problem.data,
        category=form.category.data or "",
        service=form.service.data or None,
        vignette=form.vignette.data or "",
    )
    item = evidence.flag(case, draft, actor=current_user)
    if found := vignettes.findings(item.vignette):
        flash(vignette_warning(found), "warning")


def _referral_form() -> forms.ReferralForm:
    form = forms.ReferralForm()
    form.institution.choices = None  # validated by the domain: institution of this office
    form.institution.validate_choice = False
    return form


@step("referrals", "case.work", _referral_form, _l("Насочването е записано."), slot="referral")
def refer(case: Inquiry, form: forms.ReferralForm) -> None:
    institution_id = params.identifier(str(form.institution.data or ""), "institution") or 0
    timeline.refer(
        case,
        institution_id=institution_id,
        note=form.note.data,
        summary=form.summary.data,
        consent=form.consent.data,
        actor=current_user,
    )


@bp.post("/<reference>/referrals/<int:referral_id>/revoke")
@requires("case.work")
def revoke_referral_link(reference: str, referral_id: int):
    """Stop the institution's link at once."""
    return _referral_link(reference, referral_id, "revoke")


@bp.post("/<reference>/referrals/<int:referral_id>/resend")
@requires("case.work")
def resend_referral_link(reference: str, referral_id: int):
    """Send the institution a new link (the old one stops working)."""
    return _referral_link(reference, referral_id, "resend")


def _referral_link(reference: str, referral_id: int, action: str):
    case = _load(reference, "case.work")
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.inquiry_id != case.id or not FlaskForm().validate_on_submit():
        abort(404)
    act = referrals.revoke if action == "revoke" else referrals.resend
    refused = casework.run(case, lambda: act(referral, actor=current_user))
    if refused is not None and refused.error is not None:
        flash(str(refused.error.message), "warning")
    elif refused is None:
        done = _("Връзката е спряна.") if action == "revoke" else _("Изпратена е нова връзка.")
        flash(done, "success")
    return redirect(url_for("cases.show", reference=case.reference, _anchor="referrals"), 303)


@step("attachments", "case.work", forms.AttachmentForm, _l("Файлът е прикачен."), slot="upload")
def upload(case: Inquiry, form: forms.AttachmentForm) -> None:
    file = form.file.data
    attachments.save(
        case,
        stream=file.stream,
        filename=file.filename or "",
        folder=current_app.config["UPLOAD_FOLDER"],
        max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
        actor=current_user,
    )


@bp.get("/<reference>/attachments/<int:attachment_id>")
@requires("case.view")
def download(reference: str, attachment_id: int):
    case = _load(reference)
    attachment = attachments.for_case(case, attachment_id) or abort(404)
    audit.log("attachment.download", case, attachment=attachment.id)
    path = f"{current_app.config['UPLOAD_FOLDER']}/{attachment.stored_name}"
    # Always a download, never rendered in the browser: an upload cannot run as a page.
    name = attachments.display_name(attachment.filename)  # also names stored before the check
    return send_file(
        path, mimetype="application/octet-stream", as_attachment=True, download_name=name, max_age=0
    )
