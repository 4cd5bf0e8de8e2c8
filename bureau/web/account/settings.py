"""The user's own account under /account: the password, and the second factor (switch it
on with the app, off where the role allows, new recovery codes)."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from bureau.domain import DomainError, accounts, mfa
from bureau.permissions import requires
from bureau.web.account.forms import CodeForm, PasswordForm, ReauthForm
from bureau.web.account.views import PENDING_SECONDS, SETUP_AT, bp, confirm_enrolment, enrolment_qr
from bureau.web.common import audit, sessions
from bureau.web.common.forms import status_of, submit


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.self")
def change_password():
    form = PasswordForm()
    method = current_app.config["PASSWORD_HASH_METHOD"]

    def change():
        new, current = form.password.data, form.current.data
        accounts.change_password(current_user, current=current, new=new, hash_method=method)

    if submit(form, change):
        # A fresh cookie for the new session version (the user, not the proxy).
        login_user(current_user._get_current_object())
        audit.log("account.password_changed")
        flash(_("Паролата е сменена. Другите ви сесии са прекратени."), "success")
        return redirect(url_for("public.home"), 303)
    return render_template("account/password.html", form=form), status_of(form)


@bp.get("/account/security")
@requires("account.self")
def security():
    user = current_user
    return render_template(
        "account/security.html",
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
def mfa_enable():
    if _reauthenticated():
        try:
            mfa.begin_enrolment(current_user)
        except DomainError as error:
            flash(str(error.message), "info")
        else:
            session[SETUP_AT] = int(sessions.now())
            return redirect(url_for("account.mfa_setup"), 303)
    return redirect(url_for("account.security"), 303)


@bp.route("/account/security/setup", methods=["GET", "POST"])
@requires("account.self")
def mfa_setup():
    user = current_user._get_current_object()
    found = mfa.credential(user)
    in_time = sessions.now() - session.get(SETUP_AT, 0) <= PENDING_SECONDS
    if found is None or found.confirmed_at is not None or not in_time:
        return redirect(url_for("account.security"), 303)
    form = CodeForm()
    if codes := confirm_enrolment(user, form):
        audit.log("account.mfa_enabled", user)
        return render_template(
            "account/mfa_codes.html", codes=codes, next=url_for("account.security")
        )
    return render_template(
        "account/mfa_enrol.html", form=form, forced=False, **enrolment_qr(user, found)
    )


@bp.post("/account/security/disable")
@requires("account.self")
def mfa_disable():
    user = current_user._get_current_object()
    if mfa.required_for(user, current_app.config["MFA_REQUIRED_ROLES"]):
        flash(_("Вашата роля изисква двуфакторно влизане."), "danger")
    elif _reauthenticated():
        mfa.disable(user)
        login_user(user)  # this session goes on (with the new session version)
        session.pop(sessions.MFA_DONE, None)
        audit.log("account.mfa_disabled", user)
        flash(_("Двуфакторното влизане е изключено."), "success")
    return redirect(url_for("account.security"), 303)


@bp.post("/account/security/recovery-codes")
@requires("account.self")
def recovery_codes():
    user = current_user._get_current_object()
    if not mfa.is_enrolled(user) or not _reauthenticated():
        return redirect(url_for("account.security"), 303)
    codes = mfa.new_recovery_codes(user)
    audit.log("account.recovery_codes", user)
    return render_template("account/mfa_codes.html", codes=codes, next=url_for("account.security"))
