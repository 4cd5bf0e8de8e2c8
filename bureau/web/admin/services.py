"""/admin/services: the register of the municipality's services, kept by coordinators
(their office) and the administrator (any office). The file import is a command:
`flask --app wsgi services import FILE --office CODE`."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import offices
from bureau.domain.services import register
from bureau.extensions import db
from bureau.models import Role, Service
from bureau.permissions import can, requires
from bureau.web.admin.forms import ServiceForm
from bureau.web.admin.views import bp
from bureau.web.common.forms import status_of, submit
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


def _edit(service: Service | None):
    form = ServiceForm(obj=service)
    choices = offices.list_offices()
    if current_user.role != Role.ADMIN:
        choices = [o for o in choices if o.id == current_user.office_id]
    form.office.choices = [(o.id, o.name) for o in choices]
    if service is not None:
        form.office.data = service.office_id
    office = next((o for o in choices if o.id == form.office.data), choices[0] if choices else None)
    if office is None:
        abort(404)

    def save():
        return register.save(office, form.to_data(), actor=current_user, service=service)

    if saved := submit(form, save):
        flash(_("Услугата „%(name)s“ е запазена.", name=saved.name), "success")
        return redirect(url_for("admin.services"), 303)
    return render_template("admin/service_form.html", form=form, service=service), status_of(form)
