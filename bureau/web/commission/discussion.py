"""The moderation of a recommendation's public discussion, on the recommendation's page
(templates/commission/_discussion.html): the comment period, publishing or rejecting each
citizen's comment, the summary of the discussion. Commission members of the office only.

Every form posts here and comes back to the page's #discussion with a message; a refusal
shows the page again (422) with what was typed and the reason beside the section.
"""

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, DateField, HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from bureau.domain import DomainError, NotFound, notifications
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import STALE, discussion, vignettes
from bureau.extensions import db
from bureau.models import CommentState, Recommendation, RecommendationComment
from bureau.permissions import requires
from bureau.web.commission.recommendations import (
    _load,
    _render_show,
    _response_form,
    _version,
)
from bureau.web.commission.views import bp
from bureau.web.common import audit
from bureau.web.common.forms import marked

DAY_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]  # a date field sends the first; typed by hand, the second
LONGEST_SUMMARY = 20000


class PeriodForm(FlaskForm):
    comments_from = DateField(_l("Коментари от"), format=DAY_FORMATS, validators=[Optional()])
    comments_to = DateField(_l("до"), format=DAY_FORMATS, validators=[Optional()])
    clear = BooleanField()  # the "Премахни периода" button: no dates, no discussion
    version = HiddenField()


class ModerateForm(FlaskForm):
    checked = BooleanField()  # "what is marked is not a name or an address"


class SummaryForm(FlaskForm):
    summary = TextAreaField(
        _l("Обобщение на обсъждането"),
        validators=[
            Length(max=LONGEST_SUMMARY, message=_l("Обобщението е твърде дълго (до 20 000 знака)."))
        ],
    )
    version = HiddenField()


@dataclass
class Discussion:
    """What the page's discussion section shows."""

    open: bool
    url: str
    waiting: list[RecommendationComment]
    published: list[RecommendationComment]
    rejected: list[RecommendationComment]


def discussion_of(recommendation: Recommendation, today=None) -> Discussion:
    """The section's view of a recommendation (`today` a date, the template's today()
    function, or None for today in Sofia)."""
    day = today() if callable(today) else today
    comments = recommendation.comments

    def of(state: CommentState) -> list[RecommendationComment]:
        return [c for c in comments if c.state == state]

    return Discussion(
        open=discussion.is_open(recommendation, day or sofia_today()),
        url=f"{notifications.public_url()}/recommendations/{recommendation.id}",
        waiting=of(CommentState.PENDING),
        published=of(CommentState.PUBLISHED),
        rejected=of(CommentState.REJECTED),
    )


@bp.context_processor
def _discussion_helpers() -> dict:
    return {"discussion_of": discussion_of, "marked": marked, "findings_of": vignettes.findings}


@bp.post("/recommendations/<int:recommendation_id>/discussion/period")
@requires("recommendation.edit")
def discussion_period(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    form = PeriodForm()
    clear = form.clear.data

    def change():
        start, end = (None, None) if clear else (form.comments_from.data, form.comments_to.data)
        discussion.set_period(
            recommendation, start=start, end=end, version=_version(form), actor=current_user
        )

    done = _("Обсъждането е закрито.") if clear else _("Периодът на обсъждането е записан.")
    return _changed(recommendation, form, change, done)


@bp.post("/recommendations/<int:recommendation_id>/discussion/summary")
@requires("recommendation.edit")
def discussion_summary(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    form = SummaryForm()

    def change():
        text, version = form.summary.data or "", _version(form)
        discussion.summarise(recommendation, text=text, version=version, actor=current_user)
        audit.log("recommendation.discussion", ("recommendation", recommendation.id))

    return _changed(recommendation, form, change, _("Обобщението е записано."))


@bp.post("/recommendations/<int:recommendation_id>/comments/<int:comment_id>/publish")
@requires("recommendation.edit")
def publish_comment(recommendation_id: int, comment_id: int):
    return _moderate(recommendation_id, comment_id, publish=True)


@bp.post("/recommendations/<int:recommendation_id>/comments/<int:comment_id>/reject")
@requires("recommendation.edit")
def reject_comment(recommendation_id: int, comment_id: int):
    return _moderate(recommendation_id, comment_id, publish=False)


def _moderate(recommendation_id: int, comment_id: int, *, publish: bool):
    recommendation = _load(recommendation_id, "recommendation.edit")
    try:
        posted = discussion.get_comment(recommendation, comment_id)
    except NotFound:
        abort(404)
    form = ModerateForm()

    def change():
        checked = bool(form.checked.data)
        discussion.moderate(posted, publish=publish, actor=current_user, checked=checked)

    done = _("Коментарът е публикуван.") if publish else _("Коментарът е отхвърлен.")
    return _changed(recommendation, form, change, done)


def _changed(recommendation: Recommendation, form, change, message: str):
    """Run the change if the form is valid, say so and go back to the page's discussion
    section; else show the page again with what was typed and why it was refused."""
    recommendation_id = recommendation.id  # still known after a rollback
    typed = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
    if not form.validate_on_submit():
        reasons = [str(e) for errors in form.errors.values() for e in errors]
        return _again(recommendation_id, typed, " ".join(reasons))
    try:
        change()
        db.session.flush()
    except DomainError as error:
        db.session.rollback()
        return _again(recommendation_id, typed, str(error.message))
    except StaleDataError:  # a colleague saved in between: their change stays
        db.session.rollback()
        return _again(recommendation_id, typed, str(STALE))
    flash(message, "success")
    return _to_discussion(recommendation_id)


def _again(recommendation_id: int, typed: dict, reason: str):
    recommendation = _load(recommendation_id, "recommendation.edit")
    if not recommendation.is_public:  # no discussion section to say it in
        flash(reason, "danger")
    page = _render_show(
        recommendation,
        _response_form(recommendation),
        discussion_typed=typed,
        discussion_error=reason,
    )
    return page, 422


def _to_discussion(recommendation_id: int):
    page = url_for(".show_recommendation", recommendation_id=recommendation_id)
    return redirect(f"{page}#discussion", 303)
