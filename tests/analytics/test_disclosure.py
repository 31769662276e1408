"""Disclosure control: primary and secondary suppression, rates, and the staff view.

Secondary suppression is checked with an independent "attacker": exact Gauss–Jordan elimination
over fractions on the equations a reader of the published table can write down (each shown
total equals the sum of its cells), reporting every hidden cell whose value follows.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyplan.analytics.disclosure import (
    DEFAULT_THRESHOLD,
    LOW,
    LOW_RELIABILITY,
    NOT_APPLICABLE,
    SUPPRESSED,
    UNAVAILABLE,
    DisclosureResult,
    TableGroup,
    disclose_count,
    is_small,
    round_or_low,
    suppress_count,
    suppress_one_way,
    suppress_rate,
    suppress_table,
    suppress_two_way,
)


def solve_hidden(shown, groups):
    """What a reader can work out: {hidden cell: value} for every recoverable hidden cell.

    ``shown`` maps each cell to what is published (a number or a symbol); ``groups`` is a list
    of (total key, member keys) saying total = sum of members.
    """
    hidden = sorted((k for k, v in shown.items() if isinstance(v, str)), key=repr)
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for total, members in groups:
        row = [Fraction(0)] * (len(hidden) + 1)  # coefficients, then the right-hand side
        for key, sign in [(total, 1)] + [(m, -1) for m in members]:
            if key in index:
                row[index[key]] += sign
            else:
                row[-1] -= sign * Fraction(shown[key])
        rows.append(row)
    # Reduced row echelon form.
    pivot_row = 0
    for col in range(len(hidden)):
        pick = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pick is None:
            continue
        rows[pivot_row], rows[pick] = rows[pick], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    # A hidden cell is known exactly when a reduced row mentions it alone.
    solved = {}
    for row in rows:
        nonzero = [i for i in range(len(hidden)) if row[i] != 0]
        if len(nonzero) == 1:
            solved[hidden[nonzero[0]]] = row[-1]
    return solved


def one_way_groups(labels, total="Total"):
    """The reader's equation for a breakdown: Total = sum of the labels."""
    return [(total, list(labels))]


def two_way_flat(nested):
    """{(row, column): shown} from a suppress_two_way result."""
    return {(r, c): cell.shown for r, row in nested.items() for c, cell in row.items()}


def two_way_groups(rows, cols, total="Total"):
    """The reader's equations for a two-way table with all margins."""
    return [((r, total), [(r, c) for c in cols]) for r in [*rows, total]] + [
        ((total, c), [(r, c) for r in rows]) for c in [*cols, total]
    ]


def test_symbols_are_the_ees_ones():
    """c suppressed, x unavailable, z not applicable, low, u low reliability; threshold 5."""
    assert (SUPPRESSED, UNAVAILABLE, NOT_APPLICABLE, LOW, LOW_RELIABILITY) == (
        "c",
        "x",
        "z",
        "low",
        "u",
    )
    assert DEFAULT_THRESHOLD == 5


def test_primary_suppression_hides_1_to_4_only():
    """1 to 4 become c; 0, 5 and above are shown; None is x."""
    assert [suppress_count(n) for n in range(7)] == [0, "c", "c", "c", "c", 5, 6]
    assert [is_small(n) for n in range(7)] == [False, True, True, True, True, False, False]
    assert suppress_count(None) == "x"


def test_threshold_is_configurable():
    """threshold=3 hides 1 and 2; threshold=10 hides 1 to 9; threshold=1 hides nothing."""
    assert [suppress_count(n, threshold=3) for n in range(4)] == [0, "c", "c", 3]
    assert suppress_count(9, threshold=10) == "c" and suppress_count(10, threshold=10) == 10
    assert [suppress_count(n, threshold=1) for n in range(3)] == [0, 1, 2]
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="threshold"):
            is_small(3, bad)
    with pytest.raises(ValueError, match="negative"):
        is_small(-1)


def test_staff_see_the_value_marked_as_suppressed():
    """public=False keeps the value but still says it is suppressed in public outputs."""
    staff = disclose_count(2, public=False)
    assert (staff.shown, staff.original, staff.suppressed) == (2, 2, True)
    assert staff.revealed_to_staff and staff.reason == "small count"
    public = disclose_count(2)
    assert (public.shown, public.original, public.suppressed) == ("c", 2, True)
    assert not public.revealed_to_staff
    assert disclose_count(12) == DisclosureResult(12, 12, False, None, True)


