"""The commission's recommendations register, under /commission/recommendations."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Regexp

from bureau.domain import DomainError, NotFound, recommendations, statistics, taxonomy
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import NEXT, STALE, Draft
from bureau.domain.statistics import Period
from bureau.extensions import db
from bureau.models import RecommendationStatus
from bureau.permissions import can, requires
from bureau.web import audit, params
from bureau.web.charts import template_helpers
from bureau.web.commission import threshold
from bureau.web.helpers import form_error
from bureau.web.stats_labels import RECOMMENDATION_STATUS, Labels
from bureau.web.stats_query import parse

bp = Blueprint("recommendations", __name__, url_prefix="/commission/recommendations")
bp.context_processor(template_helpers)

MONTH = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Въведете месец във вида ГГГГ-ММ."))
STATUS_LABELS = RECOMMENDATION_STATUS


class RecommendationForm(FlaskForm):
    title = StringField(
        _l("Заглавие"), validators=[DataRequired(_l("Въведете заглавие.")), Length(max=200)]
    )
    text = TextAreaField(
        _l("Текст на препоръката"),
        validators=[DataRequired(_l("Въведете текста на препоръката.")), Length(max=20000)],
    )
    addressee = StringField(
        _l("До"),
        description=_l(
            "Например: Общински съвет, кмет на общината, дирекция „Социално подпомагане“"
        ),
        validators=[DataRequired(_l("Посочете до кого е препоръката.")), Length(max=200)],
    )
    categories = SelectMultipleField(
        _l("Категории, за които се отнася"),
        validators=[DataRequired(_l("Изберете поне една категория."))],
        validate_choice=False,
    )
    evidence_from = StringField(
        _l("Данни от месец"), validators=[DataRequired(_l("Въведете месец.")), MONTH],
        render_kw={"type": "month", "placeholder": "ГГГГ-ММ"},
    )  # fmt: skip
    evidence_to = StringField(
        _l("до месец"), validators=[DataRequired(_l("Въведете месец.")), MONTH],
        render_kw={"type": "month", "placeholder": "ГГГГ-ММ"},
    )  # fmt: skip
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "bg")
        self.categories.choices = [(c.code, c.label(locale)) for c in taxonomy.categories()]

    def draft(self) -> Draft:
        return Draft(
            title=self.title.data or "",
            text=self.text.data or "",
            addressee=self.addressee.data or "",
            categories=list(self.categories.data or []),
            evidence_from=_month(self.evidence_from.data),
            evidence_to=_month(self.evidence_to.data),
        )


class ResponseForm(FlaskForm):
    status = SelectField(_l("Нов статус"), validate_choice=False)
    on = DateField(_l("Дата"), validators=[DataRequired(_l("Въведете дата."))])
    text = TextAreaField(_l("Отговор или бележка"), validators=[Length(max=20000)])
    version = HiddenField()


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def _version(form) -> int:
    return params.integer(form.version.data, "version", minimum=0, maximum=params.MAX_ID,
                          default=0)  # fmt: skip


def _load(recommendation_id: int, permission: str = "stats.view"):
    try:
        recommendation = recommendations.get(recommendation_id)
    except NotFound:
        abort(404)
    if not can(current_user, permission, recommendation):
        abort(404)  # another office's: as if it did not exist
    return recommendation


@bp.get("/")
@requires("stats.view")
def index():
    query = parse(request.args, current_user, sofia_today())
    items = recommendations.for_office(query.office)
    return render_template(
        "commission/recommendations.html", items=items, query=query, statuses=STATUS_LABELS
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("recommendation.edit")
def new():
    form = RecommendationForm()
    if form.validate_on_submit():
        try:
            recommendation = recommendations.create(
                current_user.office, form.draft(), actor=current_user
            )
        except DomainError as error:
            form_error(form, error)
        else:
            audit.log("recommendation.changed", ("recommendation", recommendation.id))
            flash(_("Препоръката е записана като чернова."), "success")
            return redirect(url_for(".show", recommendation_id=recommendation.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("commission/recommendation_form.html", form=form), status


@bp.get("/<int:recommendation_id>")
@requires("stats.view")
def show(recommendation_id: int):
    recommendation = _load(recommendation_id)
    return _render_show(recommendation, _response_form(recommendation))


@bp.route("/<int:recommendation_id>/edit", methods=["GET", "POST"])
@requires("recommendation.edit")
def edit(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    # Only a GET fills the form from the record: a POST shows what was sent, or its gaps.
    form = RecommendationForm(obj=recommendation if request.method == "GET" else None)
    if request.method == "GET":
        form.evidence_from.data = f"{recommendation.evidence_from:%Y-%m}"
        form.evidence_to.data = f"{recommendation.evidence_to:%Y-%m}"
        form.version.data = str(recommendation.version)
    elif form.validate_on_submit():
        try:
            recommendations.update(
                recommendation, form.draft(), version=_version(form), actor=current_user
            )
        except (DomainError, StaleDataError) as error:
            _refuse(form, error)
        else:
            audit.log("recommendation.changed", ("recommendation", recommendation.id))
            flash(_("Препоръката е запазена."), "success")
            return redirect(url_for(".show", recommendation_id=recommendation.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "commission/recommendation_form.html", form=form, recommendation=recommendation
    ), status


@bp.post("/<int:recommendation_id>/respond")
@requires("recommendation.edit")
def respond(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    form = _response_form(recommendation)
    if form.validate_on_submit():
        try:
            recommendations.respond(
                recommendation, status=form.status.data, on=form.on.data,
                text=form.text.data or "", version=_version(form),
                actor=current_user, today=sofia_today(),
            )  # fmt: skip
        except (DomainError, StaleDataError) as error:
            _refuse(form, error)
        else:
            audit.log("recommendation.changed", ("recommendation", recommendation.id))
            flash(_("Статусът на препоръката е променен."), "success")
            return redirect(url_for(".show", recommendation_id=recommendation.id), 303)
    return _render_show(_load(recommendation_id), form), 422


def _refuse(form, error) -> None:
    if isinstance(error, StaleDataError):
        db.session.rollback()
        error = DomainError(STALE)
    form_error(form, error)


def _response_form(recommendation) -> ResponseForm:
    form = ResponseForm()
    choices = NEXT[RecommendationStatus(recommendation.status)]
    form.status.choices = [(s.value, STATUS_LABELS[s]) for s in choices]
    if not form.is_submitted():
        form.version.data = str(recommendation.version)
        form.on.data = sofia_today()
    return form


def _render_show(recommendation, form):
    labels = Labels([recommendation.office_id])
    table = evidence_table(
        recommendation.office, recommendation.evidence_from, recommendation.evidence_to
    )
    return render_template(
        "commission/recommendation.html",
        recommendation=recommendation,
        form=form,
        labels=labels,
        evidence=table,
        statuses=STATUS_LABELS,
    )


def evidence_table(office, first: date, last: date):
    """The category × month table of the evidence period, exactly as the dashboard shows it."""
    try:
        period = Period.between(first, last)
    except DomainError:
        return None
    return statistics.category_table([office.id], period, k=threshold())
