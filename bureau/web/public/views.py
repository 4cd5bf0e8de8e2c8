"""The site's front door: the home page (the public one, or the staff's own), the
language switch, the health check, the session's clock for the page's warning, and the
open data. The citizen's own inquiry (status, online inquiry, feedback) is inquiry.py."""

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from bureau import database
from bureau.domain import clock, notifications, offices, recommendations, taxonomy
from bureau.domain.cases import online, queues
from bureau.domain.services import register
from bureau.domain.statistics.query import public_query, public_tables
from bureau.extensions import csrf, db
from bureau.models import Role, utcnow
from bureau.permissions import public, requires
from bureau.web.common import sessions
from bureau.web.common.charts import template_helpers
from bureau.web.common.labels import RECOMMENDATION_STATUS, Labels
from bureau.web.common.urls import list_args, safe_next

bp = Blueprint("public", __name__)
OPEN_DATA_CACHE = "public, max-age=3600"


@bp.get("/")
@public
def home():
    if not current_user.is_authenticated:
        return _public_home()  # the public site: what the bureau does, status, online inquiry
    if current_user.role == Role.EXPERT:
        today = clock.sofia_today()
        mine = queues.expert_queues(current_user, today)
        return render_template(
            "public/staff_home.html", queues=mine, today=today, list_args=list_args
        )
    return render_template("public/staff_home.html")


@bp.get("/favicon.ico")
@public
def favicon():
    """What a browser asks for without reading the page's icon link (a PDF, a bookmark)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


def _public_home():
    """The public home, shown at / to anyone not logged in."""
    return render_template(
        "public/home.html",
        offices=online.offices_for_public(),
        categories=[c for c in taxonomy.categories() if c.active],
        experts=online.public_experts(),
        with_services=register.offices_offering(),
    )


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


@bp.get("/open-data")
@public
@database.from_replica
def open_data():
    """Open data for everyone: the same suppressed tables as the commission's, and the
    recommendations once submitted (machine-readable: GET /api/v1/public/statistics)."""
    query = public_query(request.args)
    if query.office is None:
        page = render_template(
            "public/open_data.html", query=query, offices=[], **template_helpers()
        )
        return page, 404
    board, tables = public_tables(query)
    response = render_template(
        "public/open_data.html",
        query=query,
        board=board,
        tables=tables,
        labels=Labels([query.office.id]),
        offices=offices.list_offices(),
        recommendations=recommendations.for_office(query.office, public_only=True),
        statuses=RECOMMENDATION_STATUS,
        **template_helpers(),
    )
    return response, 200, {"Cache-Control": OPEN_DATA_CACHE}
