"""Two-factor login (the code step and first-login enrolment) and the user's 2FA settings.

After the password, a user with 2FA, or of a role that requires it, holds only a
*pending* login in the session (user id, session version, time, next page) — never
the secret — until a TOTP or recovery code is given.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from bureau import ratelimit
from bureau.domain import DomainError, mfa
from bureau.extensions import db, limiter
from bureau.models import User
from bureau.permissions import public, requires
from bureau.web import sessions
from bureau.web.audit import log
from bureau.web.desk import qr_svg
from bureau.web.helpers import form_error

bp = Blueprint("mfa", __name__)
PENDING = "mfa_pending"
PENDING_SECONDS = 10 * 60
SETUP_AT = "mfa_setup_at"  # when the password was last re-entered to change 2FA
CODE_LIMIT = "5 per minute;30 per hour"


class CodeForm(FlaskForm):
    code = StringField(
        _l("Код"),
        validators=[DataRequired(_l("Въведете кода.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class ReauthForm(FlaskForm):
    password = PasswordField(
        _l("Текуща парола"), validators=[DataRequired(_l("Въведете текущата парола."))]
    )


def after_password(user: User, target: str):
    """The step after a right password: straight in, or to the code (or enrolment) page."""
    enrolled = mfa.is_enrolled(user)
    if not enrolled and not mfa.required_for(user, current_app.config["MFA_REQUIRED_ROLES"]):
        sessions.start(user)
        log("auth.login", user, actor=user, mfa=False)
        return redirect(target, 303)
    kept = {key: session[key] for key in sessions.KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)  # the language, and a form kept for after the login
    session[PENDING] = {
        "user": user.id,
        "version": user.session_version,
        "at": int(sessions.now()),
        "next": target,
    }
    return redirect(url_for("mfa.verify" if enrolled else "mfa.enrol"), 303)


def _pending() -> tuple[User | None, dict]:
    """The user half-way through logging in on this browser, if still in time."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None, {}
    user = db.session.get(User, pending.get("user") or 0)
    fresh = sessions.now() - pending.get("at", 0) <= PENDING_SECONDS
    if user is None or not fresh or not user.active or user.session_version != pending["version"]:
        session.pop(PENDING, None)
        return None, {}
    return user, pending


def _code_key() -> str:
    pending = session.get(PENDING) or {}
    return f"mfa:{pending.get('user') or request.remote_addr}"


def _accepted(response) -> bool:
    return response.status_code == 303


def _limit():
    return current_app.config.get("MFA_LIMIT_PER_ACCOUNT", CODE_LIMIT)


