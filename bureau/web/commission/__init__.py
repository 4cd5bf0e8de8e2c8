"""The commission's area under /commission, one blueprint (`commission`): anonymised
statistics, exports, reports (views.py) and the recommendations register
(recommendations.py, forms.py), the services view and monitoring report (services.py)."""

from bureau.web.commission import recommendations, services, views

bp = views.bp
__all__ = ["bp", "recommendations", "services", "views"]
