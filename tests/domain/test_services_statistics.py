"""Cases about a municipal service, and the statistics per service: what is counted, what is
hidden, and the half-yearly monitoring report built from the same figures."""

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, privacy
from bureau.domain.cases import service
from bureau.domain.clock import sofia_today
from bureau.domain.services import register
from bureau.domain.services.register import ServiceData
from bureau.domain.statistics import cube, monitoring, services
from bureau.domain.statistics.periods import Period
from bureau.extensions import db
from bureau.models import (
    PROBLEM_BITS,
    AuditEntry,
    Recommendation,
    ServiceRating,
    StatRecord,
    problem_codes,
)
from tests.casework import make_coordinator
from tests.factories import make_inquiry, make_office, without_adjustment


def this_half() -> Period:
    return Period.half_of(sofia_today())


@pytest.fixture
def register_of(app):
    """Two services of Kresna in two departments, and one of another office."""
    office = make_office()
    sketch = register.save(
        office,
        ServiceData(name="Издаване на скица", code="sketch", department="Устройство на територията",
                    kind="technical", term_days=7, category="property_land"),
        actor=None,
    )  # fmt: skip
    heirs = register.save(
        office,
        ServiceData(name="Удостоверение за наследници", code="heirs", department="ГРАО"),
        actor=None,
    )
    other = make_office("STR")
    theirs = register.save(other, ServiceData(name="Скица", code="sketch"), actor=None)
    db.session.commit()
    return office, sketch, heirs, theirs


def about(office, code, problems=(), n=1, **fields):
    for _ in range(n):
        make_inquiry(office, service=code, problems=list(problems), **fields)


def rate(service_, n, satisfaction, **answers):
    for _ in range(n):
        db.session.add(
            ServiceRating(
                service_id=service_.id, office_id=service_.office_id, rated_on=sofia_today(),
                satisfaction=satisfaction, within_term=answers.get("within_term", "yes"),
                clear_requirements="yes", courteous="yes",
                extra_payment=answers.get("extra_payment", "no"),
            )
        )  # fmt: skip
    db.session.commit()


def record_of(case) -> StatRecord:
    return db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == case.id))


def test_intake_names_the_service_and_its_problems_in_the_stat_record(register_of):
    office, sketch, _heirs, _theirs = register_of
    case = make_inquiry(office, service="sketch", problems=["term_exceeded", "fee"])
    assert case.service is sketch
    record = record_of(case)
    assert record.service_id == sketch.id
    assert sorted(problem_codes(record.service_problems)) == ["fee", "term_exceeded"]


@pytest.mark.parametrize(
    ("code", "problems", "field"),
    [
        ("", ["term_exceeded"], "service"),  # problems need a service
        ("sketch", ["no_such_problem"], "problems"),
        ("nothing-like-it", [], "service"),
        ("x" * 5000, [], "service"),
    ],
)
def test_intake_refuses_a_wrong_service_or_problem_by_field(register_of, code, problems, field):
    office = register_of[0]
    with pytest.raises(DomainError) as refused:
        make_inquiry(office, service=code, problems=problems)
    assert refused.value.field == field


def test_another_offices_or_an_inactive_service_cannot_be_named(register_of):
    office, _sketch, heirs, theirs = register_of
    with pytest.raises(DomainError):  # STR's "sketch" is not Kresna's: Kresna's own is found
        make_inquiry(make_office("STR"), service="heirs")
    heirs.active = False
    db.session.commit()
    with pytest.raises(DomainError):
        make_inquiry(office, service="heirs")
    assert make_inquiry(office, service="sketch").service.office_id == office.id
    assert theirs.office_id != office.id


def test_the_link_is_changed_and_cleared_on_the_case_and_audited(register_of):
    office, sketch, heirs, _theirs = register_of
    coordinator = make_coordinator(office)
    case = make_inquiry(office)
    service.link(case, service="heirs", problems=["staff_treatment"], actor=coordinator)
    db.session.commit()
    assert (record_of(case).service_id, record_of(case).service_problems) == (
        heirs.id,
        PROBLEM_BITS["staff_treatment"],
    )
    # A service that was named stays nameable after it is retired; clearing clears all.
    heirs.active = False
    service.link(case, service="heirs", problems=[], actor=coordinator)
    service.link(case, service="", problems=[], actor=coordinator)
    db.session.commit()
    assert (case.service, record_of(case).service_id, record_of(case).service_problems) == (
        None,
        None,
        0,
    )
    steps = db.session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "case.change")
    ).all()
    assert [d["step"] for d in steps] == ["service"] * 3
    assert sketch.id != heirs.id


def test_erasure_keeps_the_service_codes_of_the_record(register_of):
    office, sketch, _heirs, _theirs = register_of
    coordinator = make_coordinator(office)
    case = make_inquiry(office, service="sketch", problems=["access"],
                        citizen={"name": "Иван Иванов", "phone": "0888123456"})  # fmt: skip
    privacy.erase_citizen(case.citizen, actor=coordinator, requested_by="Гражданинът",
                          received_on=sofia_today(), reason="чл. 17 ОРЗД")  # fmt: skip
    db.session.commit()
    record = record_of(case)
    assert (record.service_id, record.service_problems) == (sketch.id, PROBLEM_BITS["access"])


