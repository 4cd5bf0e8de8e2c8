"""`flask --app wsgi backup create PATH` and `backup restore PATH`.

SQLite: the online backup API copies a consistent snapshot while the app keeps
serving. PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`. The
attachments (UPLOAD_FOLDER) go into PATH.uploads.tar.gz beside the database dump.
A restore only ever goes into an empty database: it never overwrites live data.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, select
from sqlalchemy.engine import URL, make_url

from bureau.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database and the uploads.")


class BackupError(click.ClickException):
    pass


def create(path: Path) -> None:
    """Write a consistent copy of the database (and the uploads) to PATH."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(Path(url.database), path)
    else:
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={path}",
                f"--dbname={_libpq_url(url)}",
            ],
            url,
        )
    _archive_uploads(Path(current_app.config["UPLOAD_FOLDER"]), uploads_archive(path))


def restore(path: Path) -> None:
    """Load the backup at PATH into the configured database, which must be empty."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
        tables = []  # a new SQLite file: the restore creates it
    else:
        with db.engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    if tables:
        raise BackupError(f"The database is not empty ({len(tables)} tables): restore refused.")
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(path, Path(url.database))
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={_libpq_url(url)}",
                str(path),
            ],
            url,
        )
    _extract_uploads(uploads_archive(path), Path(current_app.config["UPLOAD_FOLDER"]))


def uploads_archive(path: Path) -> Path:
    return path.with_name(path.name + ".uploads.tar.gz")


def _sqlite_backup(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    live = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with closing(live), closing(sqlite3.connect(partial)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise BackupError(f"The copy failed its integrity check: {check}")
    os.replace(partial, target)


def _sqlite_restore(backup: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The backup failed its integrity check.")
        with closing(sqlite3.connect(target)) as live:
            source.backup(live)


def _libpq_url(url: URL) -> str:
    """The URL for pg_dump/pg_restore: no driver suffix and no password (see _run)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _run(command: list[str], url: URL) -> None:
    """Run a PostgreSQL client; the password goes by environment, never on the command line."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _archive_uploads(folder: Path, archive: Path) -> None:
    if not folder.is_dir() or not any(folder.iterdir()):
        archive.unlink(missing_ok=True)
        return
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="uploads")


def _extract_uploads(archive: Path, folder: Path) -> None:
    if not archive.is_file():
        return
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("uploads/") and m.isfile()]
        for member in members:
            member.name = member.name.removeprefix("uploads/")
        tar.extractall(folder, members=members, filter="data")


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of the rows (in primary-key order) of every table."""
    result = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            digest, count = hashlib.sha256(), 0
            for row in connection.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            result[table.name] = (count, digest.hexdigest())
    return result


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path):
    """Write a backup of the database to PATH (and the uploads to PATH.uploads.tar.gz)."""
    create(path)
    click.echo(f"Backup written to {path}.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(path: Path):
    """Restore the backup at PATH into an empty database (run `db upgrade` afterwards)."""
    restore(path)
    rows = sum(count for count, _digest in fingerprint().values())
    click.echo(f"Restored {path}: {rows:,} rows.")
