"""What people read for each stable code, in their language: the codes of a case, the
roles, and the statistics' table titles, row and column labels and cell text."""

from datetime import date
from functools import lru_cache

from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from bureau.domain.statistics.suppression import Cell
from bureau.extensions import db
from bureau.models import (
    Affiliation,
    AgeBand,
    Category,
    Channel,
    Flag,
    Gender,
    Institution,
    Office,
    Outcome,
    Role,
    Service,
    ServiceProblem,
    Settlement,
    Status,
    Urgency,
    problem_codes,
)

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
    "referral_step": _l("Отговор на институцията"),
}
REFERRAL_STATE_LABELS = {
    "sent": _l("изпратено"),
    "acknowledged": _l("получаването е потвърдено"),
    "accepted": _l("прието"),
    "declined": _l("отказано"),
    "outcome_reported": _l("съобщен е резултат"),
    "no_answer": _l("без отговор"),
}
REFERRAL_RESULT_LABELS = {
    "resolved": _l("решен"),
    "partly": _l("отчасти решен"),
    "not_resolved": _l("не е решен"),
    "no_contact": _l("няма връзка с гражданина"),
}
REFERRAL_COLUMN_LABELS = {
    **REFERRAL_RESULT_LABELS,
    "declined": _l("отказано"),
    "no_answer": _l("без отговор"),
    "open": _l("в ход"),
}
INSTITUTION_KIND_LABELS = {
    "social_assistance": _l("Социално подпомагане"),
    "noi": _l("НОИ"),
    "nra": _l("НАП"),
    "rhi": _l("РЗИ"),
    "labour": _l("Бюро по труда"),
    "municipal": _l("Общинско звено"),
    "other": _l("Друга"),
}
SOLVED_LABELS = {"yes": _l("да"), "partly": _l("отчасти"), "no": _l("не")}
MAIL_STATUS_LABELS = {
    "pending": _l("чака изпращане"),
    "sent": _l("изпратено"),
    "failed": _l("неизпратено"),
}
ROLE_LABELS = {
    Role.ADMIN: _l("Администратор"),
    Role.COORDINATOR: _l("Координатор"),
    Role.DESK: _l("Приемна"),
    Role.EXPERT: _l("Експерт"),
    Role.COMMISSION: _l("Комисия"),
}
SERVICE_KINDS = {
    "administrative": _l("административна"),
    "technical": _l("техническа (строителство, устройство на територията, кадастър)"),
}
SERVICE_PROBLEMS = {
    ServiceProblem.TERM: _l("Просрочен законов срок"),
    ServiceProblem.REQUIREMENTS: _l("Неясни изисквания или документи"),
    ServiceProblem.FEE: _l("Такса"),
    ServiceProblem.STAFF: _l("Отношение на служителите"),
    ServiceProblem.ACCESS: _l("Достъп (работно време, разстояние, достъпност)"),
    ServiceProblem.ONLINE: _l("Липсва информация онлайн"),
    ServiceProblem.CORRUPTION: _l("Сигнал за корупция или конфликт на интереси"),
    ServiceProblem.OTHER: _l("Друго"),
}
# The columns of the services' tables (bureau/domain/statistics/services.py).
SERVICE_COLUMNS = {
    "inquiries": _l("Запитвания"),
    "with_problem": _l("С проблем"),
    **{problem.value: text for problem, text in SERVICE_PROBLEMS.items()},
    "late": _l("Не в срок"),
    "unclear": _l("Неясни изисквания"),
    "discourteous": _l("Неучтиви служители"),
    "extra_payment": _l("Искано плащане извън таксата"),
}
EVIDENCE_PROBLEMS = {
    "term_exceeded": _l("Просрочен законов срок"),
    "unclear_requirements": _l("Неясни изисквания или документи"),
    "fee": _l("Такси и разходи"),
    "staff_treatment": _l("Отношение на служителите"),
    "access": _l("Достъп (работно време, разстояние, достъпност)"),
    "online_information": _l("Липсва информация онлайн"),
    "corruption": _l("Корупция или конфликт на интереси"),
    "regulation_gap": _l("Липсващо, неясно или несправедливо правило"),
    "coordination": _l("Институциите препращат гражданина помежду си"),
    "other": _l("Друго"),
}
EVIDENCE_STATE_LABELS = {
    "pending": _l("чака одобрение"),
    "approved": _l("одобрено"),
    "rejected": _l("върнато"),
}
ACTION_STATUS_LABELS = {
    "planned": _l("планирано"),
    "in_progress": _l("в изпълнение"),
    "done": _l("изпълнено"),
    "dropped": _l("отпаднало"),
}
ANSWER_STATUS_LABELS = {
    "draft": _l("чернова"),
    "in_review": _l("за одобрение"),
    "published": _l("публикуван"),
    "archived": _l("архивиран"),
}
ANSWER_STEP_LABELS = {
    "created": _l("създаден"),
    "edited": _l("променен"),
    "submitted": _l("изпратен за одобрение"),
    "approved": _l("одобрен и публикуван"),
    "returned": _l("върнат за поправка"),
    "archived": _l("архивиран"),
    "restored": _l("възстановен"),
}
CONTACT_LABELS = [
    ("phone", _l("Телефонен разговор")),
    ("visit", _l("Посещение")),
    ("letter", _l("Писмо")),
    ("email", _l("E-mail")),
]