def _start_again():
    flash(_("Времето за влизане изтече. Въведете отново e-mail и парола."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/login/mfa", methods=["GET", "POST"])
@ratelimit.failures_only(_accepted)
@public
@limiter.limit(_limit, key_func=_code_key, methods=["POST"])
def verify():
    user, pending = _pending()
    if user is None:
        return _start_again()
    if not mfa.is_enrolled(user):
        return redirect(url_for("mfa.enrol"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        via = mfa.verify(user, form.code.data)
        if via:
            sessions.start(user, mfa=True)
            log("auth.login", user, actor=user, mfa=via)
            if via == "recovery":
                left = mfa.remaining_recovery_codes(user)
                flash(_("Използвахте код за възстановяване; остават %(n)d.", n=left), "warning")
            return redirect(pending["next"], 303)
        log("auth.mfa_failed", user, actor=None)
        flash(_("Кодът не е верен."), "danger")
    return render_template("mfa/verify.html", form=form)


@bp.route("/login/mfa/enrol", methods=["GET", "POST"])
@ratelimit.failures_only(_accepted)
@public
@limiter.limit(_limit, key_func=_code_key, methods=["POST"])
def enrol():
    """First login of a role that requires 2FA: set up the app before going in."""
    user, pending = _pending()
    if user is None:
        return _start_again()
    if mfa.is_enrolled(user):
        return redirect(url_for("mfa.verify"), 303)
    found = mfa.begin_enrolment(user)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = mfa.confirm_enrolment(user, form.code.data)
        except DomainError as error:
            form_error(form, error)
        else:
            sessions.start(user, mfa=True)
            log("account.mfa_enabled", user, actor=user)
            log("auth.login", user, actor=user, mfa="totp")
            return render_template("mfa/codes.html", codes=codes, next=pending["next"])
    return render_template("mfa/enrol.html", form=form, forced=True, **_qr(user, found))


def _qr(user: User, found) -> dict:
    uri = mfa.provisioning_uri(user, found)
    grouped = " ".join(found.secret[i : i + 4] for i in range(0, len(found.secret), 4))
    return {"qr": qr_svg(uri), "secret": grouped}


@bp.get("/account/security")
@requires("account.self")
def account():
    user = current_user
    return render_template(
        "mfa/account.html",
        enrolled=mfa.is_enrolled(user),
        required=mfa.required_for(user, current_app.config["MFA_REQUIRED_ROLES"]),
        remaining=mfa.remaining_recovery_codes(user),
        form=ReauthForm(),
    )


def _reauthenticated() -> bool:
    """The password was re-entered on this form; a wrong one is shown as a message."""
    form = ReauthForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_l("Въведете текущата парола."))
        mfa.reauthenticate(current_user, form.password.data)
    except DomainError as error:
        flash(str(error.message), "danger")
        return False
    return True


@bp.post("/account/security/enable")
@requires("account.self")
def enable():
    if _reauthenticated():
        try:
            mfa.begin_enrolment(current_user)
        except DomainError as error:
            flash(str(error.message), "info")
        else:
            session[SETUP_AT] = int(sessions.now())
            return redirect(url_for("mfa.setup"), 303)
    return redirect(url_for("mfa.account"), 303)


@bp.route("/account/security/setup", methods=["GET", "POST"])
@requires("account.self")
def setup():
    user = current_user._get_current_object()
    found = mfa.credential(user)
    in_time = sessions.now() - session.get(SETUP_AT, 0) <= PENDING_SECONDS
    if found is None or found.confirmed_at is not None or not in_time:
        return redirect(url_for("mfa.account"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = mfa.confirm_enrolment(user, form.code.data)
        except DomainError as error:
            form_error(form, error)
        else:
            sessions.start(user, mfa=True)  # a new session: the others have just ended
            log("account.mfa_enabled", user)
            return render_template("mfa/codes.html", codes=codes, next=url_for("mfa.account"))
    return render_template("mfa/enrol.html", form=form, forced=False, **_qr(user, found))


@bp.post("/account/security/disable")
@requires("account.self")
def disable():
    user = current_user._get_current_object()
    if mfa.required_for(user, current_app.config["MFA_REQUIRED_ROLES"]):
        flash(_("Вашата роля изисква двуфакторно влизане."), "danger")
    elif _reauthenticated():
        mfa.disable(user)
        login_user(user)  # this session goes on (with the new session version)
        session.pop(sessions.MFA_DONE, None)
        log("account.mfa_disabled", user)
        flash(_("Двуфакторното влизане е изключено."), "success")
    return redirect(url_for("mfa.account"), 303)


@bp.post("/account/security/recovery-codes")
@requires("account.self")
def recovery_codes():
    user = current_user._get_current_object()
    if not mfa.is_enrolled(user) or not _reauthenticated():
        return redirect(url_for("mfa.account"), 303)
    codes = mfa.new_recovery_codes(user)
    log("account.recovery_codes", user)
    return render_template("mfa/codes.html", codes=codes, next=url_for("mfa.account"))


@bp.post("/admin/users/<int:user_id>/mfa-reset")
@requires("admin.users")
def admin_reset(user_id: int):
    """A lost phone and no recovery code: the administrator switches 2FA off; a role
    that requires it enrols again at the next login."""
    user = db.get_or_404(User, user_id)
    mfa.disable(user)
    log("admin.mfa_reset", user)
    flash(_("Двуфакторното влизане на %(name)s е нулирано.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)
