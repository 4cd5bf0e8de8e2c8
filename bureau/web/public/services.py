"""The municipality's services on the public site — the seed of the handbook "От А до Я":
/services/<OFFICE> lists them, /services/<OFFICE>/<code> says what one is (term, fee, who
provides it, on what basis), …/rate takes a citizen's anonymous rating, and …/poster is
the A4 poster for the municipal counter, whose QR code opens the rating, and
/services/<OFFICE>/report is the services' report card (suppressed figures by half-year).
Nothing here is personal."""

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from bureau.database import from_replica
from bureau.domain import clock, notifications
from bureau.domain.answers import handbook
from bureau.domain.services import ratings, register
from bureau.domain.statistics import services as services_statistics
from bureau.domain.statistics.query import public_half
from bureau.extensions import limiter
from bureau.permissions import public
from bureau.web.common.charts import template_helpers
from bureau.web.common.forms import submit
from bureau.web.common.labels import Labels
from bureau.web.common.urls import qr_svg
from bureau.web.public.forms import RatingForm
from bureau.web.public.views import bp

CACHE = "public, max-age=300"
RATINGS_PER_ADDRESS = "20 per hour"  # every post, refused ones included
RATED = "rated"  # the session's record of today's ratings from this browser


@bp.get("/services/<office_code>")
@public
def services(office_code: str):
    found = register.published(office_code)
    if found is None:
        abort(404)
    office, listed = found
    q = request.args.get("q", "").strip()[:100]
    locale = str(get_locale())
    listed = register.matching(listed, q)
    return render_template(
        "public/services.html", office=office, services=listed, q=q, locale=locale
    )


@bp.get("/services/<office_code>/<code>")
@public
def service(office_code: str, code: str):
    found = register.published(office_code, code) or abort(404)
    answers = handbook.entries(found.office, service=found.code)
    return render_template(
        "public/service.html", service=found, answers=answers, locale=str(get_locale())
    )


@bp.get("/services/<office_code>/<code>/poster")
@public
def poster(office_code: str, code: str):
    found = register.published(office_code, code) or abort(404)
    address = notifications.rating_url(found.office.code, found.code)
    return cached(
        render_template(
            "public/service_poster.html", service=found, address=address, qr=qr_svg(address)
        )
    )


@bp.route("/services/<office_code>/<code>/rate", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config.get("RATING_LIMIT_PER_IP", RATINGS_PER_ADDRESS), methods=["POST"]
)
def rate(office_code: str, code: str):
    found = register.published(office_code, code) or abort(404)
    form = RatingForm()
    today = clock.sofia_today()
    status = 200
    if _rated_today(found.id, today):
        flash(_("Вече оценихте тази услуга днес. Благодарим!"), "info")
        return redirect(url_for("public.service", office_code=found.office.code, code=code), 303)
    if form.is_submitted() and form.is_bot:
        current_app.logger.info("service rating refused: honeypot filled (%s)", request.remote_addr)
        flash(_("Оценката не беше изпратена. Опитайте отново."), "danger")
        form.website.data = ""
        status = 422
    elif submit(form, lambda: ratings.rate(found, form.to_data(), today=today)):
        _remember_rated(found.id, today)
        flash(_("Благодарим! Оценката ви помага на общината да работи по-добре."), "success")
        return redirect(url_for("public.service", office_code=found.office.code, code=code), 303)
    elif form.is_submitted():
        status = 422
    locale = str(get_locale())
    return render_template(
        "public/service_rate.html", service=found, form=form, locale=locale
    ), status


def _rated_today(service_id: int, today) -> bool:
    record = session.get(RATED) or {}
    return record.get("day") == today.isoformat() and service_id in record.get("ids", [])


def _remember_rated(service_id: int, today) -> None:
    record = session.get(RATED) or {}
    ids = record.get("ids", []) if record.get("day") == today.isoformat() else []
    session[RATED] = {"day": today.isoformat(), "ids": [*ids, service_id][-50:]}


def cached(body: str):
    """A page without a session or a message in it may be kept by browsers and proxies."""
    response = make_response(body)
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/services/<office_code>/report")
@public
@from_replica
def service_report(office_code: str):
    """The services' report card: the same suppressed figures the commission sees for a
    half-year, service by service — never a comment, never a case."""
    query = public_half({**request.args.to_dict(), "office": office_code})
    found = register.published(office_code)
    if found is None or query.office is None:
        abort(404)
    board = services_statistics.board(
        [query.office.id], query.period, k=current_app.config["SUPPRESSION_THRESHOLD"]
    )
    page = render_template(
        "public/service_report.html",
        office=query.office,
        board=board,
        query=query,
        labels=Labels([query.office.id]),
        locale=str(get_locale()),
        **template_helpers(),
    )
    return cached(page) if not query.error else (page, 400)
