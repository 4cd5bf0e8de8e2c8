"""Experts' profiles under /experts, one blueprint (`experts`): views.py, forms.py."""

from bureau.web.experts.views import bp

__all__ = ["bp"]
