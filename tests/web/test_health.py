"""/healthz: for load balancers and monitoring, without logging in."""

import os
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade

from bureau import create_app
from bureau.domain import notifications
from bureau.extensions import db
from bureau.models import utcnow
from tests.conftest import TEST_CONFIG
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


@pytest.fixture
def sqlite_file(tmp_path, migrated_database):
    """A migrated SQLite database of its own (the suite's may be PostgreSQL)."""
    path = tmp_path / "bureau.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


def test_a_missing_sqlite_file_is_a_503_and_is_never_created(tmp_path):
    path = tmp_path / "bureau.db"  # its folder exists: SQLite would happily create it
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    client = app.test_client()
    with app.app_context():
        assert client.get("/healthz").status_code == 503
        assert client.get("/").status_code == 503
        db.engine.dispose()
    assert not path.exists()


def test_healthz_refuses_a_database_without_this_codes_schema(tmp_path, sqlite_file):
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a file that exists but holds nothing
    for url, problem in ((f"sqlite:///{empty}", "empty"), (f"sqlite:///{sqlite_file}", None)):
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            response = app.test_client().get("/healthz")
            db.engine.dispose()
        if problem is None:
            assert response.status_code == 200
        else:
            assert response.status_code == 503 and response.json["database"] == problem
    with closing(sqlite3.connect(sqlite_file)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'abc123'")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{sqlite_file}"})
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json["database"].startswith("schema revision abc123, expected ")


def test_the_sqlite_file_moved_away_and_back_recovers_without_a_restart(tmp_path, sqlite_file):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{sqlite_file}"})
    client = app.test_client()
    aside = tmp_path / "aside.db"
    with app.app_context():
        assert client.get("/healthz").status_code == 200  # a pooled connection now holds it
        assert client.get("/").status_code == 200
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{sqlite_file}{suffix}").exists():
                os.replace(f"{sqlite_file}{suffix}", f"{aside}{suffix}")
        assert client.get("/healthz").status_code == 503
        assert client.get("/").status_code == 503
        assert not sqlite_file.exists()
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{aside}{suffix}").exists():
                os.replace(f"{aside}{suffix}", f"{sqlite_file}{suffix}")
        health = client.get("/healthz").json
        assert (health["status"], health["database"]) == ("ok", "ok")
        assert client.get("/").status_code == 200
        db.engine.dispose()


def test_db_upgrade_creates_the_sqlite_file(tmp_path):
    path = tmp_path / "new" / "bureau.db"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert path.exists()
    with app.app_context():
        assert app.test_client().get("/healthz").status_code == 200
        db.engine.dispose()
    assert app.test_cli_runner().invoke(args=["demo", "logins"]).exit_code == 0
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    failed = app.test_cli_runner().invoke(args=["users", "token", "a@b.bg"])
    assert failed.exit_code != 0
    assert not path.exists()
