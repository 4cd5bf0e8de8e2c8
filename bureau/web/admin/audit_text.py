"""The audit trail in words: each entry as a Bulgarian sentence, built from its action code,
object and coded details (nothing new is stored), with people and cases linked.

"Иван Петров прегледа случай KRS-2026-00042": the actor's name links to their user page,
a case to the trail of that case, a citizen to the data-subject page.
"""

from flask import url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from bureau.extensions import db
from bureau.models import AuditEntry, Category, Office, User
from bureau.web.common.labels import ROLE_LABELS, TITLES

# The sentence of each action (some by a detail: "action:variant"); %(actor)s is who did
# it, %(object)s what it was done to, the other names come from the entry's details.
ACTIONS_SAID = {
    "auth.login": _l("%(actor)s влезе в системата%(how)s"),
    "auth.login_failed": _l("Неуспешен опит за вход в профила на %(object)s"),
    "auth.login_failed:unknown": _l("Неуспешен опит за вход с непознат e-mail"),
    "auth.logout": _l("%(actor)s излезе от системата"),
    "auth.mfa_failed": _l("Грешен код за двуфакторно влизане в профила на %(object)s"),
    "account.password_changed": _l("%(actor)s смени паролата си"),
    "account.mfa_enabled": _l("%(actor)s включи двуфакторното влизане"),
    "account.mfa_disabled": _l("%(actor)s изключи двуфакторното влизане"),
    "account.recovery_codes": _l("%(actor)s създаде нови кодове за възстановяване"),
    "case.view": _l("%(actor)s прегледа случай %(object)s"),
    "case.receipt": _l("%(actor)s прегледа разписката на случай %(object)s"),
    "case.api_view": _l("%(actor)s прочете случай %(object)s през API"),
    "case.list": _l("%(actor)s прегледа списъка на случаите, страница %(page)s, %(results)s"),
    "case.list:search": _l("%(actor)s търси в случаите, страница %(page)s, %(results)s"),
    "citizen.search": _l("%(actor)s търси завръщащ се гражданин: %(results)s"),
    "case.create": _l("%(actor)s заведе случай %(object)s"),
    "case.change": _l("%(actor)s промени случай %(object)s: %(step)s"),
    "case.pin_reset": _l("%(actor)s издаде нов ПИН за случай %(object)s"),
    "attachment.download": _l("%(actor)s изтегли файл от случай %(object)s"),
    "stats.export": _l("%(actor)s изтегли статистика (%(format)s): %(table)s"),
    "feedback.paper_entered": _l("%(actor)s въведе хартиена анкета за случай %(object)s"),
    "experts.profile_updated": _l("%(actor)s промени профила на експерта %(object)s"),
    "recommendation.changed": _l("%(actor)s промени препоръка %(object)s"),
    "admin.taxonomy_updated": _l("%(actor)s промени категория %(object)s"),
    "audit.view": _l("%(actor)s прегледа одитния дневник, страница %(page)s"),
    "audit.export": _l("%(actor)s изтегли одитния дневник%(filtered)s"),
    "admin.user_created": _l("%(actor)s създаде потребител %(object)s с роля „%(role)s“"),
    "admin.user_updated": _l(
        "%(actor)s промени потребител %(object)s: роля „%(role)s“, %(active)s"
    ),
    "admin.password_reset": _l("%(actor)s смени паролата на %(object)s"),
    "admin.mfa_reset": _l("%(actor)s нулира двуфакторното влизане на %(object)s"),
    "admin.office_updated": _l("%(actor)s промени данните на офис %(object)s"),
    "privacy.search": _l("%(actor)s търси гражданин по искане за лични данни: %(results)s"),
    "privacy.view": _l("%(actor)s прегледа данните на %(object)s"),
    "privacy.export": _l("%(actor)s изтегли данните на %(object)s"),
    "privacy.erase": _l("%(actor)s заличи данните на %(object)s (%(cases)s)"),
    "privacy.purge": _l(
        "%(actor)s анонимизира %(cases)s с изтекъл срок за съхранение (%(months)s месеца)"
    ),
    "mail.outbox_view": _l("%(actor)s прегледа неизпратените писма"),
    "mail.retry": _l("%(actor)s изпрати отново писмо № %(object)s"),
    "services.changed": _l("%(actor)s промени услуга %(object)s в регистъра на услугите"),
    "services.imported": _l("%(actor)s зареди регистъра на услугите от файл"),
}
STEPS = {
    "assign": _l("възлагане"),
    "assign_inquiry": _l("възлагане"),
    "accept": _l("приемане"),
    "decline": _l("отказ от експерта"),
    "transition": _l("смяна на статуса"),
    "transition_inquiry": _l("смяна на статуса"),
    "add_note": _l("вътрешна бележка"),
    "log_contact": _l("контакт с гражданина"),
    "reply": _l("отговор до гражданина"),
    "refer": _l("насочване към институция"),
    "upload": _l("прикачен файл"),
}
# The statistics downloads that are not one table of the dashboard (TITLES has those).
EXPORTS = {
    "services": _l("услуги на общината"),
    "departments": _l("услуги по звена"),
    "monitoring": _l("мониторинг на услугите за полугодието"),
    "yearly": _l("годишен отчет"),
    "funder": _l("отчет за финансиращия"),
}
HOW = {"totp": _l(" с код от приложение"), "recovery": _l(" с код за възстановяване")}


