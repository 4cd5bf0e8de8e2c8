"""Case work under /cases, one blueprint (`cases`): the list, the dashboard, the case
page and the work done on it (views.py), the paper feedback form and the case page's
feedback panel (feedback.py), the case page's forms (forms.py)."""

from bureau.web.cases import feedback, views

bp = views.bp
__all__ = ["bp", "feedback", "views"]
