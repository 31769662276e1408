"""Disclosure control under attack: an independent brute-force attacker (``attacker.py``) tries
to narrow every hidden count of everything published together, over many random and realistic
tables: one-way, two-way, nested, several years side by side, complements, and disproportionality
analyses with every reference choice. Zero recoveries.

The four cases of issue 14 are here verbatim, each with the published pattern that leaked
before (which the attacker recovers) and what is published now (which it cannot).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyplan.analytics import disproportionality as dp
from cyplan.analytics.disclosure import suppress_one_way, suppress_table, suppress_two_way

from .attacker import Attacker, Published, recoveries, shown, sums_one_way, sums_two_way

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def no_small_shown(cells, threshold=5):
    return not any(isinstance(v, int) and 0 < v < threshold for v in cells.values())


# --- Issue 14, case 1: two small cells in one breakdown -----------------------------------


def test_case_1_two_small_cells_in_one_breakdown():
    """Mixed 1, Other 1, White 50 was published c, c, 50, total 52: the hidden cells sum to 2
    and each is at least 1, so both are 1. Now White is hidden too: c + c + c = 52."""
    labels = ["Mixed", "Other", "White"]
    before = Published({"Mixed": "c", "Other": "c", "White": 50, "Total": 52}, sums_one_way(labels))
    assert recoveries(before, {}) == {"Mixed": (1, 1), "Other": (1, 1)}

    now = shown(suppress_one_way({"Mixed": 1, "Other": 1, "White": 50}))
    assert now == {"Mixed": "c", "Other": "c", "White": "c", "Total": 52}
    assert recoveries(Published(now, sums_one_way(labels)), {}) == {}


# --- Issue 14, case 2: two-way tables, whole numbers at least 1 ------------------------------


def test_case_2_two_way_table_in_whole_numbers():
    """r0 (1, 24, 19), r1 (30, 1, 3), r2 (5, 1, 4): row r1 showed 30, c, c, 34 and column c1
    24 and total 26, so r1c1 + r2c1 = 2, both 1, and then r1c2 = 3."""
    table = {
        "r0": {"c0": 1, "c1": 24, "c2": 19},
        "r1": {"c0": 30, "c1": 1, "c2": 3},
        "r2": {"c0": 5, "c1": 1, "c2": 4},
    }
    rows, cols = list(table), ["c0", "c1", "c2"]
    sums = sums_two_way(rows, cols)
    before = {
        ("r0", "c0"): "c", ("r0", "c1"): 24, ("r0", "c2"): "c", ("r0", "Total"): 44,
        ("r1", "c0"): 30, ("r1", "c1"): "c", ("r1", "c2"): "c", ("r1", "Total"): 34,
        ("r2", "c0"): "c", ("r2", "c1"): "c", ("r2", "c2"): "c", ("r2", "Total"): 10,
        ("Total", "c0"): 36, ("Total", "c1"): 26, ("Total", "c2"): 26, ("Total", "Total"): 88,
    }  # fmt: skip
    leaked = recoveries(Published(before, sums), {})
    assert leaked[("r1", "c1")] == (1, 1) and leaked[("r2", "c1")] == (1, 1)
    assert leaked[("r1", "c2")] == (3, 3)

    out = suppress_two_way(table)
    now = {(r, c): cell.shown for r, row in out.items() for c, cell in row.items()}
    assert no_small_shown(now)
    assert recoveries(Published(now, sums), {}) == {}


# --- Issue 14, case 3: the reference chosen in the URL re-merged the cohort -------------------

CASE_3_COHORT = {"WBRI": 200, "BCRB": 3, "BAFR": 20, "BOTH": 10, "AIND": 12, "APKN": 9}
CASE_3_POPULATION = {
    "WBRI": 40000, "BCRB": 1500, "BAFR": 2500, "BOTH": 1200, "AIND": 3000, "APKN": 2000,
}  # fmt: skip


def references(analysis: dp.Analysis) -> list[str]:
    """Every reference a reader can ask for: all other children and every row with a population."""
    return [dp.ALL_OTHER] + [r.key for r in analysis.groups if r.population is not None]


def published_analysis(analysis: dp.Analysis) -> Published:
    """What one analysis shows a reader, keyed so that the same children are the same cell
    whatever the layout: a row is keyed by the groups in it (the page lists them)."""
    pub = Published({}, [])

    def key(side, row):
        return (side, row.members)

    rows = list(analysis.groups)
    for row in rows:
        pub.cells[key("n", row)] = "c" if row.count_suppressed else row.count
        if row.population is not None:
            pub.cells[key("p", row)] = "c" if row.population_suppressed else row.population
            if row.count <= row.population:
                pub.at_most.append((key("n", row), key("p", row)))
        if len(row.members) > 1:
            for side in ("n", "p"):
                if side == "p" and row.population is None:
                    continue
                parts = tuple((side, (g,)) for g in row.members)
                pub.parts |= set(parts)
                pub.sums.append((key(side, row), parts))
            pub.at_most += [(("n", (g,)), ("p", (g,))) for g in row.members]
    total = analysis.total
    pub.cells[("n", "total")] = "c" if total.count_suppressed else total.count
    pub.cells[("p", "total")] = "c" if total.population_suppressed else total.population
    pub.sums.append((("n", "total"), tuple(key("n", r) for r in rows)))
    with_pop = [r for r in rows if r.population is not None]
    pub.sums.append((("p", "total"), tuple(key("p", r) for r in with_pop)))
    # Ratios shown against "all other children" give away the count of children with a
    # population figure (b = that count − a): the attacker takes it exactly.
    if analysis.reference == dp.ALL_OTHER and any(
        r.rri is not None and not r.suppressed and not r.is_reference for r in with_pop
    ):
        pub.cells[("n", "known")] = analysis.known_count
        pub.sums.append((("n", "known"), tuple(key("n", r) for r in with_pop)))
    return pub


def derived_figures_are_built_on_shown_counts(analysis: dp.Analysis) -> None:
    """Every rate, share and ratio a reader sees is built only on counts the reader sees."""
    total = analysis.total
    ref = analysis.reference_row
    for row in analysis.groups:
        if row.population is None or row.is_reference:
            continue
        if not row.suppressed:
            assert not row.count_suppressed and not row.population_suppressed
            if analysis.reference == dp.ALL_OTHER:
                assert not analysis.known_count_suppressed and not total.population_suppressed
            else:
                assert not ref.count_suppressed and not ref.population_suppressed
        if not row.share_suppressed:
            assert not row.count_suppressed and not total.count_suppressed
        if not row.population_share_suppressed:
            assert not row.population_suppressed and not total.population_suppressed


def attack_every_reference(cohort, population, threshold=5, **options):
    """Publish the analysis for every reference together; return what the attacker recovers."""
    first = dp.analyse(cohort, population, threshold=threshold, **options)
    union = Published({}, [])
    layouts = set()
    for reference in references(first):
        analysis = dp.analyse(
            cohort, population, reference=reference, threshold=threshold, **options
        )
        derived_figures_are_built_on_shown_counts(analysis)
        layouts.add(
            tuple((r.members, r.count_suppressed, r.population_suppressed) for r in analysis.groups)
        )
        union.add(published_analysis(analysis))
    assert len(layouts) == 1, "rows or suppression changed with the reference"
    truth = {("n", (g,)): v for g, v in cohort.items()} | {
        ("p", (g,)): v for g, v in population.items()
    }
    # Every count is below the cap (children of unknown ethnicity have no population).
    cap = sum(population.values()) + sum(cohort.values()) + 10
    return recoveries(union, truth, threshold, cap=cap)


def test_case_3_every_reference_shows_the_same_rows():
    """WBRI 200, BCRB 3, BAFR 20, BOTH 10: with one reference "Black (other than Black
    African)" 13 was shown, with another "Any other Black background" 10, so BCRB = 3."""
    before = Published(
        {
            ("n", ("BCRB", "BOTH")): 13,  # reference Black African
            ("n", ("BOTH",)): 10,  # reference Black Caribbean: BOTH on its own
        },
        [(("n", ("BCRB", "BOTH")), (("n", ("BCRB",)), ("n", ("BOTH",))))],
        parts={("n", ("BCRB",))},
    )
    assert recoveries(before, {("n", ("BCRB",)): 3}) == {("n", ("BCRB",)): (3, 3)}

    assert attack_every_reference(CASE_3_COHORT, CASE_3_POPULATION) == {}
    # BCRB 3 is small, so Black is one row (33) for every reference; Asian groups (12, 9) are not.
    against_black = dp.analyse(CASE_3_COHORT, CASE_3_POPULATION, reference="Black")
    assert [r.key for r in against_black.groups] == ["WBRI", "AIND", "APKN", "Black"]
    assert against_black.group("Black").count == 33
    with pytest.raises(ValueError, match="within 'Black'"):
        dp.analyse(CASE_3_COHORT, CASE_3_POPULATION, reference="BAFR")


