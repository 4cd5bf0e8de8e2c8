"""A submitted recommendation of the advisory commission on the public site, and its
public discussion: /recommendations/<id> shows what the commission recommended, the
answers it got, the action plan, the published comments and the discussion's summary,
and — while the comment period is open — takes a citizen's comment, which waits for the
commission's review. No name, contact or address is asked for; a hidden field and a
limit per address keep the scripts out.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from bureau.domain import NotFound, recommendations
from bureau.domain.clock import sofia_today
from bureau.domain.recommendations import discussion
from bureau.extensions import limiter
from bureau.models import Recommendation
from bureau.permissions import public
from bureau.web.common.forms import LongText, submit
from bureau.web.common.kept_forms import keeps_typed
from bureau.web.common.labels import RECOMMENDATION_STATUS
from bureau.web.public.views import bp

LIMITS = {
    "COMMENT_LIMIT_PER_IP": "5 per hour",  # comments taken
    "COMMENT_ATTEMPTS_PER_IP": "30 per hour",  # every post, refused ones included
}


class CommentForm(FlaskForm):
    text = LongText(
        _l("Вашият коментар"),
        validators=[
            DataRequired(_l("Напишете коментара си.")),
            Length(
                min=10,
                max=discussion.LONGEST_COMMENT,
                message=_l("Напишете коментар от %(min)d до %(max)d знака."),
            ),
            # U+FFFD is what bytes that are not UTF-8 were decoded to: nobody types it.
            Regexp(r"^[^\ufffd]*$", message=_l("Текстът съдържа непозволени знаци.")),
        ],
        description=_l(
            "Публикува се без име, след преглед от комисията. Моля, не пишете имена, "
            "телефони и адреси — свои или чужди."
        ),
    )
    # The honeypot: hidden from people, filled in by bots. A real name keeps bots keen.
    website = StringField(_l("Уебсайт (не попълвайте)"))

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())


def _limit(name: str):
    return lambda: current_app.config.get(name, LIMITS[name])


@bp.context_processor
def _discussion_helpers() -> dict:
    """For the open data's list: whether a recommendation takes comments today."""
    return {"discussion_open": lambda r: discussion.is_open(r, sofia_today())}


@bp.route("/recommendations/<int:recommendation_id>", methods=["GET", "POST"])
@public
@limiter.limit(_limit("COMMENT_ATTEMPTS_PER_IP"), methods=["POST"])
@limiter.limit(
    _limit("COMMENT_LIMIT_PER_IP"), methods=["POST"], deduct_when=lambda r: r.status_code == 303
)
@keeps_typed
def recommendation(recommendation_id: int):
    try:
        found = recommendations.get(recommendation_id, public_only=True)
    except NotFound:
        abort(404)
    today = sofia_today()
    form = CommentForm()
    if request.method == "POST" and form.is_bot:
        # Said to be taken, so that the script does not try again otherwise.
        current_app.logger.info("comment refused: honeypot filled (%s)", request.remote_addr)
        return _thanks(found)
    if submit(form, lambda: discussion.comment(found, text=form.text.data, today=today)):
        return _thanks(found)
    page = render_template(
        "public/recommendation.html",
        recommendation=found,
        form=form,
        is_open=discussion.is_open(found, today),
        comments=discussion.published(found),
        statuses=RECOMMENDATION_STATUS,
    )
    return page, 422 if request.method == "POST" else 200


def _thanks(found: Recommendation):
    flash(_("Благодарим! Коментарът ще бъде публикуван след преглед от комисията."), "success")
    # To the top of the page, where the thanks is said (not down at the emptied form).
    return redirect(url_for("public.recommendation", recommendation_id=found.id), 303)
