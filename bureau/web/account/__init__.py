"""The staff's account, one blueprint (`account`): logging in and out with the second
factor (views.py), the user's own password and 2FA settings under /account
(settings.py), their forms (forms.py)."""

from bureau.web.account import settings, views

bp = views.bp
__all__ = ["bp", "settings", "views"]