def label(mapping: dict, code) -> str:
    """The label of a code, or the code itself if it has none."""
    return str(mapping.get(code, code)) if code else ""


def working_days(n: int, short: bool = False) -> str:
    """A term in working days: "1 работен ден", "5 работни дни" ("5 раб. дни" short)."""
    if short:
        return ngettext("%(num)d раб. ден", "%(num)d раб. дни", n)
    return ngettext("%(num)d работен ден", "%(num)d работни дни", n)


def role_label(role) -> str:
    return str(ROLE_LABELS.get(role, role))


def template_globals() -> dict:
    return {
        "channel_label": lambda c: label(CHANNEL_LABELS, c),
        "gender_label": lambda c: label(GENDER_LABELS, c),
        "age_band_label": lambda c: label(AGE_BAND_LABELS, c),
        "flag_label": lambda c: label(FLAG_LABELS, c),
        "status_label": lambda c: label(STATUS_LABELS, c),
        "status_labels": lambda: {code: str(text) for code, text in STATUS_LABELS.items()},
        "urgency_label": lambda c: label(URGENCY_LABELS, c),
        "event_label": lambda c: label(EVENT_LABELS, c),
        "outcome_label": lambda c: label(OUTCOME_LABELS, c),
        "affiliation_label": lambda c: label(AFFILIATION_LABELS, c),
        "solved_label": lambda c: label(SOLVED_LABELS, c),
        "mail_status_label": lambda c: label(MAIL_STATUS_LABELS, c),
        "problem_labels": lambda mask: [label(SERVICE_PROBLEMS, c) for c in problem_codes(mask)],
        "role_label": role_label,
        "answer_status_label": lambda c: label(ANSWER_STATUS_LABELS, c),
        "answer_step_label": lambda c: label(ANSWER_STEP_LABELS, c),
        "referral_state_label": lambda c: label(REFERRAL_STATE_LABELS, c),
        "referral_result_label": lambda c: label(REFERRAL_RESULT_LABELS, c),
        "institution_kind_label": lambda c: label(INSTITUTION_KIND_LABELS, c),
        "evidence_problem_label": lambda c: label(EVIDENCE_PROBLEMS, c),
        "evidence_state_label": lambda c: label(EVIDENCE_STATE_LABELS, c),
        "action_status_label": lambda c: label(ACTION_STATUS_LABELS, c),
        "working_days": working_days,
    }


# --- the statistics ---------------------------------------------------------------------

