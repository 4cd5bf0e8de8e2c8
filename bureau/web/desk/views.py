"""The front desk: log an inquiry, print the receipt, find a returning citizen."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from bureau.domain import DomainError, citizens, clock
from bureau.domain.answers import delivery, library
from bureau.domain.cases import intake, receipts, search
from bureau.models import Inquiry
from bureau.permissions import requires
from bureau.web.common import audit, params
from bureau.web.common.forms import sent_before, status_of, submit
from bureau.web.common.kept_forms import keeps_typed
from bureau.web.common.loaders import case_or_404, paginate
from bureau.web.common.urls import public_status_url, qr_svg
from bureau.web.desk.forms import IntakeForm

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.get("/")
@requires("case.create")
def home():
    q = request.args.get("q", "").strip()
    filters = search.CaseFilters(q=q)
    if not q:
        filters.since = clock.today_since(clock.local_now())
    page = paginate(
        search.cases(current_user, filters),
        count_query=search.cases(current_user, filters, through_citizens=True),
    )
    audit.log("case.list", results=page.total, page=page.page, search=bool(q))
    return render_template("desk/home.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
@requires("case.create")
@keeps_typed
def new_inquiry():
    office = current_user.office
    form = IntakeForm(office, str(get_locale()))

    def log():
        return intake.log_inquiry(form.to_data(), office=office, actor=current_user)

    if logged := submit(form, log):
        return _to_receipt(*logged)
    if first := sent_before(form, [office], current_user):
        return _to_receipt(first, None)
    answered = _answer_chosen(form.answered_with.data)
    return render_template("desk/intake.html", form=form, answered=answered), status_of(form)


def _answer_chosen(value: str | None):
    """The published answer the desk chose before the form was refused, if still one."""
    answer = library.get(params.as_id(value) or 0, current_user.office) if value else None
    return library.live(answer) if answer is not None and answer.live is not None else None


def _to_receipt(inquiry: Inquiry, pin: str | None):
    """To the receipt, with a one-time token for the PIN in its address (never the PIN).

    The same form sent again (Back, then "Запиши") finds the first inquiry: its PIN if it
    was never shown, else the receipt without it, and a word that nothing new was made."""
    if pin is not None:
        token = receipts.issue(inquiry, pin, user=current_user)
    else:
        token = receipts.reissue(inquiry, user=current_user)
        flash(
            _(
                "Това запитване вече е записано — формулярът беше изпратен повторно и ново "
                "запитване не е създадено. За следващия гражданин натиснете „Ново запитване“."
            ),
            "info",
        )
    return redirect(url_for("desk.receipt", reference=inquiry.reference, r=token), 303)


@bp.get("/receipt/<reference>")
@requires("case.create")
def receipt(reference: str):
    inquiry = _load(reference)
    audit.log("case.receipt", inquiry)
    # Shown once, to the desk user who saved it; a lost PIN is replaced ("new PIN").
    taken = receipts.take(request.args.get("r"), user=current_user, inquiry=inquiry)
    pin = taken[1] if taken else None
    status_url = public_status_url(inquiry.reference)
    answer = inquiry.answer if inquiry.answer is not None and inquiry.answer.live else None
    return render_template(
        "desk/receipt.html",
        inquiry=inquiry,
        pin=pin,
        status_url=status_url,
        qr=qr_svg(status_url),
        answer=answer,
        answer_title=library.live(answer).title if answer else "",
        answer_parts=delivery.sections(answer, inquiry.office) if answer else [],
    )


@bp.post("/receipt/<reference>/answer")
@requires("case.create")
def email_answer(reference: str):
    """E-mail the answer the inquiry was resolved with to the citizen, through the outbox."""
    inquiry = _load(reference)
    form = FlaskForm()
    if not form.validate_on_submit() or inquiry.answer is None:
        abort(400)
    try:
        delivery.send_to_citizen(inquiry.answer, inquiry, actor=current_user)
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("Отговорът е изпратен на гражданина по e-mail."), "success")
    return redirect(url_for("desk.receipt", reference=inquiry.reference), 303)


@bp.post("/receipt/<reference>/pin")
@requires("case.reset_pin")
def reset_pin(reference: str):
    inquiry = _load(reference, "case.reset_pin")
    pin = intake.reset_pin(inquiry, actor=current_user)
    audit.log("case.pin_reset", inquiry)
    token = receipts.issue(inquiry, pin, user=current_user)
    flash(_("Издаден е нов ПИН. Старата разписка вече не важи."), "warning")
    return redirect(url_for("desk.receipt", reference=inquiry.reference, r=token), 303)


@bp.get("/citizens")
@requires("case.create")
def find_citizens():
    """Returning citizens of the office whose name or phone matches, for the intake form."""
    found = citizens.find(current_user.office_id, request.args.get("q", "").strip())
    audit.log("citizen.search", results=len(found))
    return jsonify(
        citizens=[
            {
                "id": c.id,
                "name": c.name or "",
                "phone": c.phone or "",
                "settlement": c.settlement.name if c.settlement else "",
            }
            for c in found
        ]
    )


def _load(reference: str, permission: str = "case.create") -> Inquiry:
    return case_or_404(reference, permission)
