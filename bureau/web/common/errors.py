"""Error pages in the user's language; JSON for the API."""

import contextlib

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from bureau.extensions import db, limiter, login_manager
from bureau.web.common.params import BadParameter

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: lambda: _("Заявката не може да бъде обработена."),
    403: lambda: _("Нямате достъп до тази страница."),
    404: lambda: _("Страницата не е намерена."),
    405: lambda: _("Този метод не е позволен."),
    413: lambda: _("Файлът или заявката са твърде големи."),
    422: lambda: _("Данните не са валидни."),
    429: lambda: _("Твърде много опити. Изчакайте малко и опитайте отново."),
    500: lambda: _("Възникна грешка. Опитайте отново след малко."),
    503: lambda: _("Услугата временно не е достъпна. Опитайте отново след малко."),
}


def json_error(status: int, error: str, message: str):
    """The API's error body: a stable code and a message for people."""
    return jsonify(error=error, message=message), status


def _respond(status: int, error: str, message: str | None = None, headers=None):
    message = message or MESSAGES.get(status, MESSAGES[500])()
    if request.path.startswith("/api/"):
        body, status = json_error(status, error, message)
        return body, status, headers or {}
    page = render_template("errors/error.html", status=status, message=message)
    return page, status, headers or {}


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code == 400 and "CSRF" in (error.description or ""):
        status_text = _("Формулярът е изтекъл. Презаредете страницата и опитайте отново.")
        if not request.path.startswith("/api/"):
            return render_template("errors/error.html", status=400, message=status_text), 400
    message = error.description if isinstance(error, BadParameter) else None
    # A 405 names the methods the URL does answer (RFC 9110).
    headers = (
        {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else None
    )
    return _respond(error.code or 500, error.name.lower().replace(" ", "_"), message, headers)


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
def database_unavailable(error: Exception):
    """The database is down or unreachable: a 503, never a stack trace. The pool
    pre-pings connections, so the app recovers by itself once the database is back."""
    return _unavailable(
        error,
        "database_unavailable",
        lambda: _("Базата данни временно не е достъпна. Опитайте отново."),
    )


@bp.app_errorhandler(RedisError)
@bp.app_errorhandler(StorageError)
def rate_limit_unavailable(error: Exception):
    """Fail closed: without the shared counters a login could be guessed without limit."""
    limiter.context.reset()  # nothing to count after the response either: the store is down
    return _unavailable(
        error,
        "rate_limit_unavailable",
        lambda: _(
            "Временно не можем да ограничим опитите, затова входът е спрян. Опитайте след малко."
        ),
    )


def _unavailable(error: Exception, code: str, message):
    """The 503 page. `message` is called only once the user is taken as anonymous: the
    language of a logged-in user would be read from the database that just failed."""
    with contextlib.suppress(Exception):
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()
    message = message()
    current_app.logger.warning("503 %s: %s", code, type(error).__name__)
    headers = {"Retry-After": "30"}
    if request.path.startswith("/api/"):
        response = json_error(503, code, message)
        return response[0], 503, headers
    return render_template("errors/unavailable.html", message=message), 503, headers


@bp.app_errorhandler(Exception)
def server_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return http_error(error)
    current_app.logger.exception("Unhandled error")
    return _respond(500, "internal_error")
