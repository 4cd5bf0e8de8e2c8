"""A citizen's own inquiry: status look-up by reference + PIN, online inquiry, feedback link.

No account: a citizen proves a case is theirs with its reference and PIN, or with the
one-time feedback link. The PIN travels only in POST bodies, never in a URL.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bureau import ratelimit
from bureau.domain import DomainError
from bureau.domain.cases import feedback, online, receipts, search, status_lookup
from bureau.domain.cases.feedback import LinkInvalid
from bureau.domain.services import register
from bureau.extensions import db, limiter
from bureau.models import Inquiry, utcnow
from bureau.permissions import public
from bureau.web.common import proof
from bureau.web.common.feedback_forms import FeedbackForm
from bureau.web.common.forms import form_error, sent_before
from bureau.web.common.kept_forms import keeps_typed
from bureau.web.common.urls import public_status_url
from bureau.web.public.forms import AskForm, StatusForm
from bureau.web.public.views import bp

# A successful look-up opens the result page (and its feedback form) for this long.
ACCESS_SECONDS = 30 * 60
LIMITS = {
    "STATUS_LIMIT_PER_IP": "20 per hour",  # failed look-ups; successes are free
    "ASK_LIMIT_PER_IP": "5 per hour",  # inquiries sent
    "ASK_ATTEMPTS_PER_IP": "30 per hour",  # every post, refused ones included
    "FEEDBACK_LIMIT_PER_IP": "30 per hour",
}


def _limit(name: str):
    return lambda: current_app.config.get(name, LIMITS[name])


def _redirected(response) -> bool:
    return response.status_code == 303


@bp.route("/status", methods=["GET", "POST"])
@ratelimit.failures_only(_redirected)
@public
@limiter.limit(_limit("STATUS_LIMIT_PER_IP"), methods=["POST"])
@keeps_typed
def status():
    form = StatusForm()
    if request.method == "GET" and (reference := request.args.get("ref", "")):
        form.reference.data = reference.strip()[:40]  # from the receipt's QR code
    refusal = None
    if form.validate_on_submit():
        subject = f"reference:{status_lookup.normalise(form.reference.data)}"
        source, proven = proof.source_for(subject)
        try:
            inquiry = status_lookup.look_up(
                form.reference.data, form.pin.data, source=source, proven=proven
            )
        except DomainError as error:
            refusal = str(error.message)
        else:
            _grant_access(inquiry)
            return proof.remember(redirect(url_for("public.status_result"), 303), subject)
    form.pin.data = ""  # never sent back to the browser
    code = 422 if form.errors else 200
    return render_template("public/status.html", form=form, refusal=refusal), code


@bp.get("/status/result")
@public
def status_result():
    inquiry = _granted_inquiry()
    if inquiry is None:
        return _ask_again()
    return _result_page(inquiry, FeedbackForm())


@bp.post("/status/feedback")
@public
@limiter.limit(_limit("FEEDBACK_LIMIT_PER_IP"))
@keeps_typed
def status_feedback():
    inquiry = _granted_inquiry()
    if inquiry is None:
        return _ask_again()
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback.submit_after_lookup(inquiry, form.to_data())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_("Благодарим! Отговорът ви помага на бюрото да работи по-добре."), "success")
            return redirect(url_for("public.status_result"), 303)
    return _result_page(inquiry, form), 422


@bp.post("/status/leave")
@public
def status_leave():
    """Forget the look-up on this browser (a shared computer at the library)."""
    session.pop("status_access", None)
    return redirect(url_for("public.status"), 303)


@bp.route("/ask", methods=["GET", "POST"])
@public
@limiter.limit(_limit("ASK_ATTEMPTS_PER_IP"), methods=["POST"])
@limiter.limit(
    _limit("ASK_LIMIT_PER_IP"), methods=["POST"], deduct_when=lambda r: r.status_code == 303
)
@keeps_typed
def ask():
    form = AskForm(online.offices_for_public(), str(get_locale()))
    if request.method == "POST" and form.is_bot:
        current_app.logger.info("online inquiry refused: honeypot filled (%s)", request.remote_addr)
        flash(_("Запитването не беше изпратено. Опитайте отново или ни се обадете."), "danger")
        form.website.data = ""
    elif form.validate_on_submit():
        try:
            inquiry, pin = online.submit(form.to_data())
        except DomainError as error:
            form_error(form, error)
        else:
            return _to_confirmation(inquiry, pin)
    elif first := sent_before(form, online.offices_for_public(), None):
        return _to_confirmation(first, None)
    code = 422 if request.method == "POST" else 200
    return render_template("public/ask.html", form=form), code


def _to_confirmation(inquiry: Inquiry, pin: str | None):
    """To the confirmation, with a one-time token for the PIN in its address (never the
    PIN). The same form sent again shows the PIN if it was never shown (the first answer
    was lost on the way), else the reference and a word that nothing new was made."""
    # The reference stays on this browser a while, for a reload; the PIN never does.
    session["ask_receipt"] = {"reference": inquiry.reference, "at": utcnow().timestamp()}
    if pin is not None:
        token = receipts.issue(inquiry, pin, user=None)
    else:
        token = receipts.reissue(inquiry, user=None)
        if token is None:
            flash(_("Запитването вече е изпратено — ново не е създадено."), "info")
    return redirect(url_for("public.ask_done", r=token), 303)


@bp.get("/ask/done")
@public
def ask_done():
    taken = receipts.take(request.args.get("r"), user=None)
    kept = session.get("ask_receipt") or {}
    inquiry, pin = None, None
    if taken is not None:
        inquiry, pin = db.session.get(Inquiry, taken[0]), taken[1]
    elif kept.get("reference") and utcnow().timestamp() - kept.get("at", 0) < ACCESS_SECONDS:
        # A shared computer: the next visitor does not see someone else's reference.
        inquiry = search.find(kept["reference"])
    if inquiry is None:
        return redirect(url_for("public.ask"), 303)
    return render_template(
        "public/ask_done.html",
        inquiry=inquiry,
        pin=pin,
        status_url=public_status_url(inquiry.reference),
    )


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_limit("FEEDBACK_LIMIT_PER_IP"), methods=["POST"])
@keeps_typed
def feedback_link(token: str):
    try:
        link = feedback.link_for(token)
    except LinkInvalid as error:
        code = 404 if error.reason == "unknown" else 410
        return render_template("public/feedback_closed.html", message=error.message), code
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback.submit_by_link(token, form.to_data())
        except DomainError as error:
            form_error(form, error)
        else:
            return redirect(url_for("public.feedback_thanks", **_rated(link.inquiry)), 303)
    code = 422 if request.method == "POST" else 200
    return render_template(
        "public/feedback.html", form=form, reference=link.inquiry.reference
    ), code


def _rated(inquiry: Inquiry) -> dict:
    """The service the case was about, for the thank-you page's rating link (its public
    codes only; an inactive service has no rating page)."""
    about = inquiry.service
    if about is None or not about.active:
        return {}
    return {"office": inquiry.office.code, "service": about.code}


@bp.get("/feedback/thanks")
@public
def feedback_thanks():
    office, code = request.args.get("office", ""), request.args.get("service", "")
    about = register.published(office, code) if office and code else None
    return render_template("public/feedback_thanks.html", service=about, locale=str(get_locale()))


# The views of this module: pages with a PIN or a case's status (not the blueprint's
# home or open data, which may be cached).
PRIVATE = {
    "status",
    "status_result",
    "status_feedback",
    "status_leave",
    "ask",
    "ask_done",
    "feedback_link",
    "feedback_thanks",
}


@bp.after_request
def _private(response):
    # Pages with a PIN or a case's status must not linger in caches or leak in a Referer.
    if request.endpoint.rpartition(".")[2] not in PRIVATE:
        return response
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="public-status-access")


def _grant_access(inquiry: Inquiry) -> None:
    """A short-lived signed token in the session: this browser just proved the PIN."""
    session["status_access"] = _serializer().dumps(inquiry.reference)


def _granted_inquiry() -> Inquiry | None:
    token = session.get("status_access")
    if not token:
        return None
    try:
        reference = _serializer().loads(token, max_age=ACCESS_SECONDS)
    except BadSignature:
        session.pop("status_access", None)
        return None
    return search.find(reference)


def _ask_again():
    flash(_("За да видите запитването, въведете отново номера и ПИН-а."), "info")
    return redirect(url_for("public.status"), 303)


def _result_page(inquiry: Inquiry, form: FeedbackForm):
    return render_template(
        "public/status_result.html",
        status=status_lookup.public_status(inquiry),
        form=form if feedback.invites_feedback(inquiry) else None,
        access_minutes=ACCESS_SECONDS // 60,
    )
