"""The statistics domain: figures counted in SQL from StatRecords, suppressed for k."""

from collections import defaultdict
from datetime import date, datetime

import pytest
from sqlalchemy import select

from bureau.domain import DomainError, statistics
from bureau.domain.cases import intake
from bureau.domain.cases.intake import CitizenData, IntakeData
from bureau.domain.clock import sofia_today
from bureau.domain.statistics import Filters, Period, cube
from bureau.domain.statistics.periods import half_number
from bureau.domain.statistics.suppression import Count
from bureau.extensions import db
from bureau.models import Citizen, Inquiry, StatCube, StatRecord
from tests.casework import make_coordinator, make_expert, move_to
from tests.factories import make_inquiry, make_office, without_adjustment

K = 5
TODAY = date(2026, 11, 21)
YEAR = Period.year(2026)


def log(n: int, *, on: date = date(2026, 3, 10), office=None, **fields) -> list[StatRecord]:
    """n inquiries received on the day (noon in Sofia); their StatRecords, fields set.

    Their cell keys are 0, so every published count is the exact count (a key's
    adjustment is tested in test_anonymisation.py and at the end of this module)."""
    fields.setdefault("cell_key", 0)
    office = office or make_office()
    settlement = fields.pop("settlement", None)
    category = fields.pop("category", "local_taxes")
    channel = fields.pop("channel", "walk_in")
    citizen = CitizenData(**fields.pop("citizen", {}))
    records = []
    for _ in range(n):
        data = IntakeData(
            category=category,
            description="Въпрос.",
            channel=channel,
            anonymous=True,
            citizen=citizen,
            settlement_id=settlement.id if settlement else None,
        )
        moment = datetime(on.year, on.month, on.day, 10, 0)
        inquiry, _pin = intake.log_inquiry(data, office=office, actor=None, now=moment)
        records.append(record_of(inquiry))
    for record in records:
        for name, value in fields.items():
            setattr(record, name, value)
    db.session.commit()
    return records


def record_of(inquiry) -> StatRecord:
    return db.session.scalar(select(StatRecord).where(StatRecord.inquiry_id == inquiry.id))


def board(period=YEAR, filters=Filters(), office=None, k=K, today=TODAY):
    office = office or make_office()
    return statistics.dashboard([office.id], period, filters, k=k, today=today)


def counts(table) -> list:
    return [[cell.count for cell in row] for row in table.cells]


def test_inquiries_by_category_and_month_are_counted(app):
    log(6, on=date(2026, 3, 2))
    log(7, on=date(2026, 4, 15), category="health")
    table = board().tables["category_month"]
    assert table.columns[:4] == ("2026-01", "2026-02", "2026-03", "2026-04")
    assert table.cell("local_taxes", "2026-03").count == 6
    assert table.cell("health", "2026-04").count == 7
    assert table.total.count == 13
    assert [c.count for c in table.row_totals][table.rows.index("health")] == 7


def test_small_counts_are_hidden_and_the_total_still_published(app):
    log(6, on=date(2026, 3, 2))
    log(2, on=date(2026, 3, 3), category="health")
    log(8, on=date(2026, 3, 4), category="employment")
    table = board(Period.month(2026, 3)).tables["category_month"]
    assert table.cell("health", "2026-03").suppressed
    assert table.cell("health", "2026-03").primary
    # One hidden cell in the month's column would be total minus the others.
    assert table.cell("local_taxes", "2026-03").suppressed
    assert table.cell("employment", "2026-03").count == 8
    assert table.total.count == 16
    assert table.cell("education", "2026-03").count == 0


def test_settlement_table_gives_rates_per_thousand_inhabitants(app):
    office = make_office()
    kresna = next(s for s in office.settlements if s.name == "Кресна")
    vlahi = next(s for s in office.settlements if s.name == "Влахи")
    log(33, settlement=kresna)
    log(2, settlement=vlahi)
    log(5)
    result = board()
    table = result.tables["settlement"]
    assert table.cell(kresna.ekatte).count == 33
    assert result.rates[kresna.ekatte] == 10.0  # 33 of 3,300 inhabitants
    assert table.cell(vlahi.ekatte).suppressed
    assert result.rates[vlahi.ekatte] is None
    assert table.cell("").suppressed  # 5 without a settlement: hidden with Влахи's 2