def test_one_way_single_small_cell_gets_a_complement():
    """Mixed = 3 alone would be 160 − 120 − 15 − 22 − 0; the next smallest non-zero (15) goes."""
    counts = {"White British": 120, "Mixed": 3, "Asian": 15, "Black": 22, "Other": 0}
    groups = one_way_groups(counts)
    primary_only = {**counts, "Mixed": "c", "Total": 160}
    assert solve_hidden(primary_only, groups) == {"Mixed": 3}  # the checker does recover it

    result = suppress_one_way(counts)
    shown = {k: v.shown for k, v in result.items()}
    assert shown == {
        "White British": 120,
        "Mixed": "c",
        "Asian": "c",
        "Black": 22,
        "Other": 0,
        "Total": 160,
    }
    assert solve_hidden(shown, groups) == {}
    assert result["Mixed"].reason == "small count"
    assert result["Asian"].reason == "would reveal a small count"


def test_one_way_two_small_cells_need_no_complement():
    """Two suppressed cells protect each other when their sum leaves each one open: 6 + 40 = 46
    gives 2 + 4 = 6, and 6 = 1 + 5 = 5 + 1, so each could be 5."""
    shown = {k: v.shown for k, v in suppress_one_way({"a": 2, "b": 4, "c": 40}).items()}
    assert shown == {"a": "c", "b": "c", "c": 40, "Total": 46}


def test_two_small_cells_summing_below_the_threshold_get_a_complement():
    """2 + 3 = 5 shown as c, c, 40, 45 tells a reader both are from 1 to 4 (5 = 1 + 4 at
    most): the next smallest cell (40) is suppressed too."""
    shown = {k: v.shown for k, v in suppress_one_way({"a": 2, "b": 3, "c": 40}).items()}
    assert shown == {"a": "c", "b": "c", "c": "c", "Total": 45}


def test_one_way_small_total_is_suppressed_too():
    """A total of 1 to 4 is itself a small count."""
    shown = {k: v.shown for k, v in suppress_one_way({"a": 1, "b": 0}).items()}
    assert shown == {"a": "c", "b": 0, "Total": "c"}


def test_one_way_with_an_unavailable_count():
    """A missing count is x and so is the total it would feed."""
    shown = {k: v.shown for k, v in suppress_one_way({"a": 7, "b": None}).items()}
    assert shown == {"a": 7, "b": "x", "Total": "x"}


def test_two_way_table_single_small_cell():
    """One small cell in a 2 × 3 table: a 2 × 2 block is hidden and nothing is recoverable."""
    table = {
        "boys": {"0-4": 12, "5-9": 3, "10-15": 20},
        "girls": {"0-4": 15, "5-9": 18, "10-15": 25},
    }
    rows, cols = list(table), ["0-4", "5-9", "10-15"]
    groups = two_way_groups(rows, cols)
    result = suppress_two_way(table)
    shown = two_way_flat(result)
    assert [[result[r][c].shown for c in [*cols, "Total"]] for r in [*rows, "Total"]] == [
        ["c", "c", 20, 35],
        ["c", "c", 25, 58],
        [27, 21, 45, 93],
    ]
    assert solve_hidden(shown, groups) == {}
    primary_only = {**shown, ("boys", "0-4"): 12, ("girls", "0-4"): 15, ("girls", "5-9"): 18}
    assert solve_hidden(primary_only, groups) == {("boys", "5-9"): 3}


def test_two_way_table_cascading_complements():
    """In a 3 × 3 table the complements cascade through rows and columns until safe."""
    table = {
        "A": {"x": 3, "y": 10, "z": 20},
        "B": {"x": 8, "y": 30, "z": 40},
        "C": {"x": 12, "y": 25, "z": 50},
    }
    shown = two_way_flat(suppress_two_way(table))
    hidden = [k for k, v in shown.items() if v == "c"]
    assert ("A", "x") in hidden and len(hidden) >= 4
    assert solve_hidden(shown, two_way_groups(list(table), ["x", "y", "z"])) == {}


def test_overlapping_groups_need_the_joint_check():
    """T1 = p + q and T2 = p + q + r reveal r = T2 − T1 unless T2 is suppressed too."""
    cells = {"p": 10, "q": 10, "r": 3, "T1": 20, "T2": 23}
    groups = [("T1", ["p", "q"]), ("T2", ["p", "q", "r"])]
    # Each group has two or more hidden cells here, yet r is recoverable:
    naive = {**cells, "p": "c", "q": "c", "r": "c"}
    assert solve_hidden(naive, groups) == {"r": 3}
    shown = {k: v.shown for k, v in suppress_table(cells, groups).items()}
    assert shown["r"] == "c" and shown["T2"] == "c"
    assert solve_hidden(shown, groups) == {}


