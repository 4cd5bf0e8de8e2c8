"""What a citizen is told, by the channel they chose at intake (e-mail, SMS or none).

Callers name the notice (TEMPLATES) and never branch on the channel. Only a
citizen who consented to processing is told anything; an anonymous inquiry has no one.
"""

from flask_babel import lazy_gettext as _l

from bureau.domain import DomainError, citizens, notifications, sms
from bureau.models import NOTICE_CHANNELS, Citizen, Inquiry, OutboxMessage

# The notice's template by channel: templates/email/<name>.txt/.html, templates/sms/<name>.txt.
# None: not sent by that channel. At the desk (and through the API) the citizen takes the
# printed receipt with the PIN; by SMS they get its reference and status address.
TEMPLATES = {
    "online_receipt": {"email": "ask_receipt", "sms": "receipt"},
    "desk_receipt": {"email": None, "sms": "receipt"},
    "resolved": {"email": "resolved", "sms": "resolved"},
}


def choose(chosen: str | None, *, email: str, phone: str, sms_consent: bool) -> str:
    """The channel recorded at intake: the one chosen, else e-mail if an address was
    given, else SMS if a mobile number and consent to SMS, else none. A choice the
    contact data cannot carry is refused, naming the field to fill in."""
    if chosen:
        if chosen not in NOTICE_CHANNELS:
            raise DomainError(_l("Невалидна стойност: %(value)s", value=chosen[:40]), "notify_by")
        if chosen == "email" and not email:
            raise DomainError(_l("За известия по e-mail въведете e-mail."), "email")
        if chosen == "sms" and citizens.sms_number(phone) is None:
            raise DomainError(_l("За известия с SMS въведете мобилен телефон."), "phone")
        return chosen
    if email:
        return "email"
    if sms_consent and citizens.sms_number(phone) is not None:
        return "sms"
    return "none"


def channel_of(citizen: Citizen | None) -> str:
    """How this citizen is told now; citizens from before the choice: e-mail if any."""
    if citizen is None or citizen.consent_at is None:
        return "none"
    chosen = citizen.notify_by or ("email" if citizen.email else "none")
    if chosen == "email" and citizen.email:
        return "email"
    if chosen == "sms" and citizen.sms_consent_at and citizens.sms_number(citizen.phone):
        return "sms"
    return "none"


def tell(
    citizen: Citizen | None, notice: str, context: dict, *, inquiry: Inquiry
) -> OutboxMessage | None:
    """Queue the notice to the citizen by their channel, in the current transaction."""
    channel = channel_of(citizen)
    template = TEMPLATES[notice].get(channel)
    if template is None:
        return None
    if channel == "email":
        return notifications.queue_email(citizen.email, template, context, inquiry=inquiry)
    # Never the PIN by SMS; the status page without the reference in its address (the
    # text names it), so that a Cyrillic notice fits one segment of 70 characters.
    context = {k: v for k, v in context.items() if k != "pin"}
    context["status_page"] = f"{notifications.public_url()}/status"
    return sms.queue_sms(citizen.phone, template, context, inquiry=inquiry)
