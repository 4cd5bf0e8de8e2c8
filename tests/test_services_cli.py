"""`flask services import FILE --office CODE`, and the demo's registers of services."""

import pytest
from sqlalchemy import func, select

from bureau.extensions import db
from bureau.models import Office, Service
from tests.factories import make_office

HEADER = "name,kind,department,term_days,register_number\n"
GOOD = HEADER + "Издаване на удостоверение за наследници,administrative,ГРАО,7,2016\n"


@pytest.fixture
def flask(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def count(office_code: str | None = None) -> int:
    query = select(func.count()).select_from(Service)
    if office_code:
        query = query.join(Office).where(Office.code == office_code)
    return db.session.scalar(query)


def test_import_loads_the_file_and_says_what_it_did(app, flask, tmp_path):
    make_office()
    path = tmp_path / "услуги.csv"
    path.write_text(GOOD, encoding="cp1251")
    result = flask("services", "import", str(path), "--office", "krs")
    assert result.exit_code == 0, result.output
    assert "KRS: 1 created, 0 updated, 0 unchanged." in result.output
    assert count() == 1
    again = flask("services", "import", str(path), "--office", "KRS")
    assert "KRS: 0 created, 0 updated, 1 unchanged." in again.output
    assert count() == 1


def test_a_refused_row_fails_the_command_and_writes_nothing(app, flask, tmp_path):
    make_office()
    path = tmp_path / "services.csv"
    path.write_text(GOOD + "Скица,municipal,,,\n", encoding="utf-8")
    result = flask("services", "import", str(path), "--office", "KRS")
    assert result.exit_code == 1
    assert "row 3: refused (Скица)" in result.output
    assert "nothing was written" in result.output
    assert count() == 0


def test_dry_run_unknown_office_and_unreadable_file(app, flask, tmp_path):
    make_office()
    path = tmp_path / "services.csv"
    path.write_text(GOOD, encoding="utf-8")
    dry = flask("services", "import", str(path), "--office", "KRS", "--dry-run")
    assert (dry.exit_code, count()) == (0, 0)
    assert "Nothing written: 1 created" in dry.output
    assert flask("services", "import", str(path), "--office", "XYZ").exit_code == 1
    path.write_bytes(b"fee,kind\n1,2\n")
    unreadable = flask("services", "import", str(path), "--office", "KRS")
    assert unreadable.exit_code == 1
    assert "name" in unreadable.output


def test_the_demo_gives_each_office_its_register_once(app, flask):
    assert flask("demo", "load", "--network").exit_code == 0
    counts = {code: count(code) for code in ("KRS", "STR", "MON", "IHT", "BEL")}
    assert 30 <= counts["KRS"] <= 40
    assert all(n >= 15 for n in counts.values()), counts
    assert flask("demo", "load", "--network").exit_code == 0
    assert count("KRS") == counts["KRS"]
