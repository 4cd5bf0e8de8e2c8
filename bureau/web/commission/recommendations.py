"""The commission's recommendations register, under /commission/recommendations (the
commission blueprint of views.py)."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from bureau.domain import DomainError, NotFound, recommendations, statistics
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import NEXT, STALE, plans
from bureau.domain.statistics import Period, impact
from bureau.extensions import db
from bureau.models import RecommendationStatus, Service
from bureau.permissions import can, requires
from bureau.web.commission.forms import (
    ActionForm,
    RecommendationForm,
    ResponseForm,
    ReviewForm,
)
from bureau.web.commission.views import bp, threshold
from bureau.web.common import audit, params
from bureau.web.common.forms import form_error, status_of, submit
from bureau.web.common.labels import RECOMMENDATION_STATUS, Labels, months_label
from bureau.web.common.loaders import stats_query_or_404

STATUS_LABELS = RECOMMENDATION_STATUS


def _version(form) -> int:
    return params.version(form.version.data, default=0)


def _load(recommendation_id: int, permission: str = "stats.view"):
    try:
        recommendation = recommendations.get(recommendation_id)
    except NotFound:
        abort(404)
    if not can(current_user, permission, recommendation):
        abort(404)  # another office's: as if it did not exist
    return recommendation


@bp.get("/recommendations/", endpoint="recommendations")
@requires("stats.view")
def recommendation_list():
    query = stats_query_or_404(request.args)
    items = recommendations.for_office(query.office)
    return render_template(
        "commission/recommendations.html", items=items, query=query, statuses=STATUS_LABELS
    )


@bp.route("/recommendations/new", methods=["GET", "POST"])
@requires("recommendation.edit")
def new_recommendation():
    form = RecommendationForm(current_user.office)

    def create():
        return recommendations.create(current_user.office, form.draft(), actor=current_user)

    if saved := _saved(form, create, _("Препоръката е записана като чернова.")):
        return saved
    return render_template("commission/recommendation_form.html", form=form), status_of(form)


@bp.get("/recommendations/<int:recommendation_id>")
@requires("stats.view")
def show_recommendation(recommendation_id: int):
    recommendation = _load(recommendation_id)
    return _render_show(recommendation, _response_form(recommendation))


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@requires("recommendation.edit")
def edit_recommendation(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    # Only a GET fills the form from the record: a POST shows what was sent, or its gaps.
    form = RecommendationForm(
        recommendation.office, obj=recommendation if request.method == "GET" else None
    )
    if request.method == "GET":
        form.evidence_from.data = f"{recommendation.evidence_from:%Y-%m}"
        form.evidence_to.data = f"{recommendation.evidence_to:%Y-%m}"
        form.version.data = str(recommendation.version)
        form.evidence.data = [e.id for e in recommendation.evidence]
        form.views.data = [v.id for v in recommendation.views]
    else:

        def update():
            draft, version = form.draft(), _version(form)
            return recommendations.update(
                recommendation, draft, version=version, actor=current_user
            )

        if saved := _saved(form, update, _("Препоръката е запазена.")):
            return saved
    return render_template(
        "commission/recommendation_form.html", form=form, recommendation=recommendation
    ), status_of(form)


@bp.post("/recommendations/<int:recommendation_id>/respond")
@requires("recommendation.edit")
def respond_to_recommendation(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    form = _response_form(recommendation)

    def respond():
        recommendations.respond(
            recommendation,
            status=form.status.data,
            on=form.on.data,
            text=form.text.data or "",
            version=_version(form),
            actor=current_user,
            today=sofia_today(),
        )
        return recommendation

    if saved := _saved(form, respond, _("Статусът на препоръката е променен.")):
        return saved
    return _render_show(_load(recommendation_id), form), 422


def _to_page(recommendation):
    return redirect(url_for(".show_recommendation", recommendation_id=recommendation.id), 303)


def _saved(form, action, message: str):
    """Run the change once the form is valid, then audit it, say so and go to the
    recommendation's page; None if refused (the form shows why, a colleague's newer
    save included)."""
    try:
        recommendation = submit(form, action)
    except StaleDataError:
        db.session.rollback()
        form_error(form, DomainError(STALE))
        return None
    if recommendation is None:
        return None
    audit.log("recommendation.changed", ("recommendation", recommendation.id))
    flash(message, "success")
    return _to_page(recommendation)


def _response_form(recommendation) -> ResponseForm:
    form = ResponseForm()
    choices = NEXT[RecommendationStatus(recommendation.status)]
    form.status.choices = [(s.value, STATUS_LABELS[s]) for s in choices]
    if not form.is_submitted():
        form.version.data = str(recommendation.version)
        form.on.data = sofia_today()
    return form


def _render_show(recommendation, form, **posted):
    """The recommendation's page; a refused form (`posted`) shown as it was typed."""
    from bureau.web.commission.plans import note_form, status_form

    labels = Labels([recommendation.office_id])
    table = evidence_table(
        recommendation.office, recommendation.evidence_from, recommendation.evidence_to
    )
    today = sofia_today()
    status_forms = {a.id: status_form(a, formdata=False) for a in recommendation.actions}
    status_forms.update(posted.get("status_forms", {}))
    action_form = posted.get("action_form") or ActionForm(formdata=None)
    review_form = posted.get("review_form") or ReviewForm(
        formdata=None, data={"on": today}, prefix="review"
    )
    return render_template(
        "commission/recommendation.html",
        recommendation=recommendation,
        services=recommendations.services_named(recommendation),
        form=form,
        labels=labels,
        evidence=table,
        statuses=STATUS_LABELS,
        today=today,
        has_plan=plans.has_plan(recommendation),
        is_overdue=plans.is_overdue,
        next_review=plans.next_review(recommendation),
        action_form=action_form,
        status_forms=status_forms,
        note_forms={
            a.id: posted.get("note_forms", {}).get(a.id) or note_form(a, formdata=False)
            for a in recommendation.actions
        },
        review_form=review_form,
        impact=impact.measure(recommendation, k=threshold(), today=today),
        reading=impact.reading,
        indicator_names=impact.NAMES,
        impact_number=impact.number,
        months_label=months_label,
        subject_label=lambda subject: _subject_label(subject, labels),
        discussion_typed=posted.get("discussion_typed", {}),
        discussion_error=posted.get("discussion_error"),
    )


def _subject_label(subject: str, labels: Labels) -> str:
    """ "category:local_taxes" → the category's label; "service:12" → the service's name."""
    kind, _sep, code = subject.partition(":")
    if kind == "category":
        return labels.row("category", code)
    service = db.session.get(Service, int(code))
    return service.label(str(get_locale())) if service else code


def evidence_table(office, first: date, last: date):
    """The category × month table of the evidence period, exactly as the dashboard shows it."""
    try:
        period = Period.between(first, last)
    except DomainError:
        return None
    return statistics.category_table([office.id], period, k=threshold())