def test_a_merged_row_can_be_the_reference():
    """White Irish 2 is small, so White Irish and Any other White background are one row,
    "White (other than White British)", which can itself be the reference."""
    cohort = {"WBRI": 100, "WIRI": 2, "WOTH": 30}
    population = {"WBRI": 20000, "WIRI": 500, "WOTH": 3000}
    result = dp.analyse(cohort, population, reference="White-other")
    assert [r.key for r in result.groups] == ["WBRI", "White-other"]
    # White British 100/20000 = 50 per 10,000 against 32/3500 = 91.43: RRI 0.547.
    assert result.group("WBRI").rri == pytest.approx((100 / 20000) / (32 / 3500))
    assert result.reference_label == "children of White (other than White British)"


# --- Issue 14, case 4: complements ------------------------------------------------------------


def test_case_4_complement_of_a_numerator():
    """98 of 100 published gives away the 2 who are not counted: the numerator is hidden."""
    cells = {"numerator": 98, "denominator": 100, "not counted": 2}
    sums = [("denominator", ("numerator", "not counted"))]
    before = Published({"numerator": 98, "denominator": 100}, sums, parts={"not counted"})
    assert recoveries(before, {"not counted": 2}) == {"not counted": (2, 2)}

    now = shown(suppress_table(cells, sums, unpublished=["not counted"]))
    assert now == {"numerator": "c", "denominator": 100}
    assert recoveries(Published(now, sums, parts={"not counted"}), {"not counted": 2}) == {}


