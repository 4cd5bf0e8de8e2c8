"""Bureau: the case-handling system of a Citizens' Information and Advice Bureau."""

from pathlib import Path

from flask import Flask

from bureau import config, database, i18n, security
from bureau.domain import settings
from bureau.extensions import babel, bootstrap, cache, csrf, db, limiter, mail
from bureau.web.common import params

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    register_config(app, test_config)
    register_settings(app)
    register_extensions(app)
    params.init_app(app)  # bounded ids in every route, unreadable text refused: before routes
    register_blueprints(app)
    register_request_hooks(app)
    security.init_app(app)  # headers, ProxyFix, debug guard, session time-outs
    register_cli(app)
    return app


def register_config(app: Flask, test_config: dict | None) -> None:
    app.config.update(config.from_env(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = config.trusted_hosts(app.config)


def register_settings(app: Flask) -> None:
    """Hand the domain its Settings (bureau/domain/settings.py) for every context of this
    app, built from the configuration as the context begins."""
    from flask import appcontext_pushed, g

    def hand(sender, **_extra):
        token = settings.enter(settings.Settings.from_config(sender.config))
        g.setdefault("_bureau_settings", []).append(token)

    @app.teardown_appcontext
    def take_back(_error=None):
        for token in reversed(g.pop("_bureau_settings", [])):
            settings.leave(token)

    appcontext_pushed.connect(hand, app, weak=False)


def register_extensions(app: Flask) -> None:
    from bureau import (
        models,  # noqa: F401  (registers the models with SQLAlchemy)
        ratelimit,  # registers the `database://` limit store
    )
    from bureau.web.account.views import init_login

    db.init_app(app)
    database.init_app(app)  # migrations, SQLite's settings, the file and schema checks
    csrf.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    ratelimit.init_app(app)  # before register_request_hooks: see ratelimit.init_app
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    i18n.init_app(app)
    init_login(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per web area (bureau/web/<area>/, one URL prefix each), the error
    pages, and what every template may use."""
    from bureau.web import (
        account,
        admin,
        answers,
        api,
        cases,
        commission,
        desk,
        evidence,
        experts,
        public,
    )
    from bureau.web.common import errors, labels, navigation

    areas = (public, account, desk, cases, answers, evidence, experts, commission, admin, api)
    for area in areas:
        app.register_blueprint(area.bp)
    app.register_blueprint(errors.bp)
    app.context_processor(navigation.template_globals)
    app.context_processor(labels.template_globals)


def register_request_hooks(app: Flask) -> None:
    from flask import g, request

    from bureau.domain import audit
    from bureau.permissions import enforce_declared_permission

    @app.before_request
    def _audit_source():
        # What the domain audits in this request carries its address (and the API's mark).
        source = audit.Source(request.remote_addr, api=request.blueprint == "api")
        g.audit_source = audit.enter_source(source)

    @app.teardown_request
    def _end_audit_source(_error=None):
        if (token := g.pop("audit_source", None)) is not None:
            audit.leave_source(token)

    app.before_request(enforce_declared_permission)

    @app.after_request
    def _commit(response):
        # The one place that commits. An error response rolls back instead, so a
        # refused form or a failed check never leaves half a change behind.
        if response.status_code < 400:
            db.session.commit()
            audit.write_deferred(g.pop("audit_after_commit", []))
        else:
            db.session.rollback()
        return response


def register_cli(app: Flask) -> None:
    from bureau import cli

    cli.init_app(app)
