"""Reading from a replica (BUREAU_READ_DATABASE_URL): which engine each statement used.

The "replica" here is the test database itself under a second engine (SQLite or
PostgreSQL alike), so the figures agree; a listener on each engine records what it ran.
`make scale-test` checks the same against a real streaming replica.
"""

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from bureau import database
from bureau.domain import accounts
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import Filters, cube
from bureau.domain.statistics.periods import next_month
from bureau.extensions import db
from bureau.models import Office, Role, StatRecord
from tests.factories import make_inquiry, make_office, make_user, without_adjustment


@pytest.fixture
def app_config(migrated_database):
    return {"READ_DATABASE_URI": migrated_database}


@pytest.fixture
def ran(app):
    """The statements each engine ran from now on: {"primary": [...], "replica": [...]}."""
    engines = {"primary": db.engine, "replica": app.extensions[database.READ_ENGINE]}
    log = {name: [] for name in engines}
    listeners = []
    for name, engine in engines.items():

        def record(_conn, _cursor, statement, *_args, name=name):
            log[name].append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    yield log
    for engine, record in listeners:
        event.remove(engine, "before_cursor_execute", record)
    engines["replica"].dispose()


def touching(statements: list[str], text: str) -> list[str]:
    return [s for s in statements if text in s]


def reads(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.startswith("SELECT") and f"FROM {table}" in s]


def test_plain_selects_read_the_replica_inside_the_block_and_the_primary_outside(app, ran):
    make_office()
    with database.reading_replica():
        db.session.scalars(select(Office.code)).all()
    db.session.commit()
    db.session.scalars(select(Office.name)).all()
    assert touching(ran["replica"], "office.code")
    assert not touching(ran["replica"], "office.name")
    assert touching(ran["primary"], "office.name")


def test_without_a_replica_the_block_changes_nothing(app, ran, monkeypatch):
    make_office()
    monkeypatch.delitem(app.extensions, database.READ_ENGINE)
    with database.reading_replica():
        db.session.scalars(select(Office.code)).all()
    assert touching(ran["primary"], "office.code")
    assert ran["replica"] == []


def test_a_write_goes_to_the_primary_and_the_transaction_then_reads_it_there(app, ran):
    office = make_office()
    with database.reading_replica():
        office.opening_hours = "9-17"
        # Autoflush writes the change first: the read must see it, so it reads the primary.
        assert (
            db.session.scalar(select(Office.opening_hours).where(Office.id == office.id)) == "9-17"
        )
        db.session.commit()
        db.session.scalar(select(Office.municipality))  # a new transaction: the replica again
    assert touching(ran["primary"], "UPDATE office")
    assert touching(ran["primary"], "office.opening_hours")
    assert not touching(ran["replica"], "UPDATE")
    assert not touching(ran["replica"], "office.opening_hours")
    assert touching(ran["replica"], "office.municipality")


def test_locking_selects_and_statements_that_write_use_the_primary(app, ran):
    office_id = make_office().id
    with database.reading_replica():
        db.session.scalar(select(Office.code).with_for_update())
        db.session.commit()
        db.session.execute(
            update(Office).where(Office.id == office_id).values(opening_hours="8-16")
        )
        db.session.scalar(select(Office.name))
        db.session.rollback()
    assert touching(ran["primary"], "FOR UPDATE") or db.engine.dialect.name == "sqlite"
    assert touching(ran["primary"], "office.code")
    assert touching(ran["primary"], "UPDATE office")
    assert touching(ran["primary"], "office.name")
    assert ran["replica"] == []


def test_a_stale_summary_is_rebuilt_on_the_primary_and_read_from_it(app, ran):
    office = make_office()
    case = make_inquiry(office)
    this_month = sofia_today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    table = StatRecord.__table__
    # A write behind the ORM (a bulk load): the summary no longer agrees with the records.
    moved = table.update().where(table.c.inquiry_id == case.id).values(received_on=last_month)
    db.session.execute(moved)
    db.session.commit()
    cube._CHECKED.clear()
    with database.reading_replica():
        rows = cube.monthly_totals([office.id], last_month, next_month(this_month), Filters())
    assert [month for _o, month, _c, _n in rows] == [last_month]
    # The check read the replica; the rebuild and the read after it, the primary.
    assert reads(ran["replica"], "stat_record")
    assert reads(ran["replica"], "stat_cube")
    assert touching(ran["primary"], "DELETE FROM stat_cube")
    assert reads(ran["primary"], "stat_cube")
    db.session.rollback()


def test_the_public_statistics_are_read_from_the_replica(app, client, ran):
    for _ in range(6):
        make_inquiry(make_office())
    without_adjustment()
    ran["primary"].clear()
    answer = client.get(f"/api/v1/public/statistics?office=KRS&year={sofia_today().year}")
    assert answer.status_code == 200
    assert touching(ran["replica"], "stat_cube")
    assert not touching(ran["primary"], "stat_cube")
    assert not touching(ran["primary"], "stat_record")
    app.extensions.pop(database.READ_ENGINE)  # the same answer from the primary
    assert (
        client.get(f"/api/v1/public/statistics?office=KRS&year={sofia_today().year}").json
        == answer.json
    )


def test_a_commission_export_reads_the_replica_and_audits_on_the_primary(app, client, login, ran):
    make_inquiry(make_office())
    login(make_user(Role.COMMISSION))
    ran["primary"].clear()
    ran["replica"].clear()
    answer = client.get(f"/commission/export.json?period=year&year={sofia_today().year}")
    assert answer.status_code == 200
    assert touching(ran["replica"], "stat_cube")
    assert not touching(ran["primary"], "stat_cube")
    assert touching(ran["primary"], "INSERT INTO audit_entry")
    assert not touching(ran["replica"], "INSERT")


def test_an_intake_through_the_api_never_touches_the_replica(app, client, ran):
    desk = make_user(Role.DESK)
    token = accounts.issue_api_token(desk)
    body = {
        "channel": "phone",
        "category": "health",
        "description": "Пита.",
        "consent": True,
        "anonymous": True,
    }
    answer = client.post(
        "/api/v1/inquiries", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.json
    assert touching(ran["primary"], "INSERT INTO inquiry")
    assert ran["replica"] == []
