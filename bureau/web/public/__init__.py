"""The public site and the front door, one blueprint (`public`, no URL prefix): views.py
(home, language, health, session clock, open data), inquiry.py (a citizen's own
inquiry: status, online inquiry, feedback link), services.py (the municipality's services
and their posters), forms.py."""

from bureau.web.public import inquiry, services, views

bp = views.bp
__all__ = ["bp", "inquiry", "services", "views"]
