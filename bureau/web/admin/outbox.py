"""/admin/outbox: mail that fails or was given up, for coordinators (their office) and
the administrator (every office), with a "retry". Never a message's body."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bureau.domain import DomainError, notifications
from bureau.extensions import db
from bureau.models import OutboxMessage, Role, utcnow
from bureau.permissions import can, requires
from bureau.web.admin.views import bp
from bureau.web.common import audit
from bureau.web.common.loaders import paginate


@bp.get("/outbox/")
@requires("mail.outbox")
def outbox():
    office_id = None if current_user.role == Role.ADMIN else current_user.office_id
    page = paginate(notifications.troubled(office_id))
    audit.log("mail.outbox_view", page=page.page)  # recipients are personal data
    return render_template("admin/outbox.html", page=page, health=notifications.health(utcnow()))


@bp.post("/outbox/<int:message_id>/retry")
@requires("mail.outbox")
def outbox_retry(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None or not can(current_user, "mail.outbox", message):
        abort(404)  # another office's mail is not there, as far as this user can tell
    try:
        notifications.retry(message, utcnow())
    except DomainError as error:
        flash(str(error.message), "warning")
    else:
        audit.log("mail.retry", message)
        flash(_("Писмото ще бъде изпратено отново при следващото пускане на задачите."), "success")
    return redirect(url_for("admin.outbox"), 303)
