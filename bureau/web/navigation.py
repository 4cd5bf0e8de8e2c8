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
    NavItem(
        "dashboard.operations",
        "cases.dashboard",
        _l("Табло"),
        _l("Опашки: просрочени, с наближаващ срок, невъзложени."),
    ),
    NavItem(
        "experts.manage", "experts.index", _l("Експерти"), _l("Експертиза, капацитет, отпуск.")
    ),
    NavItem(
        "stats.view", "commission.dashboard", _l("Статистика"), _l("Анонимизирана статистика.")
    ),
    NavItem(
        "stats.view",
        "recommendations.index",
        _l("Препоръки"),
        _l("Регистър на препоръките на комисията."),
    ),
    NavItem("admin.users", "admin.users", _l("Потребители"), _l("Профили, роли, офиси, пароли.")),
    NavItem("admin.offices", "admin.office_list", _l("Офиси"), _l("Бюрата и населените места.")),
    NavItem(
        "admin.taxonomy", "taxonomy.categories", _l("Категории"), _l("Видове проблеми и срокове.")
    ),
    NavItem("admin.audit", "audit.index", _l("Одит"), _l("Кой какво е видял и променил.")),
    NavItem(
        "admin.privacy", "privacy.index", _l("Лични данни"), _l("Искания за достъп и изтриване.")
    ),
    NavItem("mail.outbox", "outbox.index", _l("Поща"), _l("Писма, които не стигат до адресата.")),
]


def nav_items() -> list[NavItem]:
    return [item for item in NAVIGATION if can(current_user, item.permission)]


def role_label(role) -> str:
    from bureau.web.admin import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))


def template_globals() -> dict:
    from bureau.domain.deadlines import sofia_today

    return {
        "nav_items": nav_items,
        "role_label": role_label,
        "can": lambda permission, obj=None: can(current_user, permission, obj),
        "today": sofia_today,
    }
