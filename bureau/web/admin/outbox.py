"""/admin/outbox: e-mail and SMS that wait, fail, were given up or went out, for
coordinators (their office) and the administrator (every office), with a "retry". Never
an e-mail's body; an SMS's text only to who may read its case (a coordinator)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from bureau.domain import DomainError, notifications, settings, sms
from bureau.extensions import db
from bureau.models import Inquiry, OutboxMessage, Role, utcnow
from bureau.permissions import can, requires
from bureau.web.admin.views import bp
from bureau.web.common import audit
from bureau.web.common.loaders import paginate


@bp.get("/outbox/")
@requires("mail.outbox")
def outbox():
    office_id = None if current_user.role == Role.ADMIN else current_user.office_id
    state = _choice("state", notifications.STATES, "troubled")
    channel = _choice("channel", notifications.CHANNELS, None)
    page = paginate(notifications.listing(office_id, state=state, channel=channel))
    audit.log("mail.outbox_view", page=page.page)  # recipients are personal data
    now = utcnow()
    return render_template(
        "admin/outbox.html",
        page=page,
        state=state,
        channel=channel,
        readable=_readable(page.items),
        tally=notifications.tally(office_id),
        usage=sms.usage(office_id, now),
        cap=settings.current().sms_monthly_cap,
        health=notifications.health(now),
    )


def _choice(name: str, allowed: tuple, default):
    value = request.args.get(name, "")
    return value if value in allowed else default


def _readable(messages: list[OutboxMessage]) -> set[int]:
    """The SMS whose text the user may read: those about a case the user may open."""
    ids = {m.inquiry_id for m in messages if m.channel == "sms" and m.inquiry_id}
    if not ids:
        return set()
    cases = db.session.scalars(select(Inquiry).where(Inquiry.id.in_(ids)))
    open_ = {case.id for case in cases if can(current_user, "case.view", case)}
    return {m.id for m in messages if m.inquiry_id in open_}


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
    return redirect(url_for("admin.outbox", **_kept_filters()), 303)


def _kept_filters() -> dict:
    return {
        name: request.args[name]
        for name, allowed in (("state", notifications.STATES), ("channel", notifications.CHANNELS))
        if request.args.get(name) in allowed
    }
