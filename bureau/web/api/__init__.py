"""The JSON API under /api/v1, one blueprint (`api`): cases with bearer tokens
(views.py, their bodies in schema.py), the OpenAPI document (openapi.py), open data
for everyone (statistics.py) and the handbook's published answers (handbook.py)."""

from bureau.web.api import handbook, statistics, views

bp = views.bp
__all__ = ["bp", "handbook", "statistics", "views"]