# --- Random and realistic tables --------------------------------------------------------------

small_or_not = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(5, 60))
thresholds = st.sampled_from([3, 5, 5, 6])


@SETTINGS
@given(st.lists(small_or_not, min_size=1, max_size=8), thresholds)
def test_one_way_tables_resist_the_attacker(values, threshold):
    labels = [f"g{i}" for i in range(len(values))]
    now = shown(suppress_one_way(dict(zip(labels, values, strict=True)), threshold))
    assert no_small_shown(now, threshold)
    assert recoveries(Published(now, sums_one_way(labels)), {}, threshold) == {}


@SETTINGS
@given(
    st.integers(2, 4).flatmap(
        lambda r: st.integers(2, 4).flatmap(
            lambda c: st.lists(
                st.lists(st.one_of(st.integers(0, 5), st.integers(0, 25)), min_size=c, max_size=c),
                min_size=r,
                max_size=r,
            )
        )
    )
)
def test_two_way_tables_resist_the_attacker(grid):
    rows = [f"r{i}" for i in range(len(grid))]
    cols = [f"c{j}" for j in range(len(grid[0]))]
    table = {r: dict(zip(cols, line, strict=True)) for r, line in zip(rows, grid, strict=True)}
    out = suppress_two_way(table)
    now = {(r, c): cell.shown for r, row in out.items() for c, cell in row.items()}
    assert no_small_shown(now)
    assert recoveries(Published(now, sums_two_way(rows, cols)), {}) == {}


