"""Coordinators manage their experts' profiles (administrators: every office's)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import experts, taxonomy
from bureau.domain.cases import routing
from bureau.extensions import db
from bureau.models import Role, User
from bureau.permissions import can, requires
from bureau.web.common import audit
from bureau.web.common.forms import status_of, submit, values
from bureau.web.experts.forms import ProfileForm

bp = Blueprint("experts", __name__, url_prefix="/experts")


def _office_id() -> int | None:
    return None if current_user.role == Role.ADMIN else current_user.office_id


@bp.get("/")
@requires("experts.manage")
def index():
    people = experts.office_experts(_office_id())
    loads = {}
    for office_id in {p.office_id for p in people if p.office_id}:
        loads.update(routing.open_loads(office_id))
    return render_template("experts/index.html", people=people, loads=loads)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires("experts.manage")
def edit(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.EXPERT or not can(current_user, "experts.manage", user):
        abort(404)
    profile = experts.profile_of(user)
    form = ProfileForm(obj=profile)
    locale = str(get_locale())
    form.expertise.choices = [(c.id, c.label(locale)) for c in taxonomy.categories()]
    if request.method == "GET":
        form.expertise.data = [c.id for c in profile.expertise]
    fields = ("affiliation", "organisation", "capacity", "on_leave_until", "public_name")

    def update():
        experts.update_profile(user, category_ids=form.expertise.data, **values(form, *fields))

    if submit(form, update):
        audit.log("experts.profile_updated", user)
        flash(_("Профилът на %(name)s е запазен.", name=user.name), "success")
        return redirect(url_for("experts.index"), 303)
    return render_template("experts/edit.html", form=form, expert=user), status_of(form)
