"""Answers for the handbook's tests, written and approved through the library's own
steps: an expert of the office writes, a coordinator of the office approves."""

from datetime import date
from html.parser import HTMLParser

from bureau.domain.answers import library
from bureau.extensions import db
from bureau.models import Answer, Office, Role
from tests.factories import make_user

TODAY = date(2026, 11, 21)
HOSTILE = (
    "<script>alert('body')</script>\n\n"
    "[click me](javascript:alert('link'))\n\n"
    '<img src="x" onerror="alert(\'img\')">\n\n'
    "<a href=\"javascript:alert('raw')\">raw link</a>"
)


def draft(office: Office, title: str, **fields) -> Answer:
    """A draft of the office's library, by a new expert of the office."""
    author = make_user(Role.EXPERT, office=office)
    data = library.AnswerData(title=title, body=fields.pop("body", f"Текст: {title}"), **fields)
    answer = library.create(office, data, actor=author, today=TODAY)
    db.session.commit()
    return answer


def approve(answer: Answer) -> Answer:
    """Submit the answer and have a coordinator of its office approve it."""
    last = answer.last_changed_by
    library.submit(answer, actor=last)
    coordinator = make_user(Role.COORDINATOR, office=answer.office)
    library.approve(answer, actor=coordinator, today=TODAY)
    db.session.commit()
    return answer


def publish(office: Office, title: str, **fields) -> Answer:
    return approve(draft(office, title, **fields))


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "iframe", "object", "embed", "style"):
            self.problems.append(f"<{tag}>")
        source = dict(attrs).get("src") or ""
        if tag == "script" and not (source.startswith("/") and not source.startswith("//")):
            self.problems.append(f"<script src={source!r}>")  # ours are files of the site
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{tag} {name}={value}")


def live_markup(html: str) -> list[str]:
    """What in the page's HTML could run: a script that is not ours, an event handler, a
    javascript: link, an image or a frame."""
    parser = _Markup()
    parser.feed(html)
    return parser.problems
