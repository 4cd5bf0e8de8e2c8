"""Staff sessions: a fresh session at login, idle and absolute time-outs, 2FA required.

Flask keeps the session in a signed cookie, so the login time and the last-seen time
travel inside it, signed: a replayed old cookie carries its old times and is refused.
Logout and password changes also bump the user's session_version (bureau/web/account/views.py).

The last-seen time is rewritten at most once a minute: a response rewrites the cookie
only when something in it changed, so requests that overlap (a suggestion still in
flight when a form is saved) rarely answer with an older cookie. A form posted after the
session ended is kept for after the next login (bureau/web/common/kept_forms.py); the page
warns before the idle limit (static/js/session.js, which reads `seconds_left`).
"""

import time

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from bureau import security
from bureau.web.common import kept_forms

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
MFA_DONE = "mfa"
KEPT_ACROSS_LOGIN = ("language", kept_forms.KEPT)
SEEN_EVERY = 60  # seconds: how finely the last-seen time is kept
# Asked by the page's script: the first does not count as activity, the second does.
STATUS_ENDPOINT, KEEPALIVE_ENDPOINT = "public.session_left", "public.keepalive"


def now() -> float:
    """The clock the time-outs read (tests replace it)."""
    return time.time()


def init_app(app) -> None:
    app.before_request(check_session)
    kept_forms.init_app(app)  # after the session check: it reads the session's user
    app.context_processor(lambda: {"session_seconds_left": seconds_left})  # the warning


def seconds_left() -> int:
    """Seconds until the session ends, idle or not (0 if it has)."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return 0
    config = current_app.config
    ends = min(
        seen_at + config["SESSION_IDLE_MINUTES"] * 60, login_at + config["SESSION_MAX_HOURS"] * 3600
    )
    return max(0, ends - int(now()))


def start(user, *, mfa: bool = False) -> None:
    """Log the user in with a brand-new session: nothing of the old one (its CSRF token,
    a status-page grant, a pending login) survives, so a planted session id is useless."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    session[LOGIN_AT] = session[SEEN_AT] = int(now())
    if mfa:
        session[MFA_DONE] = True


def end() -> None:
    """Forget the session on this browser (the user's other sessions are unaffected)."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    logout_user()
    session.clear()
    session.update(kept)


def check_session():
    """before_request: end a session idle for 30 minutes or older than 12 hours, or one
    without the second factor its role requires; otherwise note that it was seen."""
    if "_user_id" not in session or request.blueprint == "api" or security.is_static():
        return None
    moment = int(now())
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        # A session from before time-outs existed: its clock starts now.
        login_at = seen_at = session[LOGIN_AT] = moment
    config = current_app.config
    if moment - login_at > config["SESSION_MAX_HOURS"] * 3600:
        return _expired(_("Сесията ви изтече. Моля, влезте отново."))
    if moment - seen_at > config["SESSION_IDLE_MINUTES"] * 60:
        return _expired(_("Сесията ви изтече поради неактивност. Моля, влезте отново."))
    if not session.get(MFA_DONE) and _second_factor_required():
        return _expired(_("Вашата роля изисква двуфакторно влизане. Моля, влезте отново."))
    if request.endpoint == KEEPALIVE_ENDPOINT or (
        moment - seen_at >= SEEN_EVERY and request.endpoint != STATUS_ENDPOINT
    ):
        session[SEEN_AT] = moment
    return None


def _from_a_script() -> bool:
    if request.endpoint in (STATUS_ENDPOINT, KEEPALIVE_ENDPOINT):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def _second_factor_required() -> bool:
    required = current_app.config.get("MFA_REQUIRED_ROLES") or ()
    return current_user.is_authenticated and current_user.role in required


def _expired(message: str):
    """To the login page, and back here after it; a form posted now is kept if it can be."""
    if _from_a_script():
        # A page's script asking (the warning, a suggestion): refused, and the session is
        # left to the page itself, so the form the user may still save finds its user and
        # its token and is kept. The cookie is refused on every request from now on.
        return jsonify(seconds_left=0), 401
    page = kept_forms.page_of_post() if request.method != "GET" else None
    kept = kept_forms.keep_posted(page)
    end()
    flash(message, "warning")
    if request.method == "GET":
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
    if kept is not None:
        session[kept_forms.KEPT] = kept.id
        flash(
            _(
                "Въведеното е запазено: след като влезете отново, ще го намерите на същата "
                "страница."
            ),
            "info",
        )
    return redirect(url_for("account.login", next=page) if page else url_for("account.login"), 303)
