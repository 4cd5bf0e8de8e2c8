"""/admin/services: the register of the municipality's services, kept by coordinators
(their office) and the administrator (any office): one service at a time, or a whole
spreadsheet (…/import, as `flask --app wsgi services import FILE --office CODE` does)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import DomainError, offices
from bureau.domain.services import importing, ratings, register
from bureau.extensions import db
from bureau.models import Role, Service
from bureau.permissions import can, requires
from bureau.web.admin.forms import ServiceForm, ServiceImportForm
from bureau.web.admin.views import bp
from bureau.web.common.forms import form_error, status_of, submit
from bureau.web.common.labels import SERVICE_KINDS
from bureau.web.common.loaders import paginate


def _office_ids() -> list[int] | None:
    """The offices whose register the user keeps: the administrator, every office."""
    return None if current_user.role == Role.ADMIN else [current_user.office_id]


@bp.get("/services/")
@requires("services.edit")
def services():
    q = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind", "")
    page = paginate(register.search(_office_ids(), q, kind))
    locale = str(get_locale())
    return render_template(
        "admin/services.html", page=page, q=q, kind=kind, kinds=SERVICE_KINDS, locale=locale
    )


@bp.route("/services/new", methods=["GET", "POST"])
@requires("services.edit")
def new_service():
    return _edit(None)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@requires("services.edit")
def edit_service(service_id: int):
    service = db.session.get(Service, service_id)
    if service is None or not can(current_user, "services.edit", service):
        abort(404)  # another office's service is not there, as far as this user can tell
    return _edit(service)


@bp.route("/services/import", methods=["GET", "POST"])
@requires("services.edit")
def import_services():
    form = ServiceImportForm()
    office = _chosen_office(form)
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.stream.read(importing.MAX_BYTES + 1)
        try:
            report = importing.import_services(
                office,
                upload.filename or "",
                content,
                actor=current_user,
                dry_run=form.dry_run.data,
            )
        except DomainError as error:
            form_error(form, DomainError(error.message, "file"))
    status = 422 if form.is_submitted() and (report is None or report.refused) else 200
    return render_template("admin/services_import.html", form=form, report=report), status


def _chosen_office(form):
    """The office whose register the form is for: the coordinator's own; the
    administrator's choice (the first office until one is chosen)."""
    choices = offices.list_offices()
    if current_user.role != Role.ADMIN:
        choices = [o for o in choices if o.id == current_user.office_id]
    form.office.choices = [(o.id, o.name) for o in choices]
    chosen = next((o for o in choices if o.id == form.office.data), None)
    return chosen or (choices[0] if choices else abort(404))


def _edit(service: Service | None):
    form = ServiceForm(obj=service)
    if service is not None:
        form.office.data = service.office_id  # a service stays in its office
    office = _chosen_office(form)

    def save():
        return register.save(office, form.to_data(), actor=current_user, service=service)

    if saved := submit(form, save):
        flash(_("Услугата „%(name)s“ е запазена.", name=saved.name), "success")
        return redirect(url_for("admin.services"), 303)
    rated = ratings.summary(service) if service is not None else None
    comments = (
        ratings.comments(service)
        if service is not None and can(current_user, "feedback.comments")
        else []
    )
    page = render_template(
        "admin/service_form.html", form=form, service=service, rated=rated, comments=comments
    )
    return page, status_of(form)
