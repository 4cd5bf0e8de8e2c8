"""Home, language switch and the health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user

from bureau import database
from bureau.domain import clock, notifications
from bureau.domain.cases import queues
from bureau.extensions import csrf, db
from bureau.models import Role, utcnow
from bureau.permissions import public
from bureau.web.cases import list_args
from bureau.web.helpers import safe_next
from bureau.web.public import home_page

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home():
    if not current_user.is_authenticated:
        return home_page()  # the public site: what the bureau does, status, online inquiry
    if current_user.role == Role.EXPERT:
        today = clock.sofia_today()
        mine = queues.expert_queues(current_user, today)
        return render_template("main/home.html", queues=mine, today=today, list_args=list_args)
    return render_template("main/home.html")


@bp.post("/language")
@public
def set_language():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
    return redirect(safe_next(request.form.get("next"), "/"), 303)


@bp.get("/healthz")
@public
@csrf.exempt
def healthz():
    """200 while the database answers with this code's schema, with the outbox's figures
    for the monitor; 503 otherwise. Mail that waits does not make it 503: a load balancer
    would take the whole site down for an SMTP outage (`jobs run` logs at ERROR when the
    oldest message waits over an hour)."""
    try:
        problem = database.schema_problem()
        mail = None if problem else notifications.health(utcnow())
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    if problem is not None:
        return jsonify(status="error", database=problem), 503
    return jsonify(status="ok", database="ok", mail=mail)
