"""The public site and the front door, one blueprint (`public`, no URL prefix): views.py
(home, language, health, session clock, open data), inquiry.py (a citizen's own
inquiry: status, online inquiry, feedback link), services.py (the municipality's services
and their posters), handbook.py (the handbook «От А до Я» and its booklet), forms.py."""

from bureau.web.public import handbook, inquiry, services, views

bp = views.bp
__all__ = ["bp", "handbook", "inquiry", "services", "views"]
