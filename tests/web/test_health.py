"""/healthz: for load balancers and monitoring, without logging in."""

from datetime import timedelta

import pytest

from bureau import create_app
from bureau.domain import notifications
from bureau.extensions import db
from bureau.models import utcnow
from tests.factories import make_inquiry


def test_health_check_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "mail": {"pending": 0, "oldest_pending_minutes": None, "failed": 0},
    }


def test_health_check_reports_mail_that_waits_and_stays_200(client):
    """A monitor sees the backlog; the load balancer keeps the site in rotation, since an
    SMTP outage must not take the whole site down with it."""
    case = make_inquiry()
    waiting = notifications.queue_email("expert@kresna.test", "overdue", {"case": case},
                                        inquiry=case)  # fmt: skip
    given_up = notifications.queue_email("coordinator@kresna.test", "overdue", {"case": case},
                                         inquiry=case)  # fmt: skip
    db.session.flush()
    waiting.created_at = utcnow() - timedelta(minutes=95)
    notifications.mark_failed(given_up, "550", utcnow(), give_up_after=timedelta(0))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["mail"] == {"pending": 1, "oldest_pending_minutes": 95, "failed": 1}


@pytest.mark.parametrize(
    "unreachable",
    [
        "sqlite:////nonexistent-dir/bureau.db",
        "postgresql+psycopg://postgres@127.0.0.1:1/none",
    ],
    ids=["sqlite", "postgresql"],
)
def test_health_check_is_503_when_the_database_is_unreachable(unreachable):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": unreachable}
    )
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
