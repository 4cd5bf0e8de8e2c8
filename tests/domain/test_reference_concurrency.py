"""Concurrent intakes: references without gaps or duplicates, one inquiry per token.

Each thread works in its own application context, so with its own session and
database connection, as concurrent requests do. Required on PostgreSQL; SQLite
serialises the writers (busy_timeout) and must give the same result.
"""

import threading
from datetime import datetime

from sqlalchemy import func, select

from bureau.domain.cases import intake
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.extensions import db
from bureau.models import Inquiry, Office, ReferenceCounter, StatRecord
from tests.factories import make_office

THREADS = 8


def run_together(app, work, n: int) -> tuple[list, list]:
    """Run work(i) in n threads released at the same moment; return results and errors."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = work(i)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — reported by the test
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors


def log_in_thread(office_id: int, token: str | None = None, now: datetime | None = None):
    office = db.session.get(Office, office_id)
    data = IntakeData(
        category="local_taxes",
        description="Едновременно запитване.",
        consent=True,
        citizen=CitizenData(name="Мария Иванова"),
        token=token,
    )
    inquiry, pin = intake.log_inquiry(data, office=office, actor=None, now=now)
    return inquiry.reference, pin


def committed_office(code: str = "KRS") -> int:
    office_id = make_office(code).id
    db.session.commit()
    return office_id


def test_eight_concurrent_intakes_get_references_one_to_eight(app):
    office_id = committed_office()
    now = datetime(2026, 5, 12, 9, 0)

    results, errors = run_together(app, lambda i: log_in_thread(office_id, now=now), THREADS)

    assert errors == []
    references = sorted(reference for reference, _pin in results)
    assert references == [f"KRS-2026-{n:05d}" for n in range(1, THREADS + 1)]
    assert all(pin is not None for _reference, pin in results)
    stored = db.session.scalars(select(Inquiry.reference).order_by(Inquiry.reference)).all()
    assert stored == references
    counter = db.session.get(ReferenceCounter, (office_id, 2026))
    assert counter.last == THREADS
    assert db.session.scalar(select(func.count()).select_from(StatRecord)) == THREADS


def test_concurrent_intakes_of_a_new_year_create_its_counter_once(app):
    office_id = committed_office()
    log_in_thread(office_id, now=datetime(2026, 12, 30, 9, 0))
    db.session.commit()
    new_year = datetime(2027, 1, 4, 9, 0)

    results, errors = run_together(app, lambda i: log_in_thread(office_id, now=new_year), THREADS)

    assert errors == []
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference, _pin in results)
    assert numbers == list(range(1, THREADS + 1))
    assert all(reference.startswith("KRS-2027-") for reference, _pin in results)


def test_concurrent_intakes_of_two_offices_keep_separate_sequences(app):
    kresna, strumyani = committed_office("KRS"), committed_office("STR")
    now = datetime(2026, 5, 12, 9, 0)

    results, errors = run_together(
        app, lambda i: log_in_thread(kresna if i % 2 else strumyani, now=now), THREADS
    )

    assert errors == []
    references = sorted(reference for reference, _pin in results)
    half = THREADS // 2
    assert references == [f"KRS-2026-{n:05d}" for n in range(1, half + 1)] + [
        f"STR-2026-{n:05d}" for n in range(1, half + 1)
    ]


def test_same_token_submitted_twice_at_once_creates_one_inquiry(app):
    office_id = committed_office()

    results, errors = run_together(
        app, lambda i: log_in_thread(office_id, token="double-click-token"), 2
    )

    assert errors == []
    assert results[0][0] == results[1][0]
    pins = [pin for _reference, pin in results]
    assert sum(pin is not None for pin in pins) == 1, "the PIN is shown once"
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 1


def test_same_token_race_leaves_no_gap_in_the_sequence(app):
    office_id = committed_office()
    now = datetime(2026, 5, 12, 9, 0)

    _results, errors = run_together(
        app, lambda i: log_in_thread(office_id, token="same-token", now=now), 4
    )
    assert errors == []
    reference, _pin = log_in_thread(office_id, now=now)
    db.session.commit()

    assert reference == "KRS-2026-00002"
