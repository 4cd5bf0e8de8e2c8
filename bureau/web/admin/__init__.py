"""The administrator's area, everything under /admin, one blueprint (`admin`): users and
offices (views.py), categories (categories.py), the audit trail (audit.py, audit_text.py),
data-subject requests (privacy.py), failing mail (outbox.py), the register of the
municipality's services (services.py); their forms in forms.py."""

from bureau.web.admin import audit, categories, outbox, privacy, services, views

bp = views.bp
__all__ = ["audit", "bp", "categories", "outbox", "privacy", "services", "views"]