def test_demographics_are_counted_for_the_whole_office_only(app):
    office = make_office()
    log(6, citizen={"gender": "female", "age_band": "65+"})
    log(6, citizen={"gender": "male", "age_band": "65+", "flags": ["pensioner"]})
    result = board()
    assert result.tables["gender"].cell("female").count == 6
    assert result.tables["age_band"].cell("65+").count == 12
    assert result.tables["flags"].cell("pensioner").count == 6
    village = board(filters=Filters(ekatte=office.settlements[0].ekatte))
    assert "gender" not in village.tables and "age_band" not in village.tables


def test_outcomes_referrals_and_resolution_times(app):
    records = log(10)
    for days, record in enumerate(records, start=1):
        record.status, record.outcome = "closed", "advice_given"
        record.resolution_days = days
        record.resolved_on = date(2026, 3, 10 + days)
        record.due_on = date(2026, 3, 18)
        record.referral_institution = "nra" if days <= 6 else None
    db.session.commit()
    result = board()
    assert result.tables["outcome"].cell("advice_given").count == 10
    assert result.tables["referral"].cell("nra").count == 6
    assert result.figures["median_days"] == 5.5
    assert result.figures["p90_days"] == 9.1
    # 2 late cases are hidden, so the 8 on time are too, and the share (80 %) is withheld.
    assert result.tables["deadline"].cell("late").primary
    assert result.tables["deadline"].cell("on_time").suppressed
    assert result.tables["deadline"].total.count == 10
    assert result.figures["on_time_percent"] is None


def test_figures_over_fewer_than_k_cases_are_withheld(app):
    records = log(4)
    for record in records:
        record.resolution_days, record.satisfaction = 3, 5
    db.session.commit()
    result = board()
    assert result.figures["median_days"] is None
    assert result.figures["satisfaction_average"] is None
    assert result.tables["satisfaction"].cell("5").suppressed


def test_satisfaction_average_and_shares(app):
    records = log(10)
    for index, record in enumerate(records):
        record.satisfaction = 4 if index < 5 else 5
        record.problem_solved = "yes"
        record.would_recommend = True
    db.session.commit()
    result = board()
    assert result.figures["satisfaction_average"] == 4.5
    assert result.figures["solved_percent"] == 100.0
    assert result.figures["recommend_percent"] == 100.0


def test_open_and_overdue_now(app):
    records = log(12)
    for record in records[:6]:
        record.due_on = date(2026, 11, 1)
    for record in records[6:]:
        record.due_on = date(2026, 12, 1)
    db.session.commit()
    result = board()
    assert result.figures["open"].count == 12
    assert result.figures["overdue"].count == 6


def test_categories_rising_most_against_the_previous_period(app):
    log(5, on=date(2025, 5, 1), category="health")
    log(9, on=date(2026, 5, 1), category="health")
    log(6, on=date(2025, 5, 1))
    log(6, on=date(2026, 5, 1))
    result = board()
    assert [(r.category, r.previous, r.current) for r in result.rising] == [("health", 5, 9)]
    assert result.figures["previous_total"].count == 11
    assert result.figures["change_percent"] == 36.4


def test_period_boundaries_follow_sofia_time(app):
    office = make_office()
    # 22:30 UTC on 31 March is 01:30 on 1 April in Sofia: the second quarter.
    data = IntakeData(category="health", description="Въпрос.", anonymous=True)
    for _ in range(5):
        intake.log_inquiry(data, office=office, actor=None, now=datetime(2026, 3, 31, 22, 30))
    db.session.commit()
    without_adjustment()
    assert board(Period.quarter(2026, 1)).figures["total"].count == 0
    assert board(Period.quarter(2026, 2)).figures["total"].count == 5


def test_other_offices_never_count(app):
    log(6)
    log(7, office=make_office("MON"))
    assert board().figures["total"].count == 6


