"""The municipality's services on the public site — the seed of the handbook "От А до Я":
/services/<OFFICE> lists them, /services/<OFFICE>/<code> says what one is (term, fee, who
provides it, on what basis), and …/poster is the A4 poster for the municipal counter,
whose QR code opens that page. Nothing here is personal."""

from flask import abort, make_response, render_template, request
from flask_babel import get_locale

from bureau.domain import notifications
from bureau.domain.services import register
from bureau.permissions import public
from bureau.web.common.urls import qr_svg
from bureau.web.public.views import bp

CACHE = "public, max-age=300"


@bp.get("/services/<office_code>")
@public
def services(office_code: str):
    found = register.published(office_code)
    if found is None:
        abort(404)
    office, listed = found
    q = request.args.get("q", "").strip()[:100]
    locale = str(get_locale())
    return _cached(
        render_template(
            "public/services.html",
            office=office,
            services=register.matching(listed, q),
            q=q,
            locale=locale,
        )
    )


@bp.get("/services/<office_code>/<code>")
@public
def service(office_code: str, code: str):
    found = register.published(office_code, code) or abort(404)
    return _cached(render_template("public/service.html", service=found, locale=str(get_locale())))


@bp.get("/services/<office_code>/<code>/poster")
@public
def poster(office_code: str, code: str):
    found = register.published(office_code, code) or abort(404)
    address = notifications.service_url(found.office.code, found.code)
    return _cached(
        render_template(
            "public/service_poster.html", service=found, address=address, qr=qr_svg(address)
        )
    )


def _cached(body: str):
    response = make_response(body)
    response.headers["Cache-Control"] = CACHE
    return response
