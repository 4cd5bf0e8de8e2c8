"""Free text written on a case — notes, contacts, replies, summaries, reasons, referral
notes: one length limit, declared here, for the forms, the API and the domain alike."""

from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError

MAX_TEXT = 5000


def checked(value: str | None, field: str, *, required=None) -> str:
    """The text stripped; a DomainError on the field if it is missing (when `required`
    gives the message) or longer than MAX_TEXT."""
    text = (value or "").strip()
    if required is not None and not text:
        raise DomainError(required, field)
    if len(text) > MAX_TEXT:
        raise DomainError(_l("Текстът е твърде дълъг (до %(n)d знака).", n=MAX_TEXT), field)
    return text
