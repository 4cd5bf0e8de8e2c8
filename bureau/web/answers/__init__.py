"""The answers library for the staff under /answers, one blueprint (`answers`): the list,
the form, an answer's page and its review steps, the print view (views.py); the JSON lists
the desk and the case page search (lookup.py)."""

from bureau.web.answers import lookup  # noqa: F401  (its routes join the blueprint)
from bureau.web.answers.views import bp

__all__ = ["bp"]
