"""Logging in and out under /login and /logout: the password, then, for a user with 2FA or
of a role that requires it, the code step or first-login enrolment; the session's user.

After the password, such a user holds only a *pending* login in the session (user id,
session version, time, next page) — never the secret — until a TOTP or recovery code is
given. The user's own password and 2FA settings are settings.py.
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
from flask_login import current_user

from bureau import ratelimit
from bureau.domain import accounts, mfa, throttle
from bureau.extensions import db, limiter, login_manager
from bureau.models import User
from bureau.permissions import public, requires
from bureau.web.account.forms import CodeForm, LoginForm
from bureau.web.common import audit, proof, sessions
from bureau.web.common.errors import json_error
from bureau.web.common.forms import submit
from bureau.web.common.urls import qr_svg, safe_next

bp = Blueprint("account", __name__)
PENDING = "mfa_pending"
PENDING_SECONDS = 10 * 60
SETUP_AT = "mfa_setup_at"  # when the password was last re-entered to change 2FA
CODE_LIMIT = "5 per minute;30 per hour"


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.login_message = _l("Моля, влезте, за да продължите.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie, if that session has not been ended since."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.blueprint == "api":
        return json_error(401, "unauthorized", _("Нужен е валиден API токен."))
    flash(_("Моля, влезте, за да продължите."), "info")
    return redirect(url_for("account.login", next=request.full_path.rstrip("?")))


def _logged_in(response) -> bool:
    return response.status_code == 303


@bp.route("/login", methods=["GET", "POST"])
@ratelimit.failures_only(_logged_in)
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
def login():
    """The password step. Failures are limited per address here (Flask-Limiter, over all
    accounts) and per account in accounts.authenticate (throttle buckets)."""
    target = safe_next(request.args.get("next"), url_for("public.home"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        subject = "account:" + accounts.normalise_email(form.email.data)
        source, proven = proof.source_for(subject)
        try:
            user = accounts.authenticate(
                form.email.data,
                form.password.data,
                source=source,
                proven=proven,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except throttle.TooManyAttempts as refused:
            flash(str(refused.message), "danger")
            page = render_template("account/login.html", form=form)
            return page, 429, {"Retry-After": str(refused.wait)}
        if user is not None:
            # A new session, or the 2FA step; this browser is now known to the account.
            return proof.remember(after_password(user, target), subject)
        audit.login_failed(form.email.data)
        flash(_("Грешен e-mail или парола."), "danger")
    return render_template("account/login.html", form=form)


@bp.post("/logout")
@requires("account.self")
def logout():
    accounts.end_sessions(current_user)
    audit.log("auth.logout")
    sessions.end()
    flash(_("Излязохте от системата."), "info")
    return redirect(url_for("account.login"), 303)


def after_password(user: User, target: str):
    """The step after a right password: straight in, or to the code (or enrolment) page."""
    enrolled = mfa.is_enrolled(user)
    if not enrolled and not mfa.required_for(user, current_app.config["MFA_REQUIRED_ROLES"]):
        sessions.start(user)
        audit.log("auth.login", user, actor=user, mfa=False)
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
    return redirect(url_for("account.mfa_verify" if enrolled else "account.mfa_enrol"), 303)


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
    return redirect(url_for("account.login"), 303)


@bp.route("/login/mfa", methods=["GET", "POST"])
@ratelimit.failures_only(_accepted)
@public
@limiter.limit(_limit, key_func=_code_key, methods=["POST"])
def mfa_verify():
    user, pending = _pending()
    if user is None:
        return _start_again()
    if not mfa.is_enrolled(user):
        return redirect(url_for("account.mfa_enrol"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        via = mfa.verify(user, form.code.data)
        if via:
            sessions.start(user, mfa=True)
            audit.log("auth.login", user, actor=user, mfa=via)
            if via == "recovery":
                left = mfa.remaining_recovery_codes(user)
                flash(_("Използвахте код за възстановяване; остават %(n)d.", n=left), "warning")
            return redirect(pending["next"], 303)
        audit.log("auth.mfa_failed", user, actor=None)
        flash(_("Кодът не е верен."), "danger")
    return render_template("account/mfa_verify.html", form=form)


@bp.route("/login/mfa/enrol", methods=["GET", "POST"])
@ratelimit.failures_only(_accepted)
@public
@limiter.limit(_limit, key_func=_code_key, methods=["POST"])
def mfa_enrol():
    """First login of a role that requires 2FA: set up the app before going in."""
    user, pending = _pending()
    if user is None:
        return _start_again()
    if mfa.is_enrolled(user):
        return redirect(url_for("account.mfa_verify"), 303)
    found = mfa.begin_enrolment(user)
    form = CodeForm()
    if codes := confirm_enrolment(user, form):
        audit.log("account.mfa_enabled", user, actor=user)
        audit.log("auth.login", user, actor=user, mfa="totp")
        return render_template("account/mfa_codes.html", codes=codes, next=pending["next"])
    return render_template(
        "account/mfa_enrol.html", form=form, forced=True, **enrolment_qr(user, found)
    )


def confirm_enrolment(user: User, form: CodeForm) -> list[str] | None:
    """The first code from the app confirms it: the recovery codes, and a new session (the
    user's others have just ended); None while the form is not posted or the code is wrong."""
    codes = submit(form, lambda: mfa.confirm_enrolment(user, form.code.data))
    if codes:
        sessions.start(user, mfa=True)
    return codes or None


def enrolment_qr(user: User, found) -> dict:
    uri = mfa.provisioning_uri(user, found)
    grouped = " ".join(found.secret[i : i + 4] for i in range(0, len(found.secret), 4))
    return {"qr": qr_svg(uri), "secret": grouped}
