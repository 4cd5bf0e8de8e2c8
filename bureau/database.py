"""The database connection: SQLite's settings and the checks that keep the app honest.

SQLite opens a missing file by creating an empty database, so a moved or unmounted
file would turn every page into a 503 while /healthz said "ok" — and pooled
connections would keep the empty file after the real one came back. Here SQLite only
ever opens a file that exists (only `db upgrade` creates one), a pooled connection to
a file that was replaced or removed is dropped at checkout, and /healthz compares the
schema's revision with the code's.

With BUREAU_READ_DATABASE_URL the app also opens a streaming replica, which the views
marked @from_replica read (see reading_replica).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app, request
from sqlalchemy import create_engine, event, exc, text

from bureau.extensions import db, migrate, read_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
READ_ENGINE = "bureau.read_engine"


def init_app(app: Flask) -> None:
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    if url := app.config.get("READ_DATABASE_URI"):
        app.extensions[READ_ENGINE] = create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    _sqlite_events(engine, Path(path).absolute())


def _sqlite_events(engine, path: Path) -> None:
    @event.listens_for(engine, "do_connect")
    def _open_existing_only(_dialect, record, cargs, cparams):
        # mode=rw: the driver refuses to create the file (only `db upgrade` does that).
        cargs[:] = [f"{path.as_uri()}?mode=rw"]
        cparams["uri"] = True
        record.info["inode"] = _inode(path)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "checkout")
    def _same_file(_dbapi_connection, record, _proxy):
        # A pooled connection still reads the file it opened, even once it was moved
        # away or replaced (a restore): drop it, and the pool opens the file now there.
        if record.info.get("inode") != _inode(path):
            raise exc.DisconnectionError("the SQLite database file was moved or replaced")


@contextmanager
def reading_replica() -> Iterator[None]:
    """Plain SELECTs of the block read the replica, when there is one: it may lag the
    primary by a moment, so only for figures nobody has just written (statistics, open
    data). Writes, and reads after a write, still use the primary (extensions.Session)."""
    token = read_engine.set(current_app.extensions.get(READ_ENGINE))
    try:
        yield
    finally:
        read_engine.reset(token)


def from_replica(view):
    """Mark a view (below its @requires) whose GETs read the replica. Never a page a
    form redirects to after saving: it must show what was just written."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(*args, **kwargs)
        with reading_replica():
            return view(*args, **kwargs)

    return wrapped


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


@migrate.configure
def _create_sqlite_file(config):
    """`db upgrade` (or a test's upgrade()) creates a missing SQLite file; nothing else."""
    context = click.get_current_context(silent=True)
    if context is not None and context.info_name != "upgrade":
        return config
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    return config


def expected_revision() -> str:
    """The newest migration of this code (one head)."""
    cached = current_app.extensions.get("bureau.schema_head")
    if cached is None:
        script = ScriptDirectory(str(MIGRATIONS))
        cached = current_app.extensions["bureau.schema_head"] = script.get_current_head()
    return cached


def schema_problem() -> str | None:
    """None when the database answers and has this code's schema; else what is wrong.

    Raises SQLAlchemy's OperationalError/InterfaceError when it cannot be reached."""
    try:
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except exc.ProgrammingError:  # PostgreSQL: no such table
        db.session.rollback()
        return "empty"
    except exc.OperationalError as error:  # SQLite says "no such table" this way
        db.session.rollback()
        if "no such table" in str(error.orig):
            return "empty"
        raise
    if revision != expected_revision():
        return f"schema revision {revision}, expected {expected_revision()}"
    return None
