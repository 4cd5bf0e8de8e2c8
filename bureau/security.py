"""HTTP hardening: security headers on every response, ProxyFix, the debug guard, and
production's need of BUREAU_PUBLIC_URL (trusted hosts are Flask's TRUSTED_HOSTS, config.py).

A small after_request of our own rather than Flask-Talisman: the policy is one
constant, every header is checked by tests/web/test_security_headers.py.
"""

from flask import Flask, Response, g, request, session
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from bureau import config

# No inline scripts anywhere (static/js only); inline styles are allowed because
# Bootstrap's components and the e-mail-like receipt set a few style attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Pages a citizen reaches with a reference + PIN or a one-time link: never cached.
PRIVATE_PREFIXES = ("/status", "/feedback/", "/login/mfa")


class DebugRefused(RuntimeError):
    """Debug mode was asked for where it must never run."""


class PublicUrlMissing(RuntimeError):
    """Production without BUREAU_PUBLIC_URL: citizens' links would point nowhere useful."""


def init_app(app: Flask) -> None:
    refuse_debug_in_production(app)
    require_public_url(app)
    if app.config.get("PROXY_FIX"):
        # Exactly one trusted proxy in front: its X-Forwarded-For/-Proto are believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.wsgi_app = TrustedHosts(app.wsgi_app, app.config)
    app.after_request(set_security_headers)

    from bureau.web.common import sessions

    sessions.init_app(app)


def refuse_debug_in_production(app: Flask) -> None:
    """Debug (the Werkzeug console runs any code) only on a developer's machine.

    FLASK_DEBUG=1 needs BUREAU_ALLOW_DEBUG=1 as well, and is refused whenever the
    configuration says production: secure cookies or a reverse proxy.
    """
    if not app.debug:
        return
    if config.is_production(app.config) or not app.config.get("ALLOW_DEBUG"):
        raise DebugRefused(
            "Debug mode is refused: set BUREAU_ALLOW_DEBUG=1 on a development machine "
            "(never with BUREAU_SECURE_COOKIES or BUREAU_PROXY_FIX)."
        )


def require_public_url(app: Flask) -> None:
    """In production every link a citizen gets (the e-mailed receipt, the resolution
    e-mail, the printed QR code) comes from BUREAU_PUBLIC_URL; without it the app refuses
    to start, rather than mail links to the development address."""
    url = app.config.get("PUBLIC_URL") or ""
    if config.is_production(app.config) and not url.startswith(("https://", "http://")):
        raise PublicUrlMissing(
            "BUREAU_PUBLIC_URL must be set in production (BUREAU_SECURE_COOKIES or "
            "BUREAU_PROXY_FIX): the public site's address, e.g. https://bureau.kresna.bg; "
            "citizens' e-mails, receipts and QR codes link to it."
        )


class TrustedHosts:
    """WSGI middleware: a request whose Host is not in TRUSTED_HOSTS gets a plain 400
    before Flask sees it. (Flask's own check of the same setting leaves the request with
    no URL adapter, so the error page could not be rendered and a 500 would follow.)"""

    MESSAGE = "400: непознат адрес на сайта (Host). / Unknown host.\n"

    def __init__(self, wsgi_app, settings):
        self.wsgi_app, self.settings = wsgi_app, settings  # app.config: read per request

    def __call__(self, environ, start_response):
        try:
            get_host(environ, trusted_hosts=self.settings.get("TRUSTED_HOSTS"))
        except SecurityError:
            refused = Response(self.MESSAGE, 400, mimetype="text/plain")
            refused.headers.update(STATIC_HEADERS)
            refused.headers["Cache-Control"] = "no-store"
            return refused(environ, start_response)
        return self.wsgi_app(environ, start_response)


def set_security_headers(response):
    headers = response.headers
    headers.update(STATIC_HEADERS)  # the same on every response, whatever a view set
    from flask import current_app

    max_age = current_app.config.get("HSTS_SECONDS", 0)
    if request.is_secure and max_age:
        headers["Strict-Transport-Security"] = f"max-age={max_age}"
    if is_private_response():
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers.pop("Expires", None)
    return response


def is_private_response() -> bool:
    """A response for a logged-in user (cookie or API token), or a citizen's own page.

    Decided from the session and `g` only, never the database: it must also work
    on the 503 page of a database outage.
    """
    if is_static():
        return False
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    return "_user_id" in session or "mfa_pending" in session


def is_static() -> bool:
    """Our static files or Bootstrap's (endpoint `static` or `bootstrap.static`)."""
    return (request.endpoint or "").rsplit(".", 1)[-1] == "static"
