"""The administrator's area under /admin (one blueprint, `admin`): users, their 2FA reset,
offices and settlements here; categories, audit, privacy and outbox in their modules."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError, accounts, mfa, offices
from bureau.extensions import db
from bureau.models import User
from bureau.permissions import requires
from bureau.web.admin.forms import OfficeForm, ResetPasswordForm, SettlementForm, UserForm
from bureau.web.common import audit
from bureau.web.common.forms import status_of, submit, values
from bureau.web.common.labels import ROLE_LABELS
from bureau.web.common.params import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@requires("admin.users")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@requires("admin.users")
def users():
    q = request.args.get("q", "").strip()
    sort = request.args.get("sort", "name")
    role = request.args.get("role")
    query = accounts.users(q, role=role, sort=sort)
    page = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "admin/users.html", page=page, q=q, sort=sort, role=role, role_labels=ROLE_LABELS
    )


@bp.route("/users/new", methods=["GET", "POST"])
@requires("admin.users")
def create_user():
    form = UserForm()
    if user := submit(form, lambda: _create_user(form)):
        audit.log("admin.user_created", user, role=user.role.value)
        flash(_("Потребителят %(name)s е създаден.", name=user.name), "success")
        return redirect(url_for("admin.users"), 303)
    return render_template("admin/user_form.html", form=form, user=None), status_of(form)


def _create_user(form: UserForm) -> User:
    if not form.password.data:
        raise DomainError(_l("Въведете начална парола."), "password")
    data = values(form, "email", "name", "role", "password", "language")
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return accounts.create_user(office=form.chosen_office(), hash_method=method, **data)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("admin.users")
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    del form.password
    # The e-mail is the login name: shown, never changed here, so not re-validated
    # (accounts made from the command line, e.g. the demo's *.test ones, stay editable).
    form.email.validators = []
    form.email.data = user.email
    form.email.render_kw = {"readonly": True}
    if request.method == "GET":
        form.office.data = user.office_id or 0
        form.role.data = user.role.value

    def update():
        data = values(form, "name", "role", "active", "language")
        secretary = form.commission_secretary.data
        accounts.update_user(user, office=form.chosen_office(), secretary=secretary, **data)

    if submit(form, update):
        audit.log("admin.user_updated", user, role=user.role.value, active=user.active)
        flash(_("Промените са запазени."), "success")
        return redirect(url_for("admin.users"), 303)
    reset_form = ResetPasswordForm()
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=reset_form
    ), status_of(form)


@bp.post("/users/<int:user_id>/password")
@requires("admin.users")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(
                user, new=form.password.data, hash_method=current_app.config["PASSWORD_HASH_METHOD"]
            )
        except DomainError as error:
            flash(str(error.message), "danger")
            return redirect(url_for("admin.edit_user", user_id=user.id), 303)
        audit.log("admin.password_reset", user)
        flash(
            _("Паролата на %(name)s е сменена; сесиите му са прекратени.", name=user.name),
            "success",
        )
    else:
        flash(_("Въведете нова парола."), "danger")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.get("/offices")
@requires("admin.offices")
def office_list():
    return render_template("admin/offices.html", offices=offices.list_offices())


@bp.route("/offices/<code>", methods=["GET", "POST"])
@requires("admin.offices")
def edit_office(code: str):
    office = offices.get_office(code) or abort(404)
    form = OfficeForm(obj=office)
    if form.validate_on_submit():
        offices.update_office(office, **{f.name: f.data for f in form if f.name != "csrf_token"})
        audit.log("admin.office_updated", office, office_id=office.id)
        flash(_("Промените са запазени."), "success")
        return redirect(url_for("admin.office_list"), 303)
    return render_template(
        "admin/office_form.html", form=form, office=office, settlement_form=SettlementForm()
    ), status_of(form)


@bp.post("/offices/<code>/settlements")
@bp.post("/offices/<code>/settlements/<int:settlement_id>")
@requires("admin.offices")
def save_settlement(code: str, settlement_id: int | None = None):
    office = offices.get_office(code) or abort(404)
    settlement = None
    if settlement_id is not None:
        settlement = next((s for s in office.settlements if s.id == settlement_id), None)
        if settlement is None:
            abort(404)
    form = SettlementForm()
    if form.validate_on_submit():
        try:
            offices.save_settlement(
                office,
                name=form.name.data,
                ekatte=form.ekatte.data,
                population=form.population.data,
                active=form.active.data,
                settlement=settlement,
            )
        except DomainError as error:
            flash(str(error.message), "danger")
            return redirect(url_for("admin.edit_office", code=office.code), 303)
        audit.log("admin.office_updated", office, office_id=office.id, settlement=True)
        flash(_("Населеното място е запазено."), "success")
    else:
        for errors in form.errors.values():
            flash("; ".join(str(e) for e in errors), "danger")
    return redirect(url_for("admin.edit_office", code=office.code), 303)


@bp.post("/users/<int:user_id>/mfa-reset")
@requires("admin.users")
def reset_mfa(user_id: int):
    """A lost phone and no recovery code: the administrator switches 2FA off; a role
    that requires it enrols again at the next login."""
    user = db.get_or_404(User, user_id)
    mfa.disable(user)
    audit.log("admin.mfa_reset", user)
    flash(_("Двуфакторното влизане на %(name)s е нулирано.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)