TITLES = {
    "category_month": _l("Запитвания по категории и месеци"),
    "category": _l("Запитвания по категории"),
    "month": _l("Запитвания по месеци"),
    "settlement": _l("Запитвания по населени места"),
    "channel": _l("Запитвания по канал"),
    "gender": _l("Запитвания по пол (цялата община)"),
    "age_band": _l("Запитвания по възраст (цялата община)"),
    "flags": _l("Уязвими групи (един човек може да е в няколко)"),
    "outcome": _l("Резултати от решените случаи"),
    "referral": _l("Насочвания по институции"),
    "referral_result": _l("Насочвания по институции и резултат"),
    "deadline": _l("Решени в срок"),
    "open": _l("Отворени случаи днес (от получените през периода)"),
    "satisfaction": _l("Удовлетвореност (1–5)"),
    "solved": _l("Решен ли е проблемът"),
    "recommend": _l("Биха ли препоръчали бюрото"),
    "office_category": _l("Бюра по категории"),
    "office_channel": _l("Бюра по канал"),
    "funder_sex": _l("Участия по пол"),
    "funder_age": _l("Участия по възраст"),
    "funder_disadvantaged": _l("Участия на лица в неравностойно положение"),
    "library": _l("Отговорени с отговор от библиотеката, по категории"),
    "first_contact": _l("Решени на място (при първия контакт)"),
    "service_problems": _l("Запитвания и проблеми по услуги"),
    "service_trend": _l("Запитвания по услуги и полугодия"),
    "service_ratings": _l("Оценки на гражданите по услуги (1–5)"),
    "service_answers": _l("Отговори в оценките по услуги"),
    "department_problems": _l("Запитвания и проблеми по звена"),
    "department_trend": _l("Запитвания по звена и полугодия"),
    "department_ratings": _l("Оценки на гражданите по звена (1–5)"),
    "department_answers": _l("Отговори в оценките по звена"),
    "service_problems_previous": _l("Запитвания и проблеми по услуги — предходното полугодие"),
    "service_ratings_previous": _l("Оценки по услуги — предходното полугодие"),
    "office_kind": _l("Бюра: запитвания за услуги по вид"),
    "department_office": _l("Запитвания за услуги по звена и бюра"),
}
# Sheet names of the XLSX exports (≤ 31 characters; the file name takes them too).
SHEETS = {
    "category_month": _l("По категории и месеци"),
    "category": _l("По категории"),
    "month": _l("По месеци"),
    "settlement": _l("По населени места"),
    "channel": _l("По канал"),
    "gender": _l("По пол"),
    "age_band": _l("По възраст"),
    "flags": _l("Уязвими групи"),
    "outcome": _l("Резултати"),
    "referral": _l("Насочвания"),
    "referral_result": _l("Насочвания и резултати"),
    "deadline": _l("Решени в срок"),
    "open": _l("Отворени случаи"),
    "satisfaction": _l("Удовлетвореност"),
    "solved": _l("Решен ли е проблемът"),
    "recommend": _l("Биха препоръчали"),
    "office_category": _l("Бюра по категории"),
    "office_channel": _l("Бюра по канал"),
    "funder_sex": _l("Участия по пол"),
    "funder_age": _l("Участия по възраст"),
    "funder_disadvantaged": _l("В неравностойно положение"),
    "library": _l("Библиотека по категории"),
    "first_contact": _l("Решени на място"),
    "service_problems": _l("Услуги — проблеми"),
    "service_trend": _l("Услуги — полугодия"),
    "service_ratings": _l("Услуги — оценки"),
    "service_answers": _l("Услуги — отговори"),
    "department_problems": _l("Звена — проблеми"),
    "department_trend": _l("Звена — полугодия"),
    "department_ratings": _l("Звена — оценки"),
    "department_answers": _l("Звена — отговори"),
    "service_problems_previous": _l("Услуги — предх. полугодие"),
    "service_ratings_previous": _l("Оценки — предх. полугодие"),
    "office_kind": _l("Бюра по вид услуга"),
    "department_office": _l("Звена по бюра"),
}
FIXED = {
    "first_contact": {"first_contact": _l("решени на място")},
    "deadline": {"on_time": _l("в срок"), "late": _l("след срока")},
    "open": {"on_track": _l("в срок"), "overdue": _l("просрочени")},
    "solved": SOLVED_LABELS,
    "recommend": {"yes": _l("да"), "no": _l("не")},
    "funder_sex": {"female": _l("жени"), "male": _l("мъже"), "other": _l("друг или непосочен")},
    "funder_age": {
        "under_25": _l("под 25 г."),
        "25_54": _l("25–54 г."),
        "55_plus": _l("55 и повече г."),
        "unknown": _l("неизвестна"),
    },
    "funder_disadvantaged": {
        "disadvantaged": _l("в неравностойно положение (поне един признак)"),
        "none": _l("без признак"),
    },
}
RECOMMENDATION_STATUS = {
    "draft": _l("чернова"),
    "submitted": _l("внесена"),
    "accepted": _l("приета"),
    "partially_accepted": _l("приета частично"),
    "rejected": _l("отхвърлена"),
    "implemented": _l("изпълнена"),
}
FILTER_NAMES = {
    "settlement": _l("Населено място"),
    "category": _l("Категория"),
    "channel": _l("Канал"),
    "affiliation": _l("Експерти"),
}
# A table of the half-year before, beside the same table now (the monitoring report).
PREVIOUS = "_previous"
COUNT = _l("Брой")
TOTAL = _l("Общо")
UNKNOWN = _l("не е посочено")
SECONDARY_MARK = "×"


