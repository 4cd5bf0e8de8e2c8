"""Computed statistics are kept until a change could alter them, and never read after it
(bureau.domain.statistics.kept): each change of a case, a rating, the register or a
settlement is seen at once; another office's changes leave an office's figures kept; a
cache that is down only costs the time to count again."""

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from bureau import create_app
from bureau.domain import statistics
from bureau.domain.clock import sofia_today
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.domain.statistics import Filters, Period, kept, monitoring, services, tables
from bureau.extensions import db
from bureau.models import ServiceRating, Settlement, Status
from tests.casework import make_coordinator, make_expert, move_to
from tests.conftest import TEST_CONFIG
from tests.factories import make_inquiry, make_office, without_adjustment
from tests.smtp import free_port


def this_year() -> Period:
    return Period.year(sofia_today().year)


def this_half() -> Period:
    return Period.half_of(sofia_today())


K = 3


def figures(office):
    return statistics.dashboard([office.id], this_year(), Filters(), k=K, today=sofia_today())


@contextmanager
def statements():
    """The SQL statements run inside the block (but reloading the office object itself,
    which the test's commits expired)."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM office" not in statement:
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def cases(office, n, **fields):
    made = [make_inquiry(office, **fields) for _ in range(n)]
    without_adjustment()
    return made


def test_a_dashboard_is_counted_once_and_then_read_with_one_query(app):
    office = make_office()
    cases(office, 6)
    first = figures(office)
    with statements() as seen:
        again = figures(office)
    assert (
        again.tables["category_month"].total.count
        == first.tables["category_month"].total.count
        == 6
    )
    assert len(seen) == 1 and "stat_version" in seen[0]  # the versions, nothing counted


def test_a_new_case_a_resolution_and_a_settlement_are_seen_at_once(app):
    office = make_office()
    made = cases(office, 6)
    assert figures(office).tables["category_month"].total.count == 6
    cases(office, 1)
    assert figures(office).tables["category_month"].total.count == 7
    coordinator, expert = make_coordinator(office), make_expert(office)
    for case in made[:5]:
        move_to(case, Status.RESOLVED, coordinator=coordinator, expert=expert)
    without_adjustment()
    assert figures(office).tables["outcome"].cell("advice_given", "n").count == 5
    place = Settlement(office_id=office.id, name="Долна Градешница", ekatte="22352", population=500)
    db.session.add(place)
    db.session.commit()
    assert "22352" in figures(office).tables["settlement"].rows


def test_another_offices_change_keeps_this_offices_figures(app):
    kresna, strumyani = make_office(), make_office("STR")
    cases(kresna, 6)
    figures(kresna)
    cases(strumyani, 2)
    with statements() as seen:
        assert figures(kresna).tables["category_month"].total.count == 6
    assert len(seen) == 1


def test_a_rating_and_a_moved_service_change_the_services_figures(app):
    office, today = make_office(), sofia_today()
    sketch = register.save(
        office, ServiceData(name="Скица", code="sketch", department="ТСУ"), actor=None
    )
    db.session.commit()
    cases(office, 4, service="sketch", problems=["term_exceeded"])
    by_department = services.board([office.id], this_half(), k=K, group="department")
    assert by_department.tables["problems"].rows == ("ТСУ",)
    for score in (5, 5, 4):
        db.session.add(ServiceRating(service_id=sketch.id, office_id=office.id, rated_on=today,
                                     satisfaction=score, within_term="yes", cell_key=0,
                                     clear_requirements="yes", courteous="yes",
                                     extra_payment="no"))  # fmt: skip
    db.session.commit()
    board = services.board([office.id], this_half(), k=K)
    assert board.tables["ratings"].total.count == 3
    sketch.department = "Устройство на територията"
    db.session.commit()
    moved = services.board([office.id], this_half(), k=K, group="department")
    assert moved.tables["problems"].rows == ("Устройство на територията",)
    report = monitoring.report(office, this_half(), k=K)
    assert report.current.tables["problems"].cell(str(sketch.id), "inquiries").count == 4


def test_figures_are_the_same_kept_or_counted(app):
    office = make_office()
    cases(office, 8)
    cases(office, 5, category="health")
    kept_board = figures(office)
    fresh = tables._dashboard([office.id], this_year(), Filters(), k=K, today=sofia_today())
    assert kept_board.tables.keys() == fresh.tables.keys()
    for key, table in fresh.tables.items():
        assert kept_board.tables[key].cells == table.cells, key
    assert kept_board.figures == fresh.figures


def test_the_day_is_part_of_what_is_kept(app):
    office = make_office()
    cases(office, 6)
    today = statistics.dashboard([office.id], this_year(), Filters(), k=K, today=sofia_today())
    later = statistics.dashboard(
        [office.id], this_year(), Filters(), k=K, today=date(sofia_today().year, 12, 31)
    )
    assert today.as_of == sofia_today() and later.as_of == date(sofia_today().year, 12, 31)


def _app_on(app, url: str | None):
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    if url is None:
        return create_app({**config, "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return create_app(
        {**config, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_OPTIONS": options}
    )


def test_two_app_servers_share_what_is_kept_in_redis(app, redis_server):
    office = make_office()
    cases(office, 6)
    office_id = office.id
    url = f"redis://127.0.0.1:{redis_server['port']}/0"
    first, second = _app_on(app, url), _app_on(app, url)
    with first.app_context():
        assert (
            figures(db.session.get(type(office), office_id)).tables["category_month"].total.count
            == 6
        )
    with second.app_context(), statements() as seen:
        there = figures(db.session.get(type(office), office_id))
    assert there.tables["category_month"].total.count == 6
    assert [s for s in seen if "stat_cube" in s or "stat_record" in s] == []  # read, not counted
    with first.app_context():
        cases(db.session.get(type(office), office_id), 1)
    with second.app_context():
        assert (
            figures(db.session.get(type(office), office_id)).tables["category_month"].total.count
            == 7
        )


def test_a_cache_that_is_down_costs_only_the_counting(app, caplog):
    office = make_office()
    cases(office, 6)
    office_id = office.id
    down = _app_on(app, f"redis://127.0.0.1:{free_port()}/0")
    with down.app_context():
        board = figures(db.session.get(type(office), office_id))
    assert board.tables["category_month"].total.count == 6
    assert "statistics cache unreadable" in caplog.text


def test_without_a_cache_everything_is_counted_every_time(app):
    office = make_office()
    cases(office, 6)
    office_id = office.id
    with _app_on(app, None).app_context(), statements() as seen:
        figures(db.session.get(type(office), office_id))
    assert any("stat_cube" in s for s in seen)


def test_versions_count_up_once_per_office_per_change(app):
    office = make_office()

    def versions():
        rows = db.session.execute(db.select(kept.V.c.scope, kept.V.c.changed))
        return {scope: changed for scope, changed in rows}

    before = versions()
    db.session.commit()
    with db.engine.begin() as connection:
        kept.changed(connection, [office.id, office.id, None])
        kept.changed(connection, [office.id])
    after = versions()
    assert after[str(office.id)] - before.get(str(office.id), 0) == 2
    assert after["*"] - before.get("*", 0) == 1
    make_inquiry(office)  # its StatRecord is a plain INSERT, counted into the summary
    assert versions()[str(office.id)] > after[str(office.id)]
