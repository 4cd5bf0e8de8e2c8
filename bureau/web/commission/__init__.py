"""The commission's area under /commission, one blueprint (`commission`): anonymised
statistics, exports, reports (views.py) and the recommendations register
(recommendations.py, forms.py)."""

from bureau.web.commission import recommendations, views

bp = views.bp
__all__ = ["bp", "recommendations", "views"]
