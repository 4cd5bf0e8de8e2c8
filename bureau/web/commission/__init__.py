"""The commission's area under /commission, one blueprint (`commission`): anonymised
statistics, exports, reports (views.py) and the recommendations register
(recommendations.py, forms.py), the services view and monitoring report (services.py), the
approved evidence and frozen statistics views (evidence.py), the public discussion's
moderation (discussion.py) and the yearly report to the council (yearly.py)."""

from bureau.web.commission import (  # noqa: F401  (each module adds its views to the blueprint)
    discussion,
    evidence,
    plans,
    recommendations,
    services,
    views,
    yearly,
)

bp = views.bp
__all__ = [
    "bp", "discussion", "evidence", "plans", "recommendations", "services", "views", "yearly",
]  # fmt: skip
