"""/healthz: for load balancers and monitoring, without logging in."""

import pytest

from bureau import create_app
from bureau.extensions import db


def test_health_check_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


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
