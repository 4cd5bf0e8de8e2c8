"""Fixtures: a migrated database per test session, emptied after every test.

SQLite by default; PostgreSQL when BUREAU_TEST_DATABASE_URL is set (CI does both).
"""

import os
import shutil
import socket
import subprocess
import time
from datetime import datetime, timedelta
from datetime import time as datetime_time

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from bureau import create_app
from bureau.config import database_url
from bureau.domain.clock import SOFIA
from bureau.domain.taxonomy import seed_default_taxonomy
from bureau.extensions import db
from tests.factories import PASSWORD, make_user

# tests.smtp is also a plugin (pytest_plugins) whose asserts pytest rewrites: say so before
# importing it here, or it is imported unrewritten and pytest warns.
pytest.register_assert_rewrite("tests.smtp")
from tests.smtp import free_port  # noqa: E402

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": "localhost",
    # The login fixture logs every role in with a password alone; tests/web/test_mfa.py
    # sets the default back ({"admin", "coordinator"}).
    "MFA_REQUIRED_ROLES": frozenset(),
}


# A test must not straddle the bureau's midnight: what it made "today" has to be today
# when it checks (a day's, month's or year's figures, a deadline, a report's date).
MIDNIGHT_MARGIN = 60  # seconds; longer than any test runs


def seconds_to_sofia_midnight() -> float:
    now = datetime.now(SOFIA)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime_time(), SOFIA)
    return (midnight - now).total_seconds()


@pytest.fixture(autouse=True)
def _one_sofia_day():
    """A test that would begin in the last minute of a Sofia day waits for the next one."""
    if (left := seconds_to_sofia_midnight()) < MIDNIGHT_MARGIN:
        time.sleep(left + 1)


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """pytest-xdist's worker name ("gw0", …), or "master" without xdist."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory, worker_id) -> str:
    """The test database; with pytest-xdist each worker gets its own (…_gw0, …_gw1)."""
    url = os.environ.get("BUREAU_TEST_DATABASE_URL")
    if url:
        os.environ["BUREAU_DATABASE_URL"] = url
        uri = database_url("")
        return uri if worker_id == "master" else _worker_database(uri, worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(uri: str, worker_id: str) -> str:
    """Create (once) a PostgreSQL database for this xdist worker, beside the given one."""
    url = make_url(uri)
    name = f"{url.database}_{worker_id}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_everything(uri: str) -> None:
    engine = create_engine(uri)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE "{table}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(database_uri) -> str:
    """An empty database brought to the newest migration, once per test session."""
    drop_everything(database_uri)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_uri


def empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        _empty_postgresql(tables)
    else:
        # Answers and their versions refer to each other: checked once all rows are gone.
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


def _empty_postgresql(tables: list[str]) -> None:
    """Delete the rows of the tables that hold any and restart every used sequence.

    A TRUNCATE of all 40-odd tables costs a new file per table and index each time
    (0.1-1 s a test); most tests touch a handful of tables. Foreign-key triggers are
    off while deleting (the session is the superuser's), so the order does not matter.
    """
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    filled = list(db.session.scalars(text(probe)))
    if filled:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        for table in filled:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.execute(
        text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
            " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
        )
    )


class Client(FlaskClient):
    """A test client whose requests start with an empty `g`, as they do in production.

    Tests hold an app context open and Flask reuses it for requests, so `g` (where
    Flask-Login caches the user and Flask-Babel the locale) would outlive a request.
    """

    def open(self, *args, **kwargs):
        _clear_g()
        try:
            return super().open(*args, **kwargs)
        finally:
            _clear_g()


def _clear_g() -> None:
    if has_app_context():
        g.__dict__.clear()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the configuration."""
    return {}


@pytest.fixture
def app(migrated_database, app_config):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": migrated_database, **app_config})
    app.test_client_class = Client
    with app.app_context():
        seed_default_taxonomy()
        db.session.commit()
        yield app
        db.session.rollback()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log a user in through the real login form."""

    def _login(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 303, response.text
        return user

    return _login


@pytest.fixture
def login_as(login):
    """Create a user of the role (in office KRS unless told) and log them in."""

    def _login_as(role, **kwargs):
        return login(make_user(role, **kwargs))

    return _login_as


@pytest.fixture
def redis_server():
    """A Redis of the test's own on a free loopback port, nothing saved: {"port",
    "process", "restart"} (skips where redis-server is not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no"]  # fmt: skip

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return process
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    server = {"process": start(), "port": port}
    server["restart"] = lambda: server.update(process=start())
    yield server
    server["process"].terminate()
    server["process"].wait(5)
