"""`backup create` and `backup restore`: a restore into an empty database gives the same
row counts and the same checksum for every table (SQLite; PostgreSQL when tested on it)."""

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bureau import backup, create_app
from bureau.domain import audit
from bureau.domain.cases import attachments
from bureau.extensions import db
from bureau.models import Role
from tests.conftest import TEST_CONFIG
from tests.factories import make_inquiry, make_office, make_user


@pytest.fixture
def app_config(tmp_path):
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture
def some_data(app):
    office = make_office()
    make_office("STR")
    coordinator = make_user(Role.COORDINATOR, office=office)
    for n in range(5):
        case = make_inquiry(
            office, citizen={"name": f"Мария Иванова {n}", "phone": f"088812345{n}"}
        )
    folder = app.config["UPLOAD_FOLDER"]
    attachments.save(case, stream=io.BytesIO(b"%PDF-1.4 test"), filename="a.pdf",
                     folder=folder, max_bytes=1000, actor=coordinator)  # fmt: skip
    audit.record("case.view", actor=coordinator, obj=case, details={"n": 1})
    db.session.commit()
    return case


@pytest.fixture
def empty_database(app, tmp_path):
    """The URL of a brand-new empty database of the same kind as the test database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore not installed")
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_then_restore_gives_equal_counts_and_checksums(
    app, some_data, empty_database, tmp_path
):
    """Figure of the issue: backup → restore checksums, equal."""
    path = tmp_path / "backups" / "bureau.backup"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file() and backup.uploads_archive(path).is_file()
    original = backup.fingerprint()

    restored_uploads = tmp_path / "restored-uploads"
    other = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database,
                        "UPLOAD_FOLDER": str(restored_uploads)})  # fmt: skip
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["backup", "restore", str(path)])
        assert result.exit_code == 0, result.output
        restored = backup.fingerprint()
        db.engine.dispose()

    assert restored == original
    assert sum(count for count, _ in original.values()) > 20
    # Two audit rows: the upload (audited by the domain) and the read recorded above.
    assert original["inquiry"][0] == 5 and original["audit_entry"][0] == 2
    stored = Path(app.config["UPLOAD_FOLDER"])
    assert sorted(p.name for p in restored_uploads.iterdir()) == sorted(
        p.name for p in stored.iterdir()
    )


def test_restore_refuses_a_database_that_is_not_empty(app, some_data, tmp_path):
    path = tmp_path / "bureau.backup"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    result = runner.invoke(args=["backup", "restore", str(path)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert backup.fingerprint()["inquiry"][0] == 5


def test_restore_of_a_missing_file_fails_cleanly(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "none")])
    assert result.exit_code != 0 and "No backup" in result.output
    assert "Traceback" not in result.output
