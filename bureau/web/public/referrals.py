"""/r/<token>: an outside institution answers a referral through its one-time link,
without an account (bureau/domain/referrals). Every refusal of a link — unknown,
expired, revoked, used up, or too many tries from one address — is the same 404 page,
after the same work: a guesser cannot tell one from another."""

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError, referrals, throttle
from bureau.extensions import limiter
from bureau.permissions import public
from bureau.web.common.forms import form_error
from bureau.web.common.kept_forms import keeps_typed
from bureau.web.common.proof import source_for
from bureau.web.public.forms import ReferralAnswerForm
from bureau.web.public.views import bp

STEP_DONE = {
    "acknowledge": _l("Благодарим! Потвърдихте получаването."),
    "accept": _l("Благодарим! Приехте насочването."),
    "decline": _l("Отказът е изпратен на бюрото."),
}


def _gone():
    return render_template("public/referral_gone.html"), 404


def _open(token: str):
    """The referral of the token, or None: one throttle bucket per address, always taken."""
    source, _proven = source_for("referral-link")
    bucket = throttle.Bucket(
        f"referral-link|{source}", throttle.rate("REFERRAL_LINK_LIMIT_PER_SOURCE")
    )
    try:
        throttle.take([bucket])
        return referrals.by_link(token)
    except (throttle.TooManyAttempts, referrals.LinkGone):
        return None


@bp.route("/r/<token>", methods=["GET", "POST"])
@public
@limiter.limit("60 per hour", methods=["POST"])
@keeps_typed
def referral_link(token: str):
    referral = _open(token)
    if referral is None:
        return _gone()
    form = ReferralAnswerForm()
    if form.validate_on_submit():
        step = form.step.data
        try:
            referrals.take_step(
                token,
                step,
                reason=form.reason.data or "",
                outcome=form.outcome.data or "",
                result=form.result.data or None,
            )
        except referrals.LinkGone:
            return _gone()
        except DomainError as error:
            form_error(form, error)
        else:
            if step in ("decline", "report"):  # the last answer: the link is used up
                return redirect(url_for("public.referral_thanks"), 303)
            return redirect(url_for("public.referral_link", token=token, done=step), 303)
    status = 422 if form.is_submitted() else 200
    done = STEP_DONE.get(request.args.get("done", ""))
    return render_template(
        "public/referral.html",
        referral=referral,
        case=referral.inquiry,
        office=referral.inquiry.office,
        form=form,
        done=done,
    ), status


@bp.get("/r/thanks")
@public
def referral_thanks():
    return render_template("public/referral_thanks.html")


@bp.after_request
def _private(response):
    # The link is the institution's key: no cache keeps the page, no Referer carries it.
    if request.endpoint in ("public.referral_link", "public.referral_thanks"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
