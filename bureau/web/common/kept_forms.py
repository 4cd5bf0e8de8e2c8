"""Nothing typed is lost: one mechanism for every form view marked @keeps_typed.

- A form whose token (CSRF) expired or is missing is not answered with a bare 400 page:
  the view runs with the token taken out, so its FlaskForm refuses itself and the page
  comes back as typed, with a message, in status 400 (which rolls back: nothing is
  changed). Flask-WTF's own check is skipped for these views only because their forms
  check the token themselves.
- A form posted after the session ended is kept on the server for its user
  (domain/kept_forms.py) if its token proves it came from our page; after the next login
  the user is sent back to the page, which shows the form as it was typed.

A marked view must change nothing unless its FlaskForm validates; `guard` turns any
redirect from a refused form into an error page, should a view ever break that rule.
"""

from urllib.parse import urlsplit

from flask import current_app, flash, g, make_response, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import ImmutableMultiDict
from wtforms.validators import ValidationError

from bureau import security
from bureau.domain import kept_forms
from bureau.extensions import csrf, db

KEPT = "kept_form"  # the session key: the id of a form kept for after the login
NEVER_KEPT = ("password", "current", "confirm", "code")  # secrets are typed again


def keeps_typed(view):
    """Mark a form view (innermost decorator): see the module's docstring."""
    view.keeps_typed = True
    csrf.exempt(view)
    return view


def init_app(app) -> None:
    """After the session check (bureau/web/common/sessions.py), before the views."""
    app.before_request(check_form_token)
    app.before_request(restore)
    app.after_request(guard)


def _marked(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return bool(getattr(view, "keeps_typed", False))


def _csrf_on() -> bool:
    return current_app.config.get("WTF_CSRF_ENABLED", True)


def check_form_token() -> None:
    """before_request: Flask-WTF's check for a marked view; a refusal does not abort."""
    if request.method not in current_app.config["WTF_CSRF_METHODS"] or not _csrf_on():
        return
    if not _marked(request.endpoint):
        return
    try:
        csrf.protect()
    except CSRFError:
        _refuse_form_token()
        flash(_("Формулярът беше изтекъл — проверете и запишете отново."), "warning")


def _refuse_form_token() -> None:
    """Take the token out of the posted form: every FlaskForm of the view then refuses."""
    g.form_refused = True
    name = current_app.config["WTF_CSRF_FIELD_NAME"]
    request.form = ImmutableMultiDict(
        [(key, value) for key, value in request.form.items(multi=True) if key != name]
    )


def guard(response):
    """after_request: a refused form is answered 400 (the transaction rolls back)."""
    if not g.get("form_refused") or g.get("form_restored"):
        return response
    if 300 <= response.status_code < 400 and not _to_login(response):
        current_app.logger.error("%s acted on a form it refused", request.endpoint)
        message = _("Заявката не може да бъде обработена.")
        return make_response(render_template("errors/error.html", status=400, message=message), 400)
    if not 300 <= response.status_code < 400:
        response.status_code = 400
    return response


def _to_login(response) -> bool:
    """A redirect to the login page (no user): the view did nothing, it asked who you are."""
    return urlsplit(response.location or "").path == url_for("account.login")


# --- after the session ended ------------------------------------------------------------


def page_of_post() -> str | None:
    """The page the form was on (its Referer, if on this site), else the URL itself if it
    shows the form on GET; None if neither."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    adapter = current_app.url_map.bind("")
    try:
        adapter.match(request.path, method="GET")
    except Exception:  # noqa: BLE001 (no GET at this address: nowhere to go back to)
        return None
    return request.path


def keep_posted(page: str | None):
    """Keep the posted form of a marked view for the session's user; None if it is not
    kept (not marked, nowhere to show it, no user, or a token not from our page)."""
    if page is None or not _marked(request.endpoint) or not current_user.is_authenticated:
        return None
    if _csrf_on():
        try:
            # The token's age does not matter here: the session's own limits bound it.
            limit = current_app.config["SESSION_MAX_HOURS"] * 3600
            validate_csrf(
                request.form.get(current_app.config["WTF_CSRF_FIELD_NAME"]), time_limit=limit
            )
        except ValidationError:
            return None
    fields = [
        [key, value]
        for key, value in request.form.items(multi=True)
        if key != current_app.config["WTF_CSRF_FIELD_NAME"] and not key.startswith(NEVER_KEPT)
    ]
    return kept_forms.keep(
        current_user,
        endpoint=request.endpoint,
        view_args=dict(request.view_args or {}),
        page=page,
        fields=fields,
    )


def restore():
    """before_request: on the page a kept form came from, show it again as typed."""
    kept_id = session.get(KEPT)
    if kept_id is None or request.method != "GET" or security.is_static():
        return None
    if not current_user.is_authenticated:
        return None
    kept = kept_forms.find(kept_id, current_user)
    if kept is None:
        session.pop(KEPT, None)
        return None
    if urlsplit(kept.page).path != request.path:
        return None  # shown when the user comes to that page
    session.pop(KEPT, None)
    page_view = current_app.view_functions.get(request.endpoint or "")
    if page_view is None:  # no page at that address (a Referer made up): purged later
        return None
    flash(
        _("Въведеното преди изтичането на сесията е възстановено — проверете и запишете."), "info"
    )
    # The page as usual first: its permission check and its audit entry for what it shows.
    usual = make_response(page_view(**request.view_args))
    restored = _render_kept(kept) if usual.status_code == 200 and _csrf_on() else None
    db.session.rollback()  # whatever the views did is not kept; only the kept form goes
    db.session.delete(db.session.merge(kept))
    return restored or usual


def _render_kept(kept):
    """The kept form's view on its fields, its token left out so that it refuses them."""
    view = current_app.view_functions.get(kept.endpoint)
    if not getattr(view, "keeps_typed", False):
        return None
    method, form = request.method, request.form
    request.method = "POST"
    request.form = ImmutableMultiDict([tuple(pair) for pair in kept.fields])
    g.form_refused = g.form_restored = True
    try:
        response = make_response(view(**kept.view_args))
    finally:
        request.method, request.form = method, form
    if not 200 <= response.status_code < 300 and response.status_code not in (400, 409, 422):
        return None  # a redirect, a 404: the page as usual instead
    response.status_code = 200
    return response