def test_staff_view_of_a_table_keeps_values_and_marks():
    """Staff get every original value; the same cells are marked as suppressed."""
    counts = {"a": 120, "b": 3, "c": 15}
    public = suppress_one_way(counts)
    staff = suppress_one_way(counts, public=False)
    assert {k: v.shown for k, v in staff.items()} == {"a": 120, "b": 3, "c": 15, "Total": 138}
    assert {k for k, v in staff.items() if v.revealed_to_staff} == {"b", "c"}
    assert {k for k, v in public.items() if v.suppressed} == {"b", "c"}


def test_table_inputs_are_checked():
    """Groups must name known cells and add up; labels must not clash with the total."""
    with pytest.raises(ValueError, match="unknown"):
        suppress_table({"a": 1}, [TableGroup("t", ("a",))])
    with pytest.raises(ValueError, match="add up"):
        suppress_table({"a": 10, "b": 10, "t": 25}, [("t", ["a", "b"])])
    with pytest.raises(ValueError, match="Total"):
        suppress_one_way({"Total": 5})
    with pytest.raises(ValueError, match="same columns"):
        suppress_two_way({"r1": {"a": 1}, "r2": {"b": 1}})


def test_rates_on_small_counts_are_suppressed():
    """A rate is c when its numerator or its denominator is 1 to 4."""
    assert suppress_rate(3, 577, 0.52).shown == "c"
    assert suppress_rate(2, 4, 50.0).shown == "c"
    assert suppress_rate(0, 577, 0.0).shown == 0.0
    shown = suppress_rate(165, 577, 28.6)
    assert (shown.shown, shown.suppressed) == (28.6, False)
    assert suppress_rate(3, 577, 0.52, threshold=3).shown == 0.52


def test_rates_on_secondarily_suppressed_counts_are_suppressed():
    """A rate on a count hidden only to protect another cell is hidden too."""
    table = suppress_one_way({"White British": 120, "Mixed": 3, "Asian": 15})
    rate = suppress_rate(table["Asian"], 400, 3.75)
    assert (rate.shown, rate.reason) == ("c", "built on a suppressed count")
    assert suppress_rate(table["White British"], 400, 30.0).shown == 30.0


def test_rate_symbols_and_staff_view():
    """No value is x (z when the denominator is 0); staff see a suppressed rate, marked."""
    assert suppress_rate(5, 100, None).shown == "x"
    assert suppress_rate(0, 0, None).shown == "z"
    staff = suppress_rate(3, 577, 0.52, public=False)
    assert (staff.shown, staff.suppressed, staff.revealed_to_staff) == (0.52, True, True)


def test_round_or_low():
    """A non-zero value that rounds to 0 is shown as low."""
    assert round_or_low(0.04, 1) == "low"
    assert round_or_low(0.05001, 1) == 0.1
    assert round_or_low(0, 1) == 0


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(counts, min_size=1, max_size=7))
def test_one_way_property(values):
    """Any breakdown: no 1–4 is published and no hidden cell can be worked out."""
    labels = [f"g{i}" for i in range(len(values))]
    result = suppress_one_way(dict(zip(labels, values, strict=True)))
    shown = {k: v.shown for k, v in result.items()}
    assert not any(isinstance(v, int) and 0 < v < 5 for v in shown.values())
    assert solve_hidden(shown, one_way_groups(labels)) == {}


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda r: st.integers(min_value=1, max_value=4).flatmap(
            lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    )
)
def test_two_way_property(grid):
    """Any two-way table with margins: no 1–4 published, nothing recoverable, staff see all."""
    rows = [f"r{i}" for i in range(len(grid))]
    cols = [f"c{j}" for j in range(len(grid[0]))]
    table = {r: dict(zip(cols, line, strict=True)) for r, line in zip(rows, grid, strict=True)}
    public = suppress_two_way(table)
    shown = two_way_flat(public)
    assert not any(isinstance(v, int) and 0 < v < 5 for v in shown.values())
    assert solve_hidden(shown, two_way_groups(rows, cols)) == {}
    staff = two_way_flat(suppress_two_way(table, public=False))
    for r, c in shown:
        if r in table and c in table[r]:
            assert staff[(r, c)] == table[r][c]