def test_filters_count_records_directly_with_the_same_results(app):
    office = make_office()
    kresna = office.settlements[0]
    log(6, settlement=kresna, channel="phone")
    log(7, channel="phone", category="health")
    log(8)
    by_channel = board(filters=Filters(channel="phone"))
    assert by_channel.figures["total"].count == 13
    assert by_channel.tables["settlement"].cell(kresna.ekatte).count == 6
    by_category = board(filters=Filters(category="health"))
    assert by_category.tables["channel"].cell("phone").count == 7
    assert by_category.figures["total"].count == 7


def test_period_choices_and_their_previous_periods():
    assert Period.quarter(2026, 1).previous() == Period(
        date(2025, 10, 1), date(2026, 1, 1), "quarter"
    )
    assert Period.month(2026, 1).previous().start == date(2025, 12, 1)
    custom = Period.between(date(2026, 2, 14), date(2026, 4, 3))
    assert (custom.start, custom.end) == (date(2026, 2, 1), date(2026, 5, 1))
    assert custom.previous().start == date(2025, 11, 1)
    with pytest.raises(DomainError):
        Period.between(date(2026, 5, 1), date(2026, 4, 1))
    with pytest.raises(DomainError):
        Period.quarter(2026, 5)
    assert [half_number(date(2026, m, d)) for m, d in ((1, 1), (6, 30), (7, 1), (12, 31))] == [
        1,
        1,
        2,
        2,
    ]
    assert Period.half_of(date(2026, 6, 30)) == Period.half(2026, 1)
    assert Period.half_of(date(2026, 7, 1)).code == "2026-H2"


def test_erasing_personal_data_changes_no_published_figure(app):
    office = make_office()
    for _ in range(6):
        make_inquiry(office, citizen={"name": "Иван Петров", "phone": "0888123456",
                                      "gender": "male", "age_band": "25-34"})  # fmt: skip
    without_adjustment()
    today = sofia_today()
    period = Period.year(today.year)
    before = statistics.dashboard([office.id], period, Filters(), k=K, today=today)
    assert before.tables["category_month"].total.count == 6  # the figures are there
    for citizen in db.session.scalars(select(Citizen)):
        citizen.name, citizen.phone, citizen.email = "", None, None
        citizen.gender, citizen.age_band, citizen.flags = "undisclosed", "undisclosed", ""
    for inquiry in db.session.scalars(select(Inquiry)):
        inquiry.description, inquiry.citizen = "[изтрито]", None
    db.session.commit()
    after = statistics.dashboard([office.id], period, Filters(), k=K, today=today)
    assert after.tables == before.tables
    assert after.figures == before.figures


def test_the_summary_kept_in_step_equals_one_rebuilt_from_records(app):
    office = make_office()
    records = log(7, on=date(2026, 2, 3)) + log(3, on=date(2026, 2, 20), category="health")
    records[0].status, records[0].outcome, records[0].resolution_days = "closed", "referred", 4
    records[1].category, records[2].satisfaction, records[3].would_recommend = "health", 3, False
    db.session.commit()
    kept = cube_rows()
    cube.rebuild(office.id, date(2026, 2, 1))
    db.session.commit()
    assert cube_rows() == kept


def test_a_rebuild_of_many_months_in_one_statement_equals_the_summary_kept_in_step(app):
    office = make_office()
    records = log(4, on=date(2025, 12, 31)) + log(3, on=date(2026, 1, 1), category="health")
    records += log(2, on=date(2026, 3, 31), channel="phone")
    records[0].status, records[0].outcome, records[0].resolution_days = "closed", "referred", 4
    records[5].satisfaction, records[8].would_recommend = 2, True
    db.session.commit()
    kept = cube_rows()
    assert {row[1] for row in kept} == {date(2025, 12, 1), date(2026, 1, 1), date(2026, 3, 1)}
    db.session.execute(StatCube.__table__.delete())
    assert cube.rebuild_all([office.id]) == 4  # December to March
    db.session.commit()
    assert cube_rows() == kept


