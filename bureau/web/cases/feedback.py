"""The desk types in a paper feedback form; the case page shows the answer.

`templates/cases/_feedback.html` is the case page's panel: scores for everyone who
sees the case, the comment for coordinators only (it may name people).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import DomainError
from bureau.domain.cases import feedback
from bureau.permissions import can, requires
from bureau.web.cases.forms import PaperFeedbackForm
from bureau.web.cases.views import bp
from bureau.web.common import audit
from bureau.web.common.forms import form_error
from bureau.web.common.loaders import case_or_404


@bp.route("/<reference>/feedback", methods=["GET", "POST"])
@requires("feedback.enter")
def paper_feedback(reference: str):
    inquiry = case_or_404(reference, "feedback.enter")
    given = feedback.for_inquiry(inquiry)
    form = PaperFeedbackForm()
    if given is None and form.validate_on_submit():
        try:
            feedback.submit(inquiry, form.to_data(), source="paper", entered_by=current_user)
        except DomainError as error:
            form_error(form, error)
        else:
            audit.log("feedback.paper_entered", inquiry)
            flash(_("Анкетата е записана."), "success")
            return redirect(url_for("cases.show", reference=inquiry.reference), 303)
    code = 422 if request.method == "POST" else 200
    return render_template(
        "cases/paper_feedback.html", inquiry=inquiry, form=form, given=given
    ), code


@bp.app_context_processor
def feedback_globals() -> dict:
    return {
        "case_feedback": feedback.for_inquiry,
        "user_can": lambda permission, obj=None: can(current_user, permission, obj),
    }
