"""Home, language switch and the health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from bureau.extensions import csrf, db
from bureau.permissions import public
from bureau.web.helpers import safe_next
from bureau.web.public import home_page

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home():
    if not current_user.is_authenticated:
        return home_page()  # the public site: what the bureau does, status, online inquiry
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
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
