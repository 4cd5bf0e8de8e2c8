"""The public site and the front door, one blueprint (`public`, no URL prefix): views.py
(home, language, health, session clock, open data), recommendations.py (a
recommendation's page and its public discussion), inquiry.py (a citizen's own
inquiry: status, online inquiry, feedback link), referrals.py (an institution answers a
referral through its link), services.py (the municipality's services
and their posters), handbook.py (the handbook «От А до Я» and its booklet), forms.py."""

from bureau.web.public import handbook, inquiry, recommendations, referrals, services, views

bp = views.bp
__all__ = ["bp", "handbook", "inquiry", "recommendations", "referrals", "services", "views"]
