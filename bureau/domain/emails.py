"""What an e-mail address is: the one rule for every entry that stores an address (the
online form, the desk, the API, the admin's and the command line's users) and the outbox.

Built on `email-validator` without DNS look-ups. An address is kept in its normalised
Unicode form (`ivan@пример.бг`, what people recognise); SMTP gets the ASCII form with the
domain IDNA-encoded (`ivan@xn--e1afmkfd.xn--90ae`). A local part that needs SMTPUTF8
(`иван@…`) is refused: most relays do not offer that extension, and an address that can
never be delivered must not be promised a receipt. Special-use domains (`.local`,
`.invalid`, `localhost`) are refused, except `.test` (RFC 6761: reserved, never routed),
which the demo and development use.
"""

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError

MAX_LENGTH = 254  # RFC 5321's limit on a path, and the columns' width
FORBIDDEN = ("\r", "\n", "\0")  # a header injection, or a string cut short by a C library


@dataclass(frozen=True)
class Address:
    normalized: str  # stored and shown
    ascii: str  # given to the SMTP server


def parse(value: str, field: str = "email") -> Address:
    """The address checked and normalised; DomainError with a Bulgarian message if it is
    not one the outbox could send to."""
    text = (value or "").strip()
    if any(character in text for character in FORBIDDEN):
        message = _l("E-mail адресът не може да съдържа нов ред или управляващи знаци.")
        raise DomainError(message, field)
    if len(text) > MAX_LENGTH:
        message = _l("E-mail адресът е твърде дълъг (до %(n)d знака).", n=MAX_LENGTH)
        raise DomainError(message, field)
    try:
        checked = validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise DomainError(_l("Проверете e-mail адреса — например ivan@abv.bg."), field) from None
    if checked.ascii_email is None:
        raise DomainError(
            _l("Частта преди @ трябва да е на латиница — например ivan@пример.бг."), field
        )
    return Address(normalized=checked.normalized, ascii=checked.ascii_email)


def normalise(value: str, field: str = "email") -> str:
    """The stored form of an address typed anywhere; empty stays empty."""
    return parse(value, field).normalized if (value or "").strip() else ""
