"""Small-cell suppression: properties over random tables, and a table checked by hand."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from bureau.domain.statistics.suppression import (
    HIDDEN,
    KEY_SPACE,
    Count,
    State,
    augmented,
    perturb,
    protect,
    publish,
    publish_figure,
)

counts = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables(draw, max_rows: int = 5, max_columns: int = 5):
    """A random table (1-D when it has one column), a threshold and which totals show."""
    n = draw(st.integers(1, max_rows))
    m = draw(st.integers(1, max_columns))
    values = [[draw(counts) for _ in range(m)] for _ in range(n)]
    k = draw(st.integers(2, 10))
    if m == 1:  # a 1-D table: the total only, as the dashboard publishes it
        return values, k, False, draw(st.booleans())
    return values, k, draw(st.booleans()), draw(st.booleans())


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(state) -> list[tuple[int, int]]:
    """Hidden entries that the published entries and totals determine, by linear algebra.

    Every line of the augmented grid says: its entries before the last sum to the last.
    An unknown is determined exactly when its column of that system is independent of
    the other unknowns' columns (no solution of the homogeneous system moves it).
    """
    n, m = len(state) - 1, len(state[0]) - 1
    unknown = [(i, j) for i in range(n + 1) for j in range(m + 1) if state[i][j] != State.PUBLISHED]
    if not unknown:
        return []
    lines = [[(i, j) for j in range(m + 1)] for i in range(n + 1)]
    lines += [[(i, j) for i in range(n + 1)] for j in range(m + 1)]
    system = []
    for line in lines:
        coefficient = {entry: Fraction(1) for entry in line[:-1]} | {line[-1]: Fraction(-1)}
        system.append([coefficient.get(entry, Fraction(0)) for entry in unknown])
    full = rank(system)
    determined = []
    for index, entry in enumerate(unknown):
        without = [row[:index] + row[index + 1 :] for row in system]
        if rank(without) < full and state[entry[0]][entry[1]] in HIDDEN:
            determined.append(entry)
    return determined


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_published_count_is_between_one_and_k_minus_one(table):
    values, k, row_totals, column_totals = table
    grid = augmented(values, len(values), len(values[0]))
    state = protect(values, k, row_totals=row_totals, column_totals=column_totals)
    for i, line in enumerate(state):
        for j, entry in enumerate(line):
            if entry == State.PUBLISHED:
                assert not 0 < grid[i][j] < k
            if 0 < grid[i][j] < k and entry != State.UNPUBLISHED:
                assert entry == State.PRIMARY


@settings(max_examples=300, deadline=None)
@given(tables())
def test_zero_is_published_as_zero(table):
    values, k, row_totals, column_totals = table
    state = protect(values, k, row_totals=row_totals, column_totals=column_totals)
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if value == 0:
                assert state[i][j] == State.PUBLISHED


@settings(max_examples=300, deadline=None)
@given(tables())
def test_every_line_with_a_published_total_hides_none_or_at_least_two(table):
    values, k, row_totals, column_totals = table
    state = protect(values, k, row_totals=row_totals, column_totals=column_totals)
    n, m = len(state) - 1, len(state[0]) - 1
    lines = [[state[i][j] for j in range(m + 1)] for i in range(n + 1)]
    lines += [[state[i][j] for i in range(n + 1)] for j in range(m + 1)]
    for line in lines:
        if State.UNPUBLISHED in line:
            continue  # the line's equation involves a figure nobody is shown
        assert sum(entry in HIDDEN for entry in line) != 1


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_hidden_count_can_be_recomputed_from_the_published_figures(table):
    values, k, row_totals, column_totals = table
    state = protect(values, k, row_totals=row_totals, column_totals=column_totals)
    assert recoverable(state) == []


@settings(max_examples=100, deadline=None)
@given(tables(max_rows=12, max_columns=1))
def test_long_one_dimensional_tables_are_protected_too(table):
    values, k, row_totals, column_totals = table
    state = protect(values, k, row_totals=row_totals, column_totals=column_totals)
    assert recoverable(state) == []


def test_a_table_checked_by_hand():
    # Wards of a small municipality by quarter. 3 and 2 are primary. Row 0 then holds one
    # hidden cell, so 12 (the smallest that joins the other hidden cell's column) goes too,
    # and 15 closes the rectangle: each of the four can move by the same amount.
    values = [[3, 10, 12], [8, 9, 20], [15, 30, 2]]
    table = publish("wards", ["a", "b", "c"], ["q1", "q2", "q3"], values, 5)
    shown = [[c.count for c in row] for row in table.cells]
    assert shown == [[None, 10, None], [8, 9, 20], [None, 30, None]]
    assert [c.primary for c in table.cells[0]] == [True, False, False]
    assert [c.count for c in table.row_totals] == [25, 37, 47]
    assert [c.count for c in table.column_totals] == [26, 49, 34]
    assert table.total.count == 109


def test_one_dimensional_table_hides_a_second_cell_against_the_total():
    table = publish("channel", ["walk_in", "phone", "email"], ["n"], [[40], [3], [9]], 5,
                    row_totals=False)  # fmt: skip
    assert [c.count for c in table.column(0)] == [40, None, None]
    assert table.total.count == 52
    assert table.cell("email").suppressed and not table.cell("email").primary


def test_small_total_is_hidden_and_zero_stays_zero():
    table = publish("flags", ["a", "b"], ["n"], [[0], [2]], 5, row_totals=False)
    assert table.cell("a") == table.cell("a").__class__(0)
    assert table.cell("b").suppressed
    assert table.total.suppressed


def test_a_hidden_pair_pinned_by_its_bounds_is_widened():
    # 4 and 4 are both "<5" and sum to 8 = 20 - 12: each must be 4. Hiding 12 too frees them.
    table = publish("t", ["a", "b", "c"], ["n"], [[4], [4], [12]], 5, row_totals=False)
    assert [c.count for c in table.column(0)] == [None, None, None]


def test_figures_over_fewer_than_k_cases_are_withheld():
    assert publish_figure(12.5, 4, 5) is None
    assert publish_figure(12.5, 5, 5) == 12.5


def test_json_cell_carries_count_and_suppressed():
    table = publish("t", ["a", "b"], ["n"], [[7], [1]], 5, row_totals=False, column_totals=False)
    assert table.total is None
    assert table.cell("a").as_json() == {"count": 7, "suppressed": False}
    assert table.cell("b").as_json() == {"count": None, "suppressed": True}


def test_every_count_and_total_is_adjusted_by_its_own_key():
    a, b, c = Count(6, 1_500_000_000), Count(9, 1_900_000_000), Count(7, 1_100_000_000)
    table = publish("t", ["r1", "r2"], ["x", "y"], [[a, b], [c, Count()]], 1)
    assert [[cell.count for cell in row] for row in table.cells] == [
        [perturb(a), perturb(b)],
        [perturb(c), 0],
    ]
    assert table.row_totals[0].count == perturb(a + b)
    assert table.column_totals[0].count == perturb(a + c)
    assert table.total.count == perturb(a + b + c)
    assert (a + b).key == (1_500_000_000 + 1_900_000_000) % KEY_SPACE
    # These keys move the counts: the table no longer adds up exactly, by design.
    assert perturb(a) == 7 and perturb(b) == 8  # the bands of +1 and -1


def test_an_adjusted_count_below_k_is_hidden_like_a_small_one():
    lowered = Count(5, int(0.75 * KEY_SPACE))  # the band of -1
    assert perturb(lowered) == 4
    table = publish("t", ["a", "b"], ["n"], [[lowered], [Count(40, 0)]], 5, row_totals=False)
    assert table.cell("a").suppressed and table.cell("a").primary
    assert table.cell("b").suppressed  # the total would give it back
