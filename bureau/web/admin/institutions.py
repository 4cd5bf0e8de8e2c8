"""/admin/institutions: where cases are referred. A coordinator keeps the office's own
and sees the national ones; the administrator keeps all, national ones included
(office "— national —", id 0 in the form)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import offices
from bureau.domain.referrals import institutions
from bureau.extensions import db
from bureau.models import Institution, Role
from bureau.permissions import requires
from bureau.web.admin.forms import InstitutionForm
from bureau.web.admin.views import bp
from bureau.web.common.forms import status_of, submit

NATIONAL = 0


@bp.get("/institutions/")
@requires("institutions.edit")
def institutions_list():
    listed = list(db.session.scalars(institutions.listed(current_user)))
    names = {o.id: o.code for o in offices.list_offices()}
    return render_template(
        "admin/institutions.html",
        institutions=listed,
        offices=names,
        may_edit=lambda i: institutions.may_edit(current_user, i),
    )


@bp.route("/institutions/new", methods=["GET", "POST"])
@requires("institutions.edit")
def new_institution():
    return _edit(None)


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
@requires("institutions.edit")
def edit_institution(institution_id: int):
    institution = db.session.get(Institution, institution_id)
    if institution is None or not institutions.may_edit(current_user, institution):
        abort(404)  # another office's, or a national one for a coordinator
    return _edit(institution)


def _edit(institution: Institution | None):
    form = InstitutionForm(obj=institution)
    if current_user.role == Role.ADMIN:
        choices = [(NATIONAL, _("— национална, за всички офиси —"))]
        choices += [(o.id, o.name) for o in offices.list_offices()]
    else:
        choices = [(o.id, o.name) for o in offices.list_offices() if o.id == current_user.office_id]
    form.office.choices = choices
    if institution is not None:
        form.office.data = institution.office_id or NATIONAL  # it stays where it is
    chosen = form.office.data if form.office.data in dict(choices) else choices[0][0]

    def save():
        office_id = None if chosen == NATIONAL else chosen
        return institutions.save(
            form.to_data(), office_id=office_id, actor=current_user, institution=institution
        )

    if saved := submit(form, save):
        flash(_("Институцията „%(name)s“ е запазена.", name=saved.name), "success")
        return redirect(url_for("admin.institutions_list"), 303)
    page = render_template("admin/institution_form.html", form=form, institution=institution)
    return page, status_of(form)
