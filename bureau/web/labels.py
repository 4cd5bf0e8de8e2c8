"""What people read for each stable code, in their language."""

from flask_babel import lazy_gettext as _l

from bureau.models import Affiliation, AgeBand, Channel, Flag, Gender, Outcome, Status, Urgency

CHANNEL_LABELS = {
    Channel.WALK_IN: _l("На място"),
    Channel.PHONE: _l("По телефона"),
    Channel.EMAIL: _l("По e-mail"),
    Channel.ONLINE: _l("Онлайн"),
    Channel.OUTREACH: _l("Изнесена приемна"),
}
GENDER_LABELS = {
    Gender.FEMALE: _l("жена"),
    Gender.MALE: _l("мъж"),
    Gender.OTHER: _l("друго"),
    Gender.UNDISCLOSED: _l("не е посочено"),
}
AGE_BAND_LABELS = {
    AgeBand.UNDER_18: _l("под 18"),
    AgeBand.A18_24: "18–24",
    AgeBand.A25_34: "25–34",
    AgeBand.A35_44: "35–44",
    AgeBand.A45_54: "45–54",
    AgeBand.A55_64: "55–64",
    AgeBand.A65_PLUS: _l("65 и повече"),
    AgeBand.UNDISCLOSED: _l("не е посочено"),
}
FLAG_LABELS = {
    Flag.UNEMPLOYED: _l("безработен"),
    Flag.DISABILITY: _l("с увреждане"),
    Flag.PENSIONER: _l("пенсионер"),
    Flag.MINORITY: _l("малцинство"),
    Flag.SINGLE_PARENT: _l("самотен родител"),
}
STATUS_LABELS = {
    Status.NEW: _l("ново"),
    Status.ASSIGNED: _l("възложено"),
    Status.IN_PROGRESS: _l("в работа"),
    Status.WAITING: _l("чака гражданина"),
    Status.RESOLVED: _l("решено"),
    Status.CLOSED: _l("приключено"),
}
OUTCOME_LABELS = {
    Outcome.INFORMATION_PROVIDED.value: _l("Предоставена информация"),
    Outcome.ADVICE_GIVEN.value: _l("Дадена консултация"),
    Outcome.REFERRED.value: _l("Насочен към институция"),
    Outcome.DOCUMENT_DRAFTED.value: _l("Изготвен документ"),
    Outcome.SIGNAL_FILED.value: _l("Подаден сигнал или предложение до общината"),
    Outcome.ESCALATED.value: _l("Отнесен до комисията"),
    Outcome.COULD_NOT_HELP.value: _l("Не можахме да помогнем"),
    Outcome.WITHDREW.value: _l("Гражданинът се отказа"),
}
AFFILIATION_LABELS = {Affiliation.NGO: _l("НПО"), Affiliation.MUNICIPAL: _l("общински")}
URGENCY_LABELS = {Urgency.NORMAL: _l("обичайна"), Urgency.URGENT: _l("спешно")}
EVENT_LABELS = {
    "created": _l("Запитването е заведено"),
    "assigned": _l("Възложено"),
    "accepted": _l("Прието от експерта"),
    "declined": _l("Отказано от експерта"),
    "status_changed": _l("Смяна на статуса"),
    "note": _l("Вътрешна бележка"),
    "contact": _l("Контакт с гражданина"),
    "referral": _l("Насочване към институция"),
    "attachment": _l("Прикачен файл"),
    "reply": _l("Отговор до гражданина"),
    "pin_reset": _l("Издаден е нов ПИН"),
}
SOLVED_LABELS = {"yes": _l("да"), "partly": _l("отчасти"), "no": _l("не")}
MAIL_STATUS_LABELS = {
    "pending": _l("чака изпращане"),
    "sent": _l("изпратено"),
    "failed": _l("неизпратено"),
}


def label(mapping: dict, code) -> str:
    """The label of a code, or the code itself if it has none."""
    return str(mapping.get(code, code)) if code else ""


def template_globals() -> dict:
    return {
        "channel_label": lambda c: label(CHANNEL_LABELS, c),
        "gender_label": lambda c: label(GENDER_LABELS, c),
        "age_band_label": lambda c: label(AGE_BAND_LABELS, c),
        "flag_label": lambda c: label(FLAG_LABELS, c),
        "status_label": lambda c: label(STATUS_LABELS, c),
        "urgency_label": lambda c: label(URGENCY_LABELS, c),
        "event_label": lambda c: label(EVENT_LABELS, c),
        "outcome_label": lambda c: label(OUTCOME_LABELS, c),
        "affiliation_label": lambda c: label(AFFILIATION_LABELS, c),
        "solved_label": lambda c: label(SOLVED_LABELS, c),
        "mail_status_label": lambda c: label(MAIL_STATUS_LABELS, c),
    }
