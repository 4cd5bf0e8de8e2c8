"""The front desk under /desk, one blueprint (`desk`): log an inquiry, print the receipt,
find a returning citizen (views.py); the intake form (forms.py)."""

from bureau.web.desk.views import bp

__all__ = ["bp"]