@SETTINGS
@given(st.lists(st.lists(small_or_not, min_size=1, max_size=3), min_size=1, max_size=4))
def test_nested_tables_resist_the_attacker(mains):
    """Codes within main groups, each main group's subtotal and the grand total."""
    cells, sums = {}, []
    for m, codes in enumerate(mains):
        keys = [f"m{m}c{i}" for i in range(len(codes))]
        cells.update(zip(keys, codes, strict=True))
        cells[f"m{m}"] = sum(codes)
        sums.append((f"m{m}", tuple(keys)))
    cells["all"] = sum(cells[f"m{m}"] for m in range(len(mains)))
    sums.append(("all", tuple(f"m{m}" for m in range(len(mains)))))
    now = shown(suppress_table(cells, sums))
    assert no_small_shown(now)
    assert recoveries(Published(now, sums), {}) == {}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 3).flatmap(
        lambda groups: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(5, 30)), min_size=groups, max_size=groups
            ),
            min_size=2,
            max_size=3,
        )
    )
)
def test_years_side_by_side_resist_the_attacker(years):
    """Each year's breakdown with its total, and each group's total over the years shown."""
    names = [f"y{i}" for i in range(len(years))]
    groups = [f"g{j}" for j in range(len(years[0]))]
    cells, sums = {}, []
    for y, line in zip(names, years, strict=True):
        cells.update({(y, g): v for g, v in zip(groups, line, strict=True)})
        cells[(y, "all")] = sum(line)
        sums.append(((y, "all"), tuple((y, g) for g in groups)))
    for g in groups:
        cells[("all years", g)] = sum(cells[(y, g)] for y in names)
        sums.append((("all years", g), tuple((y, g) for y in names)))
    now = shown(suppress_table(cells, sums))
    assert no_small_shown(now)
    assert recoveries(Published(now, sums), {}) == {}


@SETTINGS
@given(st.integers(0, 6), st.integers(1, 40))
def test_complements_resist_the_attacker(rest, numerator):
    """A numerator and its denominator: the ones not counted are protected like any count."""
    cells = {"n": numerator, "d": numerator + rest, "rest": rest}
    sums = [("d", ("n", "rest"))]
    now = shown(suppress_table(cells, sums, unpublished=["rest"]))
    assert recoveries(Published(now, sums, parts={"rest"}), {"rest": rest}) == {}


CODES = ["WBRI", "WOTH", "WIRI", "MWBC", "MOTH", "AIND", "APKN", "BCRB", "BAFR", "BOTH", "OOTH"]


@st.composite
def cohorts(draw):
    """A realistic cohort: White British always, some other codes with small and larger counts,
    sometimes unknown ethnicity, populations at least the cohort, sometimes small."""
    codes = ["WBRI"] + draw(
        st.lists(st.sampled_from(CODES[1:]), min_size=1, max_size=5, unique=True)
    )
    cohort, population = {}, {}
    for code in codes:
        count = draw(st.integers(20, 120)) if code == "WBRI" else draw(small_or_not)
        cohort[code] = count
        population[code] = count + draw(st.one_of(st.integers(0, 6), st.integers(30, 400)))
    if draw(st.booleans()):
        cohort["NOBT"] = draw(small_or_not)
    return cohort, population


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from([dp.MERGE_AUTO, dp.MERGE_NONE]))
def test_disproportionality_every_reference_resists_the_attacker(data, merge):
    cohort, population = data
    assert attack_every_reference(cohort, population, merge=merge) == {}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cohorts(), min_size=2, max_size=3))
def test_disproportionality_over_years_keeps_one_layout(years_data):
    """Years side by side: the same rows every year whatever the reference; each year resists."""
    years = {str(2020 + i): d for i, d in enumerate(years_data)}
    default = dp.analyse_years(years)
    choices = [dp.ALL_OTHER] + [
        r.key
        for r in default[0].groups
        if all(any(x.key == r.key and x.population is not None for x in a.groups) for a in default)
    ]
    for reference in choices:
        every = dp.analyse_years(years, reference=reference)
        for a, b in zip(every, default, strict=True):
            assert [(r.members, r.count_suppressed) for r in a.groups] == [
                (r.members, r.count_suppressed) for r in b.groups
            ]
    for position, analysis in enumerate(default):
        cohort, population = years[analysis.year]
        union = Published({}, [])
        for reference in choices:
            union.add(published_analysis(dp.analyse_years(years, reference=reference)[position]))
        truth = {("n", (g,)): v for g, v in cohort.items()}
        cap = sum(population.values()) + sum(cohort.values()) + 10
        assert recoveries(union, truth, cap=cap) == {}


