"""Free text written on a case — notes, contacts, replies, summaries, reasons, referral
notes: one length limit, declared here, for the forms, the API and the domain alike."""

from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError

MAX_TEXT = 5000


def one_line_break(value: str | None) -> str:
    """Line breaks as one character each, as people see them and browsers count them
    (a browser sends each as CR LF)."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def one_line(value: str | None) -> str:
    """A name or a title: one line, its spaces single (a line break, a tab or a run of
    spaces pasted into it becomes one space)."""
    return " ".join((value or "").split())


def checked(value: str | None, field: str, *, required=None) -> str:
    """The text stripped; a DomainError on the field if it is missing (when `required`
    gives the message) or longer than MAX_TEXT."""
    text = one_line_break(value).strip()
    if required is not None and not text:
        raise DomainError(required, field)
    if len(text) > MAX_TEXT:
        raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=MAX_TEXT), field)
    return text
