"""The published answers as small JSON lists: beside the desk's intake form (by category
and service) and in a case's reply form (by words, in Cyrillic or Latin). Plain text only:
the pages put it in with `textContent`, never as HTML."""

from flask import jsonify, request, url_for
from flask_login import current_user

from bureau.domain.answers import delivery, library
from bureau.domain.clock import sofia_today
from bureau.models import Answer
from bureau.permissions import requires
from bureau.web.answers.views import bp

LIMIT = 10  # suggestions shown at once: more is not read at the desk


@bp.get("/suggest")
@requires("answers.view")
def suggest():
    category = request.args.get("category", "").strip()[:60]
    service = request.args.get("service", "").strip()[:60]
    if not category and not service:
        return jsonify(answers=[])
    found = library.published(current_user.office, category=category, service=service)
    return jsonify(answers=[_item(answer) for answer in found[:LIMIT]])


@bp.get("/search")
@requires("answers.view")
def search():
    q = request.args.get("q", "").strip()[:100]
    if len(q) < 2:
        return jsonify(answers=[])
    found = library.published(current_user.office, q=q)
    office = current_user.office
    return jsonify(
        answers=[
            {**_item(answer), "text": delivery.as_text(answer, office)} for answer in found[:LIMIT]
        ]
    )


def _item(answer: Answer) -> dict:
    return {
        "id": answer.id,
        "title": library.live(answer).title,
        "excerpt": delivery.excerpt(answer),
        "stale": library.is_stale(answer, sofia_today()),
        "url": url_for("answers.show", answer_id=answer.id),
        "print_url": url_for("answers.print_view", answer_id=answer.id),
    }