def names_of(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """What the entries' objects are called: users by name, categories by label, offices
    by name — read in one query each for the page (actors come with their entry)."""
    wanted: dict[str, set[str]] = {"user": set(), "category": set(), "office": set()}
    for entry in entries:
        if entry.object_type in wanted and entry.object_id:
            wanted[entry.object_type].add(entry.object_id)
    names = {}
    locale = str(get_locale() or "bg")
    if ids := {int(key) for key in wanted["user"] if _number(key)}:
        rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
        names.update({("user", str(i)): name for i, name in rows})
    if codes := wanted["category"]:
        for category in db.session.scalars(select(Category).where(Category.code.in_(codes))):
            names["category", category.code] = category.label(locale)
    if ids := {int(key) for key in wanted["office"] if _number(key)}:
        rows = db.session.execute(select(Office.id, Office.name).where(Office.id.in_(ids)))
        names.update({("office", str(i)): name for i, name in rows})
    return names


def sentence(entry: AuditEntry, names: dict[tuple[str, str], str]) -> Markup:
    """The entry as one sentence, its people and objects linked."""
    details = entry.details or {}
    key = _variant(entry.action, details)
    said = ACTIONS_SAID.get(key) or ACTIONS_SAID.get(entry.action)
    if said is None:  # an action this code does not know (yet): its code, plainly
        return escape(f"{entry.action} {entry.object_type or ''} {entry.object_id or ''}")
    values = {**_details(details), "actor": _actor(entry), "object": _object(entry, names)}
    text = escape(str(said)) % values
    if details.get("api"):
        text += escape(_(" (през API)"))
    return text


def _variant(action: str, details: dict) -> str:
    if action == "case.list" and details.get("search"):
        return "case.list:search"
    if action == "auth.login_failed" and details.get("account") == "unknown":
        return "auth.login_failed:unknown"
    return action


def _details(details: dict) -> dict:
    """Coded details in words; any that is missing reads as a dash."""
    results = _int(details.get("results"))
    cases = _int(details.get("cases"))
    table = details.get("table")
    return {
        "page": _thousands(_int(details.get("page")) or 1),
        "results": ngettext("%(n)s резултат", "%(n)s резултата", results, n=_thousands(results)),
        "cases": ngettext("%(n)s случай", "%(n)s случая", cases, n=_thousands(cases)),
        "months": _thousands(_int(details.get("months"))),
        "step": str(STEPS.get(details.get("step"), details.get("step") or "—")),
        "format": str(details.get("format") or "—").upper(),
        "table": str(TITLES.get(table) or EXPORTS.get(table, table))
        if table not in (None, "all")
        else _("всички"),
        "how": str(HOW.get(details.get("mfa"), "")),
        "filtered": _(" (филтриран)") if details.get("filtered") else "",
        "role": str(ROLE_LABELS.get(details.get("role"), details.get("role") or "—")),
        "active": _("активен") if details.get("active") else _("неактивен"),
    }


def _actor(entry: AuditEntry) -> Markup:
    if entry.actor is None:
        return escape(_("Системата") if entry.actor_id is None else _("изтрит потребител"))
    return _link(
        entry.actor.name,
        url_for("admin.edit_user", user_id=entry.actor.id),
        title=entry.actor.email,
    )


def _object(entry: AuditEntry, names: dict[tuple[str, str], str]) -> Markup:
    kind, key = entry.object_type, entry.object_id or ""
    name = names.get((kind, key))
    if kind == "inquiry":
        return _link(key, url_for("admin.audit", object=key), title=_("Всички записи за случая"))
    if kind == "user":
        if name is None:
            return escape(_("потребител № %(id)s", id=key))
        return _link(name, url_for("admin.edit_user", user_id=int(key)))
    if kind == "citizen" and _number(key):
        label = _("гражданин № %(id)s", id=key)
        return _link(label, url_for("admin.privacy_citizen", citizen_id=int(key)))
    if kind == "recommendation" and _number(key):
        url = url_for("commission.show_recommendation", recommendation_id=int(key))
        return _link(_("№ %(id)s", id=key), url)
    return escape(name or key or "—")


def _link(text: str, url: str, title: str | None = None) -> Markup:
    if title:
        return Markup('<a href="{}" title="{}">{}</a>').format(url, title, text)
    return Markup('<a href="{}">{}</a>').format(url, text)


def _number(value) -> bool:
    return isinstance(value, str) and value.isdigit() and len(value) < 12


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _thousands(value: int) -> str:
    """3001 as Bulgarian writes it: 3 001."""
    return f"{value:,}".replace(",", " ")
