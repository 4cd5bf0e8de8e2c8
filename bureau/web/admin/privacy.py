"""Data-subject requests under /admin/privacy: find a citizen, show and export their data,
erase it."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import privacy, taxonomy
from bureau.domain.clock import sofia_today
from bureau.extensions import db
from bureau.models import Citizen
from bureau.permissions import requires
from bureau.web.admin.forms import EraseForm
from bureau.web.admin.views import bp
from bureau.web.common.audit import log
from bureau.web.common.forms import submit
from bureau.web.common.labels import CONTACT_LABELS
from bureau.web.common.loaders import paginate


@bp.get("/privacy/", endpoint="privacy")
@requires("admin.privacy")
def find_citizen():
    q = request.args.get("q", "").strip()[:200]
    query = privacy.search_citizens(q) if q else None
    found = paginate(query) if query is not None else None
    if q:
        log("privacy.search", results=found.total if found else 0)
    return render_template("admin/privacy.html", q=q, found=found)


def _citizen(citizen_id: int) -> Citizen:
    return db.session.get(Citizen, citizen_id) or abort(404)


@bp.get("/privacy/citizens/<int:citizen_id>")
@requires("admin.privacy")
def privacy_citizen(citizen_id: int):
    """Everything about the citizen on one printable page."""
    person = _citizen(citizen_id)
    log("privacy.view", person)
    form = EraseForm(formdata=None, data={"received_on": sofia_today()})
    return _page(person, form)


def _page(person: Citizen, form: EraseForm, status: int = 200):
    """The citizen's copy in words: Sofia times, labels for the codes; JSON beside it."""
    locale = str(get_locale() or "bg")
    categories, subcategories = {}, {}
    for category in taxonomy.categories(active_only=False):
        categories[category.code] = category.label(locale)
        for sub in category.subcategories:
            subcategories[category.code, sub.code] = sub.label(locale)
    return render_template(
        "admin/privacy_citizen.html",
        person=person,
        data=privacy.subject_record(person),
        form=form,
        categories=categories,
        subcategories=subcategories,
        contact_kinds=dict(CONTACT_LABELS),
    ), status


@bp.get("/privacy/citizens/<int:citizen_id>/export.json")
@requires("admin.privacy")
def privacy_export(citizen_id: int):
    person = _citizen(citizen_id)
    log("privacy.export", person)
    body = json.dumps(privacy.export_citizen(person), ensure_ascii=False, indent=2)
    name = f"citizen-{person.id}-{sofia_today().isoformat()}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/privacy/citizens/<int:citizen_id>/erase")
@requires("admin.privacy")
def privacy_erase(citizen_id: int):
    person = _citizen(citizen_id)
    form = EraseForm()
    done = submit(
        form,
        lambda: privacy.erase_citizen(
            person,
            actor=current_user,
            requested_by=form.requested_by.data,
            received_on=form.received_on.data,
            reason=form.reason.data,
        ),
    )
    if done:
        log("privacy.erase", person, request=done.id, cases=done.cases)
        flash(_("Данните са заличени (случаи: %(n)d).", n=done.cases), "success")
        return redirect(url_for("admin.privacy"), 303)
    return _page(person, form, 422)
