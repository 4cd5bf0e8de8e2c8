"""Action plans of accepted recommendations, under /commission/recommendations/<id>: add
an action, move it on, note progress, record the plan's review. A refused form is shown
again on the recommendation's page as it was typed."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import plans
from bureau.models import Action
from bureau.permissions import requires
from bureau.web.commission.forms import ActionForm, ActionNoteForm, ActionStatusForm, ReviewForm
from bureau.web.commission.recommendations import _load, _render_show, _response_form, _version
from bureau.web.commission.views import bp
from bureau.web.common import audit
from bureau.web.common.forms import submit
from bureau.web.common.labels import ACTION_STATUS_LABELS


def _action(recommendation, action_id: int) -> Action:
    found = next((a for a in recommendation.actions if a.id == action_id), None)
    if found is None:
        abort(404)
    return found


def _done(recommendation, message: str, anchor: str = "plan"):
    audit.log("recommendation.plan", ("recommendation", recommendation.id))
    flash(message, "success")
    url = url_for(".show_recommendation", recommendation_id=recommendation.id)
    return redirect(f"{url}#{anchor}", 303)


def _again(recommendation, **posted):
    return _render_show(recommendation, _response_form(recommendation), **posted), 422


@bp.post("/recommendations/<int:recommendation_id>/actions")
@requires("recommendation.edit")
def add_action(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    form = ActionForm()

    def add():
        draft = plans.ActionDraft(form.what.data, form.responsible.data, form.due_on.data)
        return plans.add_action(recommendation, draft, actor=current_user)

    if action := submit(form, add):
        return _done(recommendation, _("Действието е добавено към плана."), f"action-{action.id}")
    return _again(recommendation, action_form=form)


@bp.post("/recommendations/<int:recommendation_id>/actions/<int:action_id>/status")
@requires("recommendation.edit")
def move_action(recommendation_id: int, action_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    action = _action(recommendation, action_id)
    form = status_form(action)

    def move():
        plans.move(
            action,
            status=form.status.data,
            reason=form.reason.data or "",
            on=form.on.data,
            version=_version(form),
            today=sofia_today(),
        )

    if submit(form, move):
        return _done(recommendation, _("Статусът на действието е сменен."), f"action-{action.id}")
    return _again(recommendation, status_forms={action.id: form})


@bp.post("/recommendations/<int:recommendation_id>/actions/<int:action_id>/notes")
@requires("recommendation.edit")
def note_action(recommendation_id: int, action_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    action = _action(recommendation, action_id)
    form = note_form(action)

    def note():
        plans.add_note(
            action, text=form.text.data, on=form.on.data, actor=current_user, today=sofia_today()
        )

    if submit(form, note):
        return _done(recommendation, _("Напредъкът е записан."), f"action-{action.id}")
    return _again(recommendation, note_forms={action.id: form})


@bp.post("/recommendations/<int:recommendation_id>/reviews")
@requires("recommendation.edit")
def review_plan(recommendation_id: int):
    recommendation = _load(recommendation_id, "recommendation.edit")
    form = ReviewForm(prefix="review")

    def review():
        plans.record_review(
            recommendation,
            text=form.text.data,
            on=form.on.data,
            actor=current_user,
            today=sofia_today(),
        )

    if submit(form, review):
        return _done(recommendation, _("Прегледът на плана е записан."))
    return _again(recommendation, review_form=form)


def note_form(action: Action, formdata=True) -> ActionNoteForm:
    """An action's progress note; its fields named after the action (one form per action
    on the page)."""
    prefix = f"note{action.id}"
    if formdata:
        return ActionNoteForm(prefix=prefix)
    return ActionNoteForm(formdata=None, data={"on": sofia_today()}, prefix=prefix)


def status_form(action: Action, formdata=True) -> ActionStatusForm:
    """The form that moves an action on, offering only the moves its status allows."""
    prefix = f"action{action.id}"
    form = (
        ActionStatusForm(prefix=prefix)
        if formdata
        else ActionStatusForm(formdata=None, prefix=prefix)
    )
    moves = plans.MOVES[plans.S(action.status)]
    form.status.choices = [(s.value, ACTION_STATUS_LABELS[s.value]) for s in moves]
    if not formdata:
        form.version.data = str(action.version)
        form.on.data = sofia_today()
    return form
