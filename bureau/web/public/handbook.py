"""The public handbook «От А до Я»: /handbook chooses an office (or goes straight to the
only one), /handbook/<OFFICE> lists its published answers by category, searchable and
narrowed by a service, /handbook/<OFFICE>/<id> is one answer, and …/booklet?size=a5|a4
the printable booklet for people who do not use the internet. Only approved, live
versions (bureau/domain/answers/handbook.py); every page may be cached."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from bureau.domain import clock
from bureau.domain.answers import handbook as book
from bureau.permissions import public
from bureau.web.common.params import BadParameter, search_words
from bureau.web.public.services import cached
from bureau.web.public.views import bp

SIZES = ("a5", "a4")


@bp.get("/handbook")
@public
def handbook_offices():
    offices = book.offices()
    if len(offices) == 1:
        return redirect(url_for("public.handbook_office", office_code=offices[0].code))
    return cached(render_template("public/handbook_offices.html", offices=offices))


@bp.get("/handbook/<office_code>")
@public
def handbook_office(office_code: str):
    office = book.office(office_code) or abort(404)
    q = search_words()
    service = request.args.get("service", "").strip()
    every = book.entries(office)
    found = book.entries(office, q=q, service=service) if q or service else every
    page = render_template(
        "public/handbook.html",
        office=office,
        sections=book.sections(found),
        found=len(found),
        services=book.services(office, every),
        q=q,
        service=service,
        locale=str(get_locale()),
    )
    return cached(page)


@bp.get("/handbook/<office_code>/<int:answer_id>")
@public
def handbook_answer(office_code: str, answer_id: int):
    office = book.office(office_code) or abort(404)
    entry = book.entry(office, answer_id) or abort(404)
    page = render_template(
        "public/handbook_answer.html",
        office=office,
        entry=entry,
        services=book.services(office, [entry]),
        locale=str(get_locale()),
    )
    return cached(page)


@bp.get("/handbook/<office_code>/booklet")
@public
def handbook_booklet(office_code: str):
    office = book.office(office_code) or abort(404)
    size = request.args.get("size", "a5").strip().lower() or "a5"
    if size not in SIZES:
        raise BadParameter("size", _l("Размерът е A5 или A4."))
    found = book.entries(office)
    page = render_template(
        "public/handbook_booklet.html",
        office=office,
        sections=book.sections(found),
        size=size,
        printed=clock.sofia_today(),
        locale=str(get_locale()),
    )
    return cached(page)