def test_the_attacker_finds_what_the_old_real_number_check_missed():
    """The attacker itself works: T1 = p + q, T2 = p + q + r with p, q, r hidden gives r."""
    pub = Published(
        {"p": "c", "q": "c", "r": "c", "T1": 20, "T2": 23},
        [("T1", ("p", "q")), ("T2", ("p", "q", "r"))],
    )
    assert Attacker(pub).ranges()["r"] == (3, 3)


def renamed(pub: Published, sides: dict[str, str]) -> Published:
    """The same publication with its cells' sides renamed (("p", g) -> ("n", g), ...)."""

    def key(k):
        return (sides.get(k[0], k[0]), *k[1:]) if isinstance(k, tuple) else k

    return Published(
        {key(k): v for k, v in pub.cells.items()},
        [(key(t), tuple(key(m) for m in ms)) for t, ms in pub.sums],
        {key(k) for k in pub.parts},
        [(key(a), key(b)) for a, b in pub.at_most],
    )


BASE_COHORT = {"WBRI": 20, "MWBC": 30, "MWBA": 8, "OOTH": 3}
BASE_POPULATION = {"WBRI": 4000, "MWBC": 900, "MWBA": 700, "OOTH": 600}
WITHIN_BASE = {"WBRI": 10, "MWBC": 6, "MWBA": 1, "OOTH": 2}


def test_a_cohort_within_another_is_audited_with_it():
    """Children in care counted within children in need: the second cohort's populations are
    the first cohort's counts, shown on the first cohort's page too. The base page shows
    White British 20, White and Black Caribbean 30, White and Black African c, Other c, total 61.
    Audited alone, the second page showed White British c, Mixed 38, Other c: so White and Black
    African = 38 − 30 = 8 and Other = 61 − 20 − 30 − 8 = 3. Audited with the base page, nothing
    can be worked out from the two side by side."""
    base = dp.analyse(BASE_COHORT, BASE_POPULATION)
    base_pub = published_analysis(base)  # its counts are ("n", groups)
    truth = {("n", (g,)): v for g, v in BASE_COHORT.items()}

    def side_by_side(analysis):
        union = Published({}, [])
        union.add(base_pub)
        union.add(renamed(published_analysis(analysis), {"n": "m", "p": "n"}))
        return recoveries(union, truth, cap=200)

    alone = dp.analyse(WITHIN_BASE, BASE_COHORT)
    assert side_by_side(alone)[("n", ("OOTH",))] == (3, 3)
    linked = dp.analyse(
        WITHIN_BASE, BASE_COHORT, population_shown_elsewhere=dp.published_counts(base)
    )
    assert side_by_side(linked) == {}
    # White British 20 is shown on the base page, so hiding it here protected nothing.
    assert not linked.group("WBRI").population_suppressed


def test_unknown_ethnicity_cannot_be_worked_out_from_the_two_totals():
    """Found by a longer random run: with every group shown apart, the total (149) and the
    total of children with a population figure (143, what "all other children" uses) would give
    the 6 of unknown ethnicity exactly. A proof found while trying one complement was reused
    after another was chosen; now a proof counts only where every cell it changes is hidden."""
    cohort = {"WBRI": 44, "BCRB": 45, "OOTH": 46, "AIND": 0, "BAFR": 2, "WOTH": 6, "NOBT": 6}
    population = {"WBRI": 388, "BCRB": 295, "OOTH": 50, "AIND": 1, "BAFR": 2, "WOTH": 8}
    assert attack_every_reference(cohort, population, merge=dp.MERGE_NONE) == {}
