"""The role-aware navigation: each entry shows only to those who hold its permission."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bureau.permissions import can


@dataclass(frozen=True)
class NavItem:
    permission: str
    endpoint: str
    label: str
    description: str
    # The bar's menu the item sits in (None: a link of its own), so that the bar fits a
    # 1024 px tablet for every role.
    menu: str | None = None

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def prefix(self) -> str:
        return self.url.rstrip("/") or "/"


NAVIGATION = [
    NavItem("case.create", "desk.new_inquiry", _l("Ново запитване"), _l("Заведете запитване.")),
    NavItem("case.create", "desk.home", _l("Приемна"), _l("Днешните запитвания и търсене.")),
    NavItem("case.view", "cases.index", _l("Случаи"), _l("Всички случаи с филтри и срокове.")),
    # In the coordinator's crowded bar, among the things a coordinator keeps (menu "admin").
    NavItem(
        "answers.view",
        "answers.index",
        _l("Отговори"),
        _l("Готови отговори на честите въпроси."),
        menu="admin",
    ),
    NavItem(
        "evidence.flag",
        "evidence.index",
        _l("Доказателства"),
        _l("Случаи, отбелязани като доказателство за системен проблем."),
        menu="admin",
    ),
    NavItem(
        "dashboard.operations",
        "cases.dashboard",
        _l("Табло"),
        _l("Опашки: просрочени, с наближаващ срок, невъзложени."),
    ),
    NavItem(
        "experts.manage",
        "experts.index",
        _l("Експерти"),
        _l("Експертиза, капацитет, отпуск."),
        menu="admin",
    ),
    NavItem(
        "stats.view",
        "commission.dashboard",
        _l("Статистика"),
        _l("Анонимизирана статистика."),
        menu="stats",
    ),
    NavItem(
        "stats.view",
        "commission.services_view",
        _l("Услуги"),
        _l("Проблеми и оценки по услуги на общината."),
        menu="stats",
    ),
    NavItem(
        "stats.view",
        "commission.monitoring_report",
        _l("Мониторинг"),
        _l("Полугодишен доклад за услугите на общината."),
        menu="stats",
    ),
    NavItem(
        "stats.view",
        "commission.recommendations",
        _l("Препоръки"),
        _l("Регистър на препоръките на комисията."),
        menu="stats",
    ),
    NavItem(
        "recommendation.edit",
        "commission.evidence_list",
        _l("Доказателства"),
        _l("Одобрени описания на случаи, без лични данни."),
        menu="stats",
    ),
    *(
        NavItem(permission, endpoint, label, description, menu="admin")
        for permission, endpoint, label, description in [
            ("admin.users", "admin.users", _l("Потребители"), _l("Профили, роли, офиси, пароли.")),
            ("admin.offices", "admin.office_list", _l("Офиси"), _l("Бюрата и населените места.")),
            ("admin.taxonomy", "admin.categories", _l("Категории"),
             _l("Видове проблеми и срокове.")),
            ("admin.audit", "admin.audit", _l("Одит"), _l("Кой какво е видял и променил.")),
            ("admin.privacy", "admin.privacy", _l("Лични данни"),
             _l("Искания за достъп и изтриване.")),
            ("mail.outbox", "admin.outbox", _l("Поща"), _l("Писма, които не стигат до адресата.")),
            ("services.edit", "admin.services", _l("Услуги"),
             _l("Регистърът на услугите на общината.")),
            ("institutions.edit", "admin.institutions_list", _l("Институции"),
             _l("Къде насочваме случаите и на какъв e-mail.")),
        ]
    ),
]  # fmt: skip


def nav_items() -> list[NavItem]:
    return [item for item in NAVIGATION if can(current_user, item.permission)]


MENUS = {"stats": _l("Статистика"), "admin": _l("Администрация")}


@dataclass(frozen=True)
class NavMenu:
    label: str
    items: list[NavItem]


# Up to this many links the bar shows them all; more are gathered into their menus.
FLAT_BAR = 6


def nav_bar() -> list[NavItem | NavMenu]:
    """What the bar shows, in order: links, and menus of two or more links (a menu with
    one link is that link). A short bar shows every link."""
    items = nav_items()
    if len(items) <= FLAT_BAR:
        return items
    entries: list[NavItem | NavMenu] = []
    menus: dict[str, NavMenu] = {}
    for item in items:
        if item.menu is None:
            entries.append(item)
        elif item.menu not in menus:
            menus[item.menu] = NavMenu(str(MENUS[item.menu]), [item])
            entries.append(menus[item.menu])
        else:
            menus[item.menu].items.append(item)
    return [e.items[0] if isinstance(e, NavMenu) and len(e.items) == 1 else e for e in entries]


def template_globals() -> dict:
    from bureau.domain.clock import sofia_today

    return {
        "nav_items": nav_items,
        "nav_bar": nav_bar,
        "can": lambda permission, obj=None: can(current_user, permission, obj),
        "today": sofia_today,
    }