def test_records_changed_behind_the_orm_are_counted_after_a_rebuild(app):
    log(5, on=date(2026, 3, 10))
    moved = log(1, on=date(2026, 5, 10))[0]
    table = StatRecord.__table__
    db.session.execute(
        table.update().where(table.c.id == moved.id).values(received_on=date(2026, 3, 11))
    )
    db.session.commit()
    assert board(Period.month(2026, 3)).figures["total"].count == 6
    assert board(Period.month(2026, 5)).figures["total"].count == 0


def cube_rows() -> list[tuple]:
    query = select(StatCube.office_id, StatCube.month, StatCube.category, StatCube.dimension,
                   StatCube.value, StatCube.n).where(StatCube.n != 0)  # fmt: skip
    return sorted(tuple(row) for row in db.session.execute(query))


def test_case_work_keeps_the_summary_exact(app):
    office = make_office()
    coordinator, expert = make_coordinator(office), make_expert(office)
    cases = [make_inquiry(office, category="local_taxes") for _ in range(4)]
    for case, status in zip(cases, ("closed", "resolved", "waiting", "assigned"), strict=True):
        move_to(case, status, coordinator=coordinator, expert=expert)
    kept = cube_rows()
    assert ("outcome", "advice_given", 2) in [(r[3], r[4], r[5]) for r in kept]
    for month in {cube.month_start(record_of(case).received_on) for case in cases}:
        cube.rebuild(office.id, month)
    db.session.commit()
    assert cube_rows() == kept


def test_the_summary_and_a_count_of_the_records_agree(app, monkeypatch):
    records = log(7, on=date(2026, 2, 3), citizen={"gender": "female", "flags": ["minority"]})
    records += log(5, on=date(2026, 4, 9), category="health", channel="phone")
    for index, record in enumerate(records):
        record.cell_key = index * 2_654_435_761 % 2**31  # keys add up in both ways too
        record.status = ("closed", "new", "waiting")[index % 3]
        record.resolved_on = date(2026, 4, 20) if index % 3 == 0 else None
        record.due_on, record.resolution_days = date(2026, 4, 15), index
        record.satisfaction, record.would_recommend = index % 5 + 1, index % 2 == 0
        record.problem_solved, record.affiliation = "partly", "ngo"
    db.session.commit()
    office_ids, start, end = [make_office().id], date(2026, 1, 1), date(2027, 1, 1)
    from_cube = sorted(cube.value_counts(office_ids, start, end, Filters()))
    monthly_cube = sorted(cube.monthly_totals(office_ids, start, end, Filters()))
    monkeypatch.setattr(Filters, "needs_records", property(lambda self: True))
    assert sorted(cube.value_counts(office_ids, start, end, Filters())) == from_cube
    assert sorted(cube.monthly_totals(office_ids, start, end, Filters())) == monthly_cube


def test_network_puts_offices_side_by_side_with_every_cell_suppressed(app):
    kresna, montana = make_office(), make_office("MON")
    log(6, office=kresna)
    log(3, office=montana)
    log(8, office=montana, category="health")
    tables = statistics.network([kresna.id, montana.id], YEAR, k=K)
    table = tables["office_category"]
    assert table.cell(str(montana.id), "local_taxes").primary
    assert table.cell(str(kresna.id), "local_taxes").suppressed  # else 9 - 6 gives the 3
    assert table.cell(str(montana.id), "health").count == 8
    assert table.total.count == 17


def test_the_network_sums_an_office_s_months_as_the_dashboard_does(app):
    kresna, montana = make_office(), make_office("MON")
    records = log(4, office=kresna, on=date(2026, 1, 5))
    records += log(3, office=kresna, on=date(2026, 6, 9))
    records += log(5, office=montana, on=date(2026, 2, 1), category="health")
    for index, record in enumerate(records):
        record.cell_key = (index + 1) * 1_999_999_973 % 2**31  # sums past KEY_SPACE
    db.session.commit()
    ids, start, end = [kresna.id, montana.id], date(2026, 1, 1), date(2027, 1, 1)
    summed = defaultdict(Count)
    for office_id, _month, category, count in cube.monthly_totals(ids, start, end, Filters()):
        summed[office_id, category] += count
    found = {(o, c): count for o, c, count in cube.office_category_counts(ids, start, end)}
    assert found == summed
    assert found[kresna.id, "local_taxes"].n == 7