class Labels:
    """Labels of the codes in the tables, read once per request for the offices shown."""

    def __init__(self, office_ids: list[int]):
        locale = str(get_locale() or "bg")
        self.categories = {c.code: c.label(locale) for c in db.session.scalars(select(Category))}
        where = Settlement.office_id.in_(office_ids)
        self.settlements = dict(
            db.session.execute(select(Settlement.ekatte, Settlement.name).where(where)).all()
        )
        where = or_(Institution.office_id.in_(office_ids), Institution.office_id.is_(None))
        self.institutions = dict(
            db.session.execute(select(Institution.code, Institution.name).where(where)).all()
        )
        self.offices = {str(o.id): o.code for o in db.session.scalars(select(Office))}
        where = Service.office_id.in_(office_ids)
        self.services = {
            str(s.id): s.label(locale) for s in db.session.scalars(select(Service).where(where))
        }

    def row(self, key: str, code: str) -> str:
        key = key.removesuffix(PREVIOUS)
        if key in ("office_category", "office_channel", "office_kind"):
            return self.offices.get(code, code)
        if key.startswith("service_"):
            return self.services.get(code, code)
        if key.startswith("department_"):
            return code or str(UNKNOWN)
        if key in ("category_month", "category", "library"):
            return self.categories.get(code, code)
        if key == "month":
            return month_label(code)
        if code == "":
            return str(UNKNOWN)
        mapping = {
            "settlement": self.settlements,
            "channel": CHANNEL_LABELS,
            "gender": GENDER_LABELS,
            "age_band": AGE_BAND_LABELS,
            "flags": FLAG_LABELS,
            "outcome": OUTCOME_LABELS,
            "referral": self.institutions,
            "referral_result": self.institutions,
            "affiliation": AFFILIATION_LABELS,
            **FIXED,
        }.get(key, {})
        return label(mapping, code) or code

    def filters(self, chosen: dict) -> list[tuple[str, str]]:
        """The filters of an export in words: (what, which), e.g. ("Канал", "По телефона")."""
        return [
            (str(FILTER_NAMES[key]), self.row(key, value))
            for key, value in chosen.items()
            if value and key in FILTER_NAMES
        ]

    def column(self, key: str, code: str) -> str:
        key = key.removesuffix(PREVIOUS)
        if key == "category_month":
            return month_label(code)
        if key == "office_category":
            return self.categories.get(code, code)
        if key == "office_channel":
            return label(CHANNEL_LABELS, code)
        if key == "office_kind":
            return label(SERVICE_KINDS, code)
        if key == "department_office":
            return self.offices.get(code, code)
        if key.endswith("_trend"):
            return half_label(code)
        if key.endswith("_ratings"):
            return code
        if key.endswith(("_problems", "_answers")):
            return label(SERVICE_COLUMNS, code)
        if key == "referral_result":
            return label(REFERRAL_COLUMN_LABELS, code)
        return str(COUNT)


def half_label(code: str) -> str:
    """A half-year code as people say it: 2026-H1 is "1. полугодие 2026"."""
    year, _sep, half = code.partition("-H")
    return _("%(half)s. полугодие %(year)s", half=half, year=year) if half else code


def month_label(code: str) -> str:
    """A month code as people write it: 2026-03 is 03.2026."""
    year, _sep, month = code.partition("-")
    return f"{month}.{year}" if month else code


def cell_text(cell: Cell | None, threshold: int) -> str:
    """The count as shown: 1 234, "<5" for a small count, × for one hidden beside it."""
    if cell is None:
        return ""
    if not cell.suppressed:
        return number(cell.count)
    return f"<{threshold}" if cell.primary else SECONDARY_MARK


def number(value, digits: int = 0) -> str:
    """A count or a share as the locale writes it: 1 234, 12,5. Each text is kept once
    made: a statistics page writes thousands of numbers, mostly the same few hundred,
    and Babel parses its pattern anew for every one (a fifth of a page's time)."""
    if value is None:
        return "—"
    return _number(value, digits, get_locale())


@lru_cache(maxsize=8192)
def _number(value, digits: int, locale) -> str:
    pattern = "#,##0" if not digits else "#,##0." + "0" * digits
    return babel_format_decimal(value, format=pattern, locale=locale)


def period_label(start: date, end: date) -> str:
    last = date.fromordinal(end.toordinal() - 1)
    return f"{start.strftime('%d.%m.%Y')} – {last.strftime('%d.%m.%Y')}"


def months_label(start: date, end: date, *, year: bool = True) -> str:
    """Whole months in words: "януари–ноември 2025", "ноември 2025" (without the year:
    "януари–ноември", when the sentence names it)."""
    last = date.fromordinal(end.toordinal() - 1)
    pattern = "LLLL y" if year else "LLLL"
    if (start.year, start.month) == (last.year, last.month):
        return format_date(start, pattern)
    if start.year == last.year:
        return f"{format_date(start, 'LLLL')}–{format_date(last, pattern)}"
    return f"{format_date(start, 'LLLL y')} – {format_date(last, 'LLLL y')}"


def comparison_label(board) -> str:
    """What the headline figures are compared with, said plainly."""
    previous = board.previous
    if board.running:  # the months themselves are named beside it (_stats.html)
        return _("същите месеци на %(year)d", year=previous.start.year)
    return _("предходен период (%(months)s)", months=months_label(previous.start, previous.end))
