"""The desk types in a paper feedback form; the case page shows the answer.

`templates/cases/_feedback.html` is the case page's panel: scores for everyone who
sees the case, the comment for coordinators only (it may name people).
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain.cases import feedback
from bureau.permissions import can, requires
from bureau.web.cases.forms import PaperFeedbackForm
from bureau.web.cases.views import bp
from bureau.web.common import audit
from bureau.web.common.forms import status_of, submit
from bureau.web.common.loaders import case_or_404


@bp.route("/<reference>/feedback", methods=["GET", "POST"])
@requires("feedback.enter")
def paper_feedback(reference: str):
    inquiry = case_or_404(reference, "feedback.enter")
    given = feedback.for_inquiry(inquiry)
    form = PaperFeedbackForm()
    entered = given is None and submit(
        form,
        lambda: feedback.submit(inquiry, form.to_data(), source="paper", entered_by=current_user),
    )
    if entered:
        audit.log("feedback.paper_entered", inquiry)
        flash(_("Анкетата е записана."), "success")
        return redirect(url_for("cases.show", reference=inquiry.reference), 303)
    return render_template(
        "cases/paper_feedback.html", inquiry=inquiry, form=form, given=given
    ), status_of(form)


@bp.app_context_processor
def feedback_globals() -> dict:
    return {
        "case_feedback": feedback.for_inquiry,
        "user_can": lambda permission, obj=None: can(current_user, permission, obj),
    }
