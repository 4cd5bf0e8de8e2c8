"""The administrator's area, everything under /admin, one blueprint (`admin`): users and
offices (views.py), categories (categories.py), the audit trail (audit.py, audit_text.py),
data-subject requests (privacy.py), failing mail (outbox.py), the register of the
municipality's services (services.py), the institutions cases are referred to
(institutions.py); their forms in forms.py."""

from bureau.web.admin import audit, categories, institutions, outbox, privacy, services, views

bp = views.bp
__all__ = [
    "audit",
    "bp",
    "categories",
    "institutions",
    "outbox",
    "privacy",
    "services",
    "views",
]