def test_open_data_tables_are_cut_from_the_dashboard(app):
    log(6)
    log(2, category="health")
    result = board()
    by_category = statistics.public_table(result, "category")
    assert by_category.cell("health").suppressed
    assert by_category.total == result.tables["category_month"].total
    assert statistics.public_table(result, "channel") is result.tables["channel"]
    with pytest.raises(DomainError):
        statistics.public_table(result, "gender")


def test_percentiles_are_continuous_like_percentile_cont():
    from collections import Counter

    histogram = Counter({"1": 1, "2": 1, "3": 1, "10": 1})
    assert statistics.percentile(histogram, 0.5) == 2.5
    assert statistics.percentile(histogram, 0.9) == 7.9
    assert statistics.percentile(Counter(), 0.5) is None


def test_a_running_year_is_compared_with_the_same_months_of_the_year_before(app):
    log(6, on=date(2025, 3, 10))
    log(4, on=date(2025, 11, 10))  # November is not over in 2026: not beside it
    log(4, on=date(2025, 12, 10))
    log(9, on=date(2026, 3, 10))
    log(7, on=date(2026, 11, 2))  # counted in the year so far, not in the comparison
    result = board(YEAR, today=date(2026, 11, 21))
    assert result.running
    assert (result.previous.start, result.previous.end) == (date(2025, 1, 1), date(2025, 11, 1))
    assert (result.compared.start, result.compared.end) == (date(2026, 1, 1), date(2026, 11, 1))
    assert result.figures["total"].count == 16
    assert result.figures["compared_total"].count == 9
    assert result.figures["previous_total"].count == 6
    assert result.figures["change_percent"] == 50.0  # not +14 % against January–November


def test_a_running_quarter_is_compared_without_its_unfinished_month(app):
    """On 1 December the fourth quarter holds one day of December: set beside the whole of
    October–December 2025 it would seem to have fallen by a quarter."""
    for month in (10, 11, 12):
        log(10, on=date(2025, month, 6))
    log(5, on=date(2026, 9, 7))  # the third quarter: not the comparison
    log(11, on=date(2026, 10, 5))
    log(11, on=date(2026, 11, 5))
    log(1, on=date(2026, 12, 1))
    result = board(Period.quarter(2026, 4), today=date(2026, 12, 1))
    assert (result.previous.start, result.previous.end) == (date(2025, 10, 1), date(2025, 12, 1))
    assert result.figures["total"].count == 23
    assert (result.figures["compared_total"].count, result.figures["previous_total"].count) == (
        22,
        20,
    )
    assert result.figures["change_percent"] == 10.0  # not -23.3 % (23 against 30)
    assert [(r.category, r.previous, r.current) for r in result.rising] == [("local_taxes", 20, 22)]


def test_a_period_in_its_first_month_has_nothing_to_compare_yet(app):
    log(8, on=date(2025, 10, 6))
    log(6, on=date(2026, 10, 5))
    result = board(Period.quarter(2026, 4), today=date(2026, 10, 20))
    assert result.running and result.previous is None and result.compared is None
    assert result.figures["total"].count == 6
    assert result.figures["previous_total"] is None
    assert result.figures["change_percent"] is None
    assert result.rising == []


def test_too_few_cases_in_the_months_compared_hide_the_change(app):
    log(8, on=date(2025, 10, 6))
    log(2, on=date(2026, 10, 5))  # below k in the months that are over
    log(9, on=date(2026, 11, 5))
    result = board(Period.quarter(2026, 4), today=date(2026, 11, 21))
    assert result.figures["total"].count == 11
    assert result.figures["compared_total"].suppressed
    assert result.figures["change_percent"] is None
    assert result.rising == []


def test_a_finished_period_is_compared_with_the_one_before(app):
    log(5, on=date(2024, 6, 3))
    log(10, on=date(2025, 6, 2))
    result = board(Period.year(2025), today=date(2026, 11, 21))
    assert not result.running
    assert result.previous == Period.year(2024)
    assert result.figures["change_percent"] == 100.0
