"""`flask demo load --cases N`: the bulk loader behind `make run` and `make bench`.

The loader writes rows past the ORM (executemany on SQLite, COPY on PostgreSQL), in a
forked producer's batches, with the indexes (and PostgreSQL's foreign keys) dropped
and rebuilt for large loads. These tests shrink the batch and the rebuild threshold so
that every one of those paths runs on a few hundred cases.
"""

import re
from collections import defaultdict
from datetime import datetime

import pytest
from sqlalchemy import func, inspect, select, text

from bureau.demo import data as demo
from bureau.domain import citizens, clock
from bureau.domain.answers import library
from bureau.domain.cases import intake
from bureau.domain.statistics import cube
from bureau.domain.transliteration import to_latin
from bureau.extensions import db
from bureau.models import (
    Answer,
    AnswerStatus,
    Citizen,
    Inquiry,
    Office,
    ReferenceCounter,
    StatRecord,
    User,
    utcnow,
)
from tests.factories import make_inquiry


@pytest.fixture
def flask(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def small_batches(monkeypatch):
    """Several batches (the forked producer runs) and the index and key rebuild."""
    monkeypatch.setattr(demo, "CHUNK", 40)
    monkeypatch.setattr(demo, "REBUILD_INDEXES_AT", 100)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_loaded_cases_are_whole_numbered_without_gaps_and_the_receipt_works(
    app, flask, small_batches
):
    result = flask("demo", "load", "--cases", "150")

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count(Inquiry) == count(StatRecord) == 150
    orphans = select(func.count()).select_from(Inquiry).outerjoin(StatRecord)
    assert db.session.scalar(orphans.where(StatRecord.id.is_(None))) == 0
    numbers = defaultdict(list)
    for reference in db.session.scalars(select(Inquiry.reference)):
        code, year, number = reference.split("-")
        assert code == "KRS"
        numbers[int(year)].append(int(number))
    for year, taken in numbers.items():
        assert sorted(taken) == list(range(1, len(taken) + 1)), year
    counters = {c.year: c.last for c in db.session.scalars(select(ReferenceCounter))}
    assert counters == {year: len(taken) for year, taken in numbers.items()}

    reference, pin = re.search(r"try (\S+) PIN (\d{6})", result.output).groups()
    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.reference == reference))
    assert intake.check_pin(inquiry, pin)


def test_intake_after_a_load_continues_the_numbering(app, flask, small_batches):
    assert flask("demo", "load", "--cases", "120").exit_code == 0
    office = db.session.scalar(select(Office).where(Office.code == "KRS"))
    year = clock.local_now(utcnow()).year
    loaded_this_year = db.session.scalar(
        select(func.count()).where(Inquiry.reference.like(f"KRS-{year}-%"))
    )
    assert loaded_this_year > 0

    inquiry = make_inquiry(office)

    assert inquiry.reference == f"KRS-{year}-{loaded_this_year + 1:05d}"


def test_a_large_load_puts_back_every_index_and_foreign_key(app, flask, small_batches):
    inspector = inspect(db.engine)
    before = {
        table: (
            {i["name"] for i in inspector.get_indexes(table)},
            len(inspector.get_foreign_keys(table)),
        )
        for table in ("citizen", "citizen_token", "inquiry", "event", "stat_record")
    }

    assert flask("demo", "load", "--cases", "150").exit_code == 0

    inspector = inspect(db.engine)
    for table, (indexes, foreign_keys) in before.items():
        assert {i["name"] for i in inspector.get_indexes(table)} == indexes, table
        assert len(inspector.get_foreign_keys(table)) == foreign_keys, table
    if db.engine.dialect.name == "postgresql":
        # Vacuumed: index-only scans need not read the table.
        visible = "SELECT relallvisible FROM pg_class WHERE relname = 'inquiry'"
        assert db.session.scalar(text(visible)) > 0


def test_loaded_citizens_are_found_and_counted_in_the_statistics_summary(app, flask, small_batches):
    assert flask("demo", "load", "--cases", "150").exit_code == 0
    db.session.expire_all()

    citizen = db.session.scalar(select(Citizen).where(Citizen.name.is_not(None)).limit(1))
    for typed in (citizen.name, to_latin(citizen.name).lower()):
        matching = db.session.scalars(citizens.matching_ids(citizen.office_id, typed)).all()
        assert citizen.id in matching, typed
    cube_total = db.session.scalar(
        select(func.sum(cube.CUBE.c.n)).where(cube.CUBE.c.dimension == "all")
    )
    assert cube_total == 150


