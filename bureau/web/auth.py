"""Login, logout and the user's own password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from bureau import ratelimit
from bureau.domain import DomainError, accounts, throttle
from bureau.extensions import db, limiter, login_manager
from bureau.models import User
from bureau.permissions import public, requires
from bureau.web import audit, mfa, proof, sessions
from bureau.web.helpers import form_error, safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Въведете e-mail."))])
    password = PasswordField(_l("Парола"), validators=[DataRequired(_l("Въведете парола."))])


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Текуща парола"), validators=[DataRequired(_l("Въведете текущата парола."))]
    )
    password = PasswordField(
        _l("Нова парола"),
        validators=[DataRequired(_l("Въведете нова парола.")), Length(max=128)],
        description=_l(
            "Поне 12 знака. Фраза от няколко думи е лесна за помнене и трудна за отгатване."
        ),
    )
    confirm = PasswordField(
        _l("Повторете новата парола"),
        validators=[EqualTo("password", _l("Двете пароли не съвпадат."))],
    )


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
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
        from bureau.web.api import json_error

        return json_error(401, "unauthorized", _("Нужен е валиден API токен."))
    flash(_("Моля, влезте, за да продължите."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _logged_in(response) -> bool:
    return response.status_code == 303


@bp.route("/login", methods=["GET", "POST"])
@ratelimit.failures_only(_logged_in)
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
def login():
    """The password step. Failures are limited per address here (Flask-Limiter, over all
    accounts) and per account in accounts.authenticate (throttle buckets)."""
    target = safe_next(request.args.get("next"), url_for("main.home"))
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
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(refused.wait)}
        if user is not None:
            # A new session, or the 2FA step; this browser is now known to the account.
            return proof.remember(mfa.after_password(user, target), subject)
        audit.login_failed(form.email.data)
        flash(_("Грешен e-mail или парола."), "danger")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires("account.self")
def logout():
    accounts.end_sessions(current_user)
    audit.log("auth.logout")
    sessions.end()
    flash(_("Излязохте от системата."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.get("/session")
@requires("account.self")
def session_left():
    """How long the session has left (asked by the page's warning; not activity)."""
    return jsonify(seconds_left=sessions.seconds_left())


@bp.get("/session/keepalive")
@requires("account.self")
def keepalive():
    """ "Stay signed in": counts as activity, like opening any page."""
    return jsonify(seconds_left=sessions.seconds_left())


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.self")
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user,
                current=form.current.data,
                new=form.password.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            # A fresh cookie for the new session version (the user, not the proxy).
            login_user(current_user._get_current_object())
            audit.log("account.password_changed")
            flash(_("Паролата е сменена. Другите ви сесии са прекратени."), "success")
            return redirect(url_for("main.home"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
