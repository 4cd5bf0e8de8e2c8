"""Disclosure control: no published figure, nor any set of them, may single out a person.

In a village of 200 people a count of 1 is a person. Every table leaves the domain
through `publish()`, in two steps.

1. Consistent perturbation — the cell-key method of the Australian Bureau of Statistics'
   TableBuilder, which the UK's ONS adopted for the 2021 census. Every StatRecord
   carries a secret random key (0 … KEY_SPACE-1), given once when it is written. A
   count's key is the sum of its records' keys (mod KEY_SPACE), so the monthly summary
   and SQL aggregate keys as they aggregate counts. From that key the count gets a
   small adjustment (NOISE: −2 … +2, none for about half of all counts); zero stays
   zero, and a count of one or more stays at least one. Totals are counts of their own
   records, adjusted with their own keys, so a table no longer adds up exactly.
   Why: suppression protects one table, but users choose periods and filters, and a
   hidden month was the difference of two overlapping published ranges. Now every
   published number is the true count plus the adjustment of exactly its own set of
   records: a difference of two answers carries two unknown adjustments and is never
   exact, and because the same records always get the same adjustment — in whatever
   table, page, export or API they appear — asking again, or the same thing another
   way, cannot average it away. Periods are calendar months, quarters and years only
   (statistics/periods.py): no free ranges that would give many overlapping views.
2. Suppression, of the adjusted counts: 1 … k-1 is hidden (primary), and further cells
   are hidden until no hidden count could be recomputed from what a line shows
   (secondary), as if the table still added up. Zero stays zero: an absence identifies
   nobody.

The residual risk, stated plainly: an adjustment is at most ±2, so someone who
combines several answers can narrow a hidden count to a range, and in rare cases — when
several adjustments happen to be extreme in the same direction — to one value; the
fixed periods keep such combinations few. That is the trade-off the statistical offices
accept for tables people can build themselves.

The table is seen with its totals as an augmented grid, an extra row of column totals
and an extra column of row totals meeting at the grand total. Every line of that grid is
one linear equation, so the hidden entries form a bipartite graph (lines are nodes,
hidden entries are edges) and a hidden entry can be recomputed exactly when its edge is
a bridge, on no cycle. We add the smallest published entry that closes a cycle through
each bridge until there are none, then also make sure that no hidden entry is pinned by
its bounds in a line (a hidden count "<k" is at most k-1, any hidden count at least 1).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bureau.models.stats import KEY_SPACE  # record keys and cell keys: 0 … KEY_SPACE-1

# The adjustment by where a cell's key falls in [0, 1): half of all counts keep their
# value, a fifth move by one either way, a twentieth by two. Mean zero, variance 0.8.
NOISE = ((0.50, 0), (0.70, 1), (0.90, -1), (0.95, 2), (1.00, -2))


@dataclass(frozen=True)
class Count:
    """A true count and its cell key (the sum of its records' keys, mod KEY_SPACE)."""

    n: int = 0
    key: int = 0

    def __add__(self, other: "Count") -> "Count":
        return Count(self.n + other.n, (self.key + other.key) % KEY_SPACE)

    def __radd__(self, other):
        return self if other == 0 else NotImplemented


def as_count(value) -> "Count":
    """A Count; a bare number is a count with key 0 (which is never adjusted)."""
    return value if isinstance(value, Count) else Count(int(value), 0)


def perturb(count: Count) -> int:
    """The published value of a count: its own, consistent adjustment; 0 stays 0 and a
    count of one or more never becomes 0."""
    if count.n <= 0:
        return 0
    position = (count.key % KEY_SPACE) / KEY_SPACE
    change = next(change for bound, change in NOISE if position < bound)
    return max(count.n + change, 1)


class State(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # 1..k-1: shown as "<k"
    SECONDARY = "secondary"  # hidden so that a primary one cannot be recomputed
    UNPUBLISHED = "unpublished"  # a total the table does not show at all


HIDDEN = (State.PRIMARY, State.SECONDARY)


@dataclass(frozen=True)
class Cell:
    """One published count: the number, or None where suppressed."""

    count: int | None
    suppressed: bool = False
    primary: bool = False

    def as_json(self) -> dict:
        return {"count": self.count, "suppressed": self.suppressed}


ZERO = Cell(0)


@dataclass(frozen=True)
class Published:
    """A table ready to leave the domain: every count checked against the threshold."""

    key: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    total: Cell | None
    threshold: int

    def column(self, index: int = 0) -> list[Cell]:
        return [row[index] for row in self.cells]

    def cell(self, row: str, column: str | None = None) -> Cell:
        j = self.columns.index(column) if column is not None else 0
        return self.cells[self.rows.index(row)][j]

    @property
    def has_suppressed(self) -> bool:
        every = [c for row in self.cells for c in row]
        every += list(self.row_totals or ()) + list(self.column_totals or ())
        return any(c.suppressed for c in [*every, self.total or ZERO])


def publish(
    key: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Count | int]],
    k: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> Published:
    """The table with its totals (each counted from its own records), every count
    adjusted by its own key, then suppressed for k."""
    n, m = len(rows), len(columns)
    counts = [[as_count(values[i][j]) for j in range(m)] for i in range(n)]
    grid = [[perturb(count) for count in line] for line in augmented_counts(counts, n, m)]
    state = protect_grid(grid, k, row_totals=row_totals, column_totals=column_totals)

    def cell(i: int, j: int) -> Cell:
        if state[i][j] == State.PUBLISHED:
            return Cell(grid[i][j])
        return Cell(None, suppressed=True, primary=state[i][j] == State.PRIMARY)

    return Published(
        key=key,
        rows=tuple(rows),
        columns=tuple(columns),
        cells=tuple(tuple(cell(i, j) for j in range(m)) for i in range(n)),
        row_totals=tuple(cell(i, m) for i in range(n)) if row_totals else None,
        column_totals=tuple(cell(n, j) for j in range(m)) if column_totals else None,
        total=cell(n, m) if (row_totals or column_totals) else None,
        threshold=k,
    )


def publish_figure(value, cases: int, k: int):
    """A median, share or average is withheld (None) when it rests on fewer than k cases."""
    return value if cases >= k else None


def augmented(values: Sequence[Sequence[int]], n: int, m: int) -> list[list[int]]:
    """The values with a column of row totals and a row of column totals appended."""
    grid = [[int(values[i][j]) for j in range(m)] + [sum(values[i])] for i in range(n)]
    grid.append([sum(grid[i][j] for i in range(n)) for j in range(m + 1)])
    return grid


def augmented_counts(counts: list[list[Count]], n: int, m: int) -> list[list[Count]]:
    """The counts with their row totals and column totals: totals of records and keys."""
    grid = [[*counts[i], sum(counts[i], Count())] for i in range(n)]
    grid.append([sum((grid[i][j] for i in range(n)), Count()) for j in range(m + 1)])
    return grid


def protect(
    values: Sequence[Sequence[int]],
    k: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    width: int | None = None,
) -> list[list[State]]:
    """The state of every entry of the augmented grid of exact values (values plus totals)."""
    n = len(values)
    m = width if width is not None else (len(values[0]) if n else 0)
    return protect_grid(
        augmented(values, n, m), k, row_totals=row_totals, column_totals=column_totals
    )


def protect_grid(
    grid: list[list[int]], k: int, *, row_totals: bool = True, column_totals: bool = True
) -> list[list[State]]:
    """The state of every entry of a grid whose last row and column are its totals."""
    if k < 1:
        raise ValueError("the suppression threshold must be at least 1")
    n, m = len(grid) - 1, len(grid[0]) - 1
    state = [[State.PUBLISHED] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        if not row_totals:
            state[i][m] = State.UNPUBLISHED
    for j in range(m):
        if not column_totals:
            state[n][j] = State.UNPUBLISHED
    if not (row_totals or column_totals):
        state[n][m] = State.UNPUBLISHED
    for i in range(n + 1):
        for j in range(m + 1):
            if state[i][j] == State.PUBLISHED and 0 < grid[i][j] < k:
                state[i][j] = State.PRIMARY
    # Each round hides one more published entry, so this ends.
    while (entry := _next_to_hide(grid, state, k)) is not None:
        state[entry[0]][entry[1]] = State.SECONDARY
    return state


def _next_to_hide(grid, state, k) -> tuple[int, int] | None:
    bridge = _first_bridge(state)
    if bridge is not None:
        return _close_cycle(grid, state, bridge)
    return _widen_pinned_line(grid, state, k)


def _edges(state) -> list[tuple[int, int]]:
    """The unknown entries, as edges between row node i and column node -(j+1)."""
    return [
        (i, j)
        for i, line in enumerate(state)
        for j, entry in enumerate(line)
        if entry != State.PUBLISHED
    ]


def _first_bridge(state) -> tuple[int, int] | None:
    """A hidden entry on no cycle of unknown entries: it is recomputable."""
    edges = _edges(state)
    adjacent: dict[object, list[tuple[object, int]]] = {}
    for index, (i, j) in enumerate(edges):
        adjacent.setdefault(("r", i), []).append((("c", j), index))
        adjacent.setdefault(("c", j), []).append((("r", i), index))
    order: dict[object, int] = {}
    low: dict[object, int] = {}
    bridges = []
    for root in adjacent:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(adjacent[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for other, index in neighbours:
                if index == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, index, iter(adjacent[other])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.append(edges[via])
    hidden = sorted(e for e in bridges if state[e[0]][e[1]] in HIDDEN)
    return hidden[0] if hidden else None


def _component(state, start, without: tuple[int, int]) -> set:
    """The line nodes reachable from `start` over unknown entries, not using `without`."""
    seen, todo = {start}, [start]
    edges = [e for e in _edges(state) if e != without]
    while todo:
        kind, index = todo.pop()
        for i, j in edges:
            if (kind == "r" and i == index) or (kind == "c" and j == index):
                other = ("c", j) if kind == "r" else ("r", i)
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return seen


def _close_cycle(grid, state, bridge) -> tuple[int, int] | None:
    """The smallest published non-zero entry that puts the bridge on a cycle."""
    a = _component(state, ("r", bridge[0]), bridge)
    b = _component(state, ("c", bridge[1]), bridge)
    n, m = len(grid) - 1, len(grid[0]) - 1

    def closes(i, j):
        return (("r", i) in a and ("c", j) in b) or (("r", i) in b and ("c", j) in a)

    nodes = a | b
    touched = {("r", i) for i, _ in _edges(state)} | {("c", j) for _, j in _edges(state)}

    def in_lines(i, j):
        return ("r", i) in nodes or ("c", j) in nodes

    def joins_other(i, j):
        # Reaches hidden entries elsewhere: the next round can close a cycle over both.
        return in_lines(i, j) and ("r", i) in touched and ("c", j) in touched

    for rule in (closes, joins_other, in_lines):
        if candidates := _published(grid, state, rule):
            return min(candidates, key=lambda e: (grid[e[0]][e[1]], e[0] == n or e[1] == m, e))
    return None


def _published(grid, state, where) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, line in enumerate(state)
        for j, entry in enumerate(line)
        if entry == State.PUBLISHED and grid[i][j] > 0 and where(i, j)
    ]


def _widen_pinned_line(grid, state, k) -> tuple[int, int] | None:
    """In a line with a published total, a hidden count its bounds fix exactly."""
    n, m = len(grid) - 1, len(grid[0]) - 1
    lines = [[(i, j) for j in range(m + 1)] for i in range(n + 1)]
    lines += [[(i, j) for i in range(n + 1)] for j in range(m + 1)]
    for line in lines:
        *parts, total = line
        if state[total[0]][total[1]] != State.PUBLISHED:
            continue
        states = [state[i][j] for i, j in parts]
        if State.UNPUBLISHED in states or not any(s in HIDDEN for s in states):
            continue
        hidden_sum = grid[total[0]][total[1]] - sum(
            grid[i][j] for (i, j), s in zip(parts, states, strict=True) if s == State.PUBLISHED
        )
        hidden = [s for s in states if s in HIDDEN]
        if _pinned(hidden, hidden_sum, k):
            candidates = [
                (i, j)
                for (i, j), s in zip(parts, states, strict=True)
                if s == State.PUBLISHED and grid[i][j] > 0
            ]
            if not candidates:
                return total
            return min(candidates, key=lambda e: (grid[e[0]][e[1]], e))
    return None


def _pinned(hidden: list[State], hidden_sum: int, k: int) -> bool:
    """True if some hidden entry's range, given the line's sum of hidden entries, is one value.

    A primary entry lies in 1..k-1; a secondary one is at least k (it was published-size).
    """
    lows = [1 if s == State.PRIMARY else k for s in hidden]
    highs = [k - 1 if s == State.PRIMARY else hidden_sum for s in hidden]
    for index in range(len(hidden)):
        others_low = sum(lows) - lows[index]
        others_high = sum(highs) - highs[index]
        low = max(lows[index], hidden_sum - others_high)
        high = min(highs[index], hidden_sum - others_low)
        if low >= high:
            return True
    return False