def test_network_load_shares_the_cases_among_five_offices(app, flask):
    result = flask("demo", "load", "--network", "--cases", "100")

    assert result.exit_code == 0, result.output
    codes = db.session.scalars(select(Office.code)).all()
    assert len(codes) == 5
    per_office = dict(
        db.session.execute(
            select(Office.code, func.count(Inquiry.id)).join(Inquiry).group_by(Office.code)
        ).all()
    )
    assert sum(per_office.values()) == 100
    assert per_office["KRS"] > 0
    for code in per_office:
        prefix = f"{code}-"
        references = db.session.scalars(
            select(Inquiry.reference).join(Office).where(Office.code == code)
        )
        assert all(r.startswith(prefix) for r in references)


def test_a_national_network_has_numbered_offices_and_ten_years(app, flask):
    result = flask("demo", "load", "--network", "--offices", "12", "--years", "10",
                   "--cases", "600")  # fmt: skip

    assert result.exit_code == 0, result.output
    offices = db.session.scalars(select(Office).order_by(Office.id)).all()
    assert len(offices) == 12
    numbered = [o for o in offices if o.code.startswith("DM")]
    assert len(numbered) == 7 and len({o.code for o in numbered}) == 7
    assert all(o.settlements and o.settlements[0].population for o in numbered)
    rows = db.session.execute(select(Inquiry.office_id, func.count()).group_by(Inquiry.office_id))
    per_office = {office_id: n for office_id, n in rows}
    assert sum(per_office.values()) == 600 and all(per_office.get(o.id) for o in numbered)
    first = db.session.scalar(select(func.min(Inquiry.received_at)))
    assert first.year <= datetime.now().year - 5  # spread over ten years, not three
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.office_id == numbered[0].id)
        )
        == 1
    )
    assert flask("demo", "load", "--network", "--offices", "4").exit_code != 0


@pytest.mark.parametrize("cases", ["-1", "50000001", "10" + "0" * 29, "many"])
def test_a_number_of_cases_out_of_range_is_refused_before_anything_is_written(app, flask, cases):
    result = flask("demo", "load", "--cases", cases)
    assert result.exit_code == 2 and "--cases" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_the_demo_answers_load_once_through_the_library(app, flask):
    assert flask("demo", "load").exit_code == 0
    assert flask("demo", "load").exit_code == 0  # a second load adds nothing

    answers = db.session.scalars(select(Answer)).all()
    assert 25 <= len(answers) <= 40
    statuses = {status: sum(a.status == status for a in answers) for status in AnswerStatus}
    assert statuses[AnswerStatus.DRAFT] + statuses[AnswerStatus.IN_REVIEW] in (2, 3)
    published = [a for a in answers if a.live is not None]
    assert len(published) == statuses[AnswerStatus.PUBLISHED]
    for answer in published:  # approved by someone else than who wrote it
        steps = {v.step: v.actor_id for v in answer.versions}
        assert steps["approved"] != steps["created"]
    stale = [a for a in published if library.is_stale(a, clock.sofia_today())]
    assert 3 <= len(stale) <= 4
    assert any(a.shared for a in published) and any(a.local_parts for a in published)
    categories = {code for a in published for code in library.live(a).categories}
    assert len(categories) >= 12
    office = db.session.scalar(select(Office).where(Office.code == "KRS"))
    assert len(library.published(office)) == len(published)


def test_the_demo_loop_from_cases_to_change_loads_once(app, flask):
    from bureau.models import Action, Event, EvidenceItem, Recommendation

    assert flask("demo", "load", "--cases", "300").exit_code == 0
    assert flask("demo", "load").exit_code == 0  # a second load adds nothing
    db.session.expire_all()
    states = sorted(e.state for e in db.session.scalars(select(EvidenceItem)))
    assert states == ["approved", "approved", "approved", "pending"]
    made = db.session.scalars(select(Recommendation).order_by(Recommendation.id)).all()
    assert [r.status for r in made] == ["accepted", "draft"]
    assert len(made[0].evidence) == 2 and count(Action) == 2 and len(made[0].reviews) == 1
    # The timeline names the expert a case was given to, as an assignment in the app does.
    assigned = db.session.scalars(select(Event).where(Event.kind == "assigned").limit(5)).all()
    assert assigned and all(e.data.get("expert") for e in assigned)
