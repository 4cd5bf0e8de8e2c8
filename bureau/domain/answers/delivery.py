"""An answer handed to a citizen: as the plain text a reply starts from, or by e-mail from
the desk. Always the live version, with the office's own local part."""

from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError, audit, notifications
from bureau.domain.answers import library, text
from bureau.domain.text import one_line
from bureau.models import Answer, Inquiry, Office, User

EXCERPT = 200  # characters of an answer shown in a list of suggestions


def sections(answer: Answer, office: Office | None, locale: str = "bg") -> list[tuple[str, str]]:
    """What the citizen reads of the live answer, in order, as (heading, text) pairs: the
    answer itself first, with no heading; then what to bring, where, fee and term, legal
    basis and the office's local part. Only the parts that are filled."""
    return content_sections(library.live(answer), library.local_part(answer, office), locale)


def content_sections(content: library.Content, local: str = "", locale: str = "bg") -> list:
    """`sections` of any version of an answer (the working copy, for its authors)."""
    parts = [
        ("", content.text(locale)),
        (_l("Какво да носите"), content.documents),
        (_l("Къде"), content.place),
        (_l("Такса и срок"), content.fee_term),
        (_l("Правно основание"), content.legal_basis),
        (_l("В нашето бюро"), local),
    ]
    return [(str(heading), value) for heading, value in parts if value]


def as_text(answer: Answer, office: Office | None, locale: str = "bg") -> str:
    """The live answer as plain text, for a reply the expert then edits, or an e-mail."""
    parts = []
    for heading, value in sections(answer, office, locale):
        parts.append(f"{heading}:\n{text.plain(value)}" if heading else text.plain(value))
    return "\n\n".join(parts)


def excerpt(answer: Answer, locale: str = "bg") -> str:
    """The start of the live answer, in one line, for a list of suggestions."""
    words = one_line(text.plain(library.live(answer).text(locale)))
    return words if len(words) <= EXCERPT else words[: EXCERPT - 1].rstrip() + "…"


def send_to_citizen(answer: Answer, case: Inquiry, *, actor: User) -> None:
    """E-mail the live answer to the citizen of the case, who gave an address and consent."""
    citizen = case.citizen
    if citizen is None or not citizen.email or citizen.consent_at is None:
        raise DomainError(_l("Гражданинът не е оставил e-mail."))
    visible = library.get(answer.id, case.office)
    if visible is None or answer.live is None or answer.status == "archived":
        raise DomainError(_l("Изберете публикуван отговор от библиотеката."))
    context = {
        "case": case,
        "title": library.live(answer).title,
        "sections": sections(answer, case.office),
        "text": as_text(answer, case.office),
    }
    message = notifications.queue_email(citizen.email, "answer", context, inquiry=case)
    if message is None:
        raise DomainError(_l("Писмото не може да бъде изпратено на този адрес."))
    audit.record("answer.sent", actor=actor, obj=case, details={"answer": answer.id})