def test_the_board_counts_inquiries_problems_and_ratings_and_hides_small_ones(register_of):
    office, sketch, heirs, _theirs = register_of
    about(office, "sketch", ["term_exceeded"], n=6)
    about(office, "sketch", n=4)
    about(office, "heirs", ["unclear_requirements"], n=2)
    make_inquiry(office)  # about no service: not in these tables
    rate(sketch, 3, 5)
    rate(sketch, 3, 4, within_term="no")
    without_adjustment()
    board = services.board([office.id], this_half(), k=5)
    problems = board.tables["problems"]
    assert problems.rows == (str(sketch.id), str(heirs.id))  # the register's order, by name
    sketch_row = problems.cells[problems.rows.index(str(sketch.id))]
    heirs_row = problems.cells[problems.rows.index(str(heirs.id))]
    assert heirs_row[0].primary  # 2 inquiries: "<5"
    # The column's total (12) less the sketch's 10 would give the 2 back: hidden too.
    assert sketch_row[0].suppressed and not sketch_row[0].primary
    assert problems.column_totals[0].count == 12
    assert sketch_row[2].count == 6 and heirs_row[2].count == 0  # the term, exceeded
    line = board.lines[str(sketch.id)]
    assert line.term_share is None  # its inquiries are hidden: no share either
    # Six ratings, but 3 fives and 3 fours are each under 5: no average is given.
    assert line.ratings.count == 6 and line.mean is None
    answers = board.tables["answers"]
    assert answers.cell(str(sketch.id), "late").primary  # 3 "not within the term"
    # The lines come most problems first; a hidden count ranks after the published.
    assert [line.code for line in board.ranked()] == [str(sketch.id), str(heirs.id)]


def test_shares_where_every_count_they_rest_on_is_published(register_of):
    office, sketch, heirs, _theirs = register_of
    about(office, "sketch", ["term_exceeded"], n=6)
    about(office, "sketch", n=4)
    about(office, "heirs", ["term_exceeded", "fee"], n=5)
    without_adjustment()
    board = services.board([office.id], this_half(), k=5)
    sketch_line, heirs_line = board.lines[str(sketch.id)], board.lines[str(heirs.id)]
    assert (sketch_line.inquiries.count, sketch_line.term_share) == (10, 60.0)
    assert (heirs_line.term_share, heirs_line.problem_share) == (100.0, 100.0)


def test_a_mean_and_a_share_satisfied_where_every_score_is_published(register_of):
    office, sketch, _heirs, _theirs = register_of
    rate(sketch, 5, 5)
    rate(sketch, 5, 2)
    without_adjustment()
    line = services.board([office.id], this_half(), k=5).lines[str(sketch.id)]
    assert (line.ratings.count, line.mean, line.satisfied) == (10, 3.5, 50.0)


def test_departments_add_up_their_services(register_of):
    office, *_ = register_of
    about(office, "sketch", n=5)
    about(office, "heirs", n=6)
    without_adjustment()
    board = services.board([office.id], this_half(), k=5, group="department")
    table = board.tables["problems"]
    assert table.rows == ("ГРАО", "Устройство на територията")
    assert [row[0].count for row in table.cells] == [6, 5]


def test_the_trend_shows_four_half_years_ending_with_the_period(app):
    assert [h.code for h in services._trend_halves(Period.half(2026, 1))] == [
        "2024-H2",
        "2025-H1",
        "2025-H2",
        "2026-H1",
    ]
    year = services._trend_halves(Period.year(2026))
    assert [h.code for h in year] == ["2025-H1", "2025-H2", "2026-H1", "2026-H2"]


def test_another_offices_cases_never_count(register_of):
    office, _sketch, _heirs, theirs = register_of
    about(make_office("STR"), "sketch", n=7)
    without_adjustment()
    assert services.board([office.id], this_half(), k=5).lines == {}
    assert (
        services.board([theirs.office_id], this_half(), k=5).lines[str(theirs.id)].inquiries.count
        == 7
    )


def test_the_monitoring_report_shows_the_boards_figures_and_the_recommendations(register_of):
    office, sketch, _heirs, _theirs = register_of
    about(office, "sketch", ["term_exceeded"], n=7)
    about(office, "heirs", ["fee"], n=5)
    without_adjustment()
    before = this_half().previous()
    submitted = before.start  # in the half-year before: compared with the one before that
    db.session.add(
        Recommendation(
            office_id=office.id, title="Скиците в срок", text="…", addressee="Кмет",
            categories=[], services=["sketch", "no-longer-there"], evidence_from=before.start,
            evidence_to=before.start, status="submitted", submitted_on=submitted,
        )
    )  # fmt: skip
    db.session.commit()
    report = monitoring.report(office, this_half(), k=5)
    board = services.board([office.id], this_half(), k=5)
    assert report.current.lines == board.lines  # the report is the view's figures
    assert [line.code for line in report.top] == [str(sketch.id), str(_heirs.id)]
    assert report.about_services.count == 12 and report.cases.count == 12
    (change,) = report.changes
    assert change.service == str(sketch.id)
    assert change.before_period == before.previous()
    assert change.now.term_share == 100.0 and change.before is None


def test_the_summary_kept_in_step_with_service_links_equals_one_rebuilt(register_of):
    """The services' figures are read from the monthly summary: every intake and every
    change of the link keeps it exact, as a recount from the records shows."""
    from tests.domain.test_statistics import cube_rows

    office, *_ = register_of
    coordinator = make_coordinator(office)
    cases = [make_inquiry(office, service="sketch", problems=["fee", "access"]) for _ in range(3)]
    cases.append(make_inquiry(office))
    service.link(cases[0], service="heirs", problems=["term_exceeded"], actor=coordinator)
    service.link(cases[1], service="", problems=[], actor=coordinator)
    service.link(cases[3], service="sketch", problems=["other"], actor=coordinator)
    db.session.commit()
    kept = cube_rows()
    found = {(row[3], row[5]) for row in kept if row[3].startswith("service")}
    assert ("service:fee", 1) in found and ("service:term", 1) in found
    assert ("service", 2) in found and ("service:any", 2) in found  # the sketch: 2 cases
    cube.rebuild(office.id, cube.month_start(sofia_today()))
    db.session.commit()
    assert cube_rows() == kept
