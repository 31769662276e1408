"""Disproportionality: rates by group, relative rate index (RRI) with Katz intervals, small cells.

Inputs are counts by group for a cohort (children in care, first-time entrants, ...) and for
its denominator (the population of the same ages and date, or another cohort). For each group:

* rate per 10,000: ``a / n_g × 10,000``;
* share of the cohort and share of the population (%);
* RRI against a reference group (White British by default for ethnicity) or against "all
  other children": ``RRI = (a / n_g) / (b / n_ref)``; "all other children" are the other
  children of groups with a population figure (children whose ethnicity is not known have no
  population, so they are left out of both b and n_ref);
* the 95% interval on the log scale (Katz): ``ln(RRI) ± z·√(1/a − 1/n_g + 1/b − 1/n_ref)``,
  z = 1.959964, significant over- or under-representation when it excludes 1.

Small cells: ethnic groups with a count from 1 to threshold − 1 are first merged into their
main group (White, Mixed, Asian, Black, Other, Unknown; White British, the usual reference,
stays on its own whatever reference is asked for), saying so. The merges and the suppression
depend only on the counts, never on the reference chosen, so every reference shows the same
rows with the same cells hidden. Counts still small are suppressed by one disclosure audit of
everything the cohort's page shows together (counts, populations, totals, the total that
"all other children" uses, and the groups inside each merged row), and every figure built on a
suppressed count is suppressed too. Cases that cannot
be calculated (no children in the reference group, no population figure, more children in the
cohort than in the population) say so in words; nothing is ever infinite.

Example:
    >>> result = analyse({"WBRI": 200, "BCRB": 50}, {"WBRI": 40000, "BCRB": 2000})
    >>> black = result.group("BCRB")
    >>> round(black.rri, 2), round(black.lower, 2), round(black.upper, 2), black.significance
    (5.0, 3.68, 6.79, 'over-represented')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cyplan.analytics import ethnicity as eth
from cyplan.analytics.disclosure import DEFAULT_THRESHOLD, TableGroup, is_small, suppress_table
from cyplan.analytics.stats import Z_95

# The one 95% normal quantile used everywhere: norm.ppf(0.975) = 1.959964.
Z = Z_95
PER = 10_000
ALL_OTHER = "all-other"
ALL_OTHER_LABEL = "all other children"
TOTAL = "All children"

OVER = "over-represented"
UNDER = "under-represented"
NOT_SIGNIFICANT = "not significantly different"
CANNOT = "cannot be calculated"
REFERENCE = "reference group"
NOT_APPLICABLE = "not applicable"
SUPPRESSED = "suppressed"

MERGE_AUTO, MERGE_MAIN, MERGE_NONE = "auto", "main", "none"


@dataclass(frozen=True)
class RateRatio:
    """An RRI with its Katz interval; ``reason`` says why when it cannot be calculated."""

    rri: float | None
    lower: float | None
    upper: float | None
    significance: str
    reason: str = ""


def relative_rate_index(a: int, n_g: int, b: int, n_ref: int, z: float = Z) -> RateRatio:
    """The RRI of a group (a children of n_g) against a reference (b of n_ref), Katz interval.

    Example:
        >>> r = relative_rate_index(50, 2000, 200, 40000)
        >>> round(r.rri, 3), round(r.lower, 3), round(r.upper, 3)
        (5.0, 3.68, 6.794)
        >>> relative_rate_index(5, 100, 0, 900).reason
        'no children in the reference group are in the cohort, so a ratio to it cannot be calculated'
    """
    for name, value in (("a", a), ("n_g", n_g), ("b", b), ("n_ref", n_ref)):
        if value is None or value < 0:
            raise ValueError(f"{name} must be a count of 0 or more, not {value!r}")
    if n_g == 0 or n_ref == 0:
        return RateRatio(None, None, None, CANNOT, "a population of 0 gives no rate")
    if a > n_g or b > n_ref:
        return RateRatio(
            None, None, None, CANNOT, "more children in the cohort than in the population"
        )
    if b == 0:
        return RateRatio(
            None,
            None,
            None,
            CANNOT,
            "no children in the reference group are in the cohort, so a ratio to it "
            "cannot be calculated",
        )
    rri = (a / n_g) / (b / n_ref)
    if a == 0:
        return RateRatio(
            0.0,
            None,
            None,
            CANNOT,
            "no children in this group are in the cohort, so the interval cannot be calculated",
        )
    se = math.sqrt(max(0.0, 1 / a - 1 / n_g + 1 / b - 1 / n_ref))
    lower, upper = math.exp(math.log(rri) - z * se), math.exp(math.log(rri) + z * se)
    word = OVER if lower > 1 else UNDER if upper < 1 else NOT_SIGNIFICANT
    return RateRatio(rri, lower, upper, word)


@dataclass(frozen=True)
class GroupResult:
    """One row: a group (or a merge of groups) with its figures before disclosure control.

    ``count_suppressed`` / ``population_suppressed`` say the public sees ``c`` for the count;
    ``suppressed`` that the rate, shares, RRI and interval are hidden as well (built on a
    suppressed count). Staff may see the real values, marked.
    """

    key: str
    label: str
    members: tuple[str, ...]
    count: int
    population: int | None
    rate: float | None
    cohort_share: float | None
    population_share: float | None
    rri: float | None
    lower: float | None
    upper: float | None
    significance: str
    reason: str = ""
    is_reference: bool = False
    merged: bool = False
    count_suppressed: bool = False
    population_suppressed: bool = False
    suppressed: bool = False
    suppression_reason: str = ""
    share_suppressed: bool = False
    population_share_suppressed: bool = False

    @property
    def children(self) -> str:
        """How the group's children are named in a sentence."""
        if self.merged and self.key not in eth.MAIN_GROUPS:
            return f"children of {self.label}"
        return eth.children_phrase(self.key) if self.members else f"{self.label} children"


@dataclass(frozen=True)
class Merge:
    """Groups shown as one row because their counts were too small to show alone."""

    key: str
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    """The analysis of one cohort, characteristic, area and year."""

    characteristic: str
    reference: str
    reference_label: str
    threshold: int
    groups: tuple[GroupResult, ...]
    total: GroupResult
    merges: tuple[Merge, ...] = ()
    notes: tuple[str, ...] = field(default=())
    year: str = ""
    known_count: int = 0
    known_count_suppressed: bool = False

    def group(self, key: str) -> GroupResult:
        for row in self.groups:
            if row.key == key:
                return row
        raise KeyError(key)

    @property
    def reference_row(self) -> GroupResult | None:
        return next((row for row in self.groups if row.is_reference), None)


def _check_counts(name: str, counts: Mapping[str, int]) -> None:
    for group, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} count for {group!r} must be a whole number of 0 or more")


def _check_groups(characteristic: str, groups: Iterable[str]) -> None:
    if characteristic != eth.ETHNICITY:
        return
    groups = set(groups)
    for group in groups:
        eth.main_group(group)  # raises for an unknown group
    for main in eth.MAIN_GROUPS:
        codes = sorted(g for g in groups if g in eth.CODES and eth.CODES[g][1] == main)
        if main in groups and codes:
            raise ValueError(
                f"the main group {main!r} and its own codes ({', '.join(codes)}) are both given: "
                "each child would be counted twice"
            )


def align_groups(
    characteristic: str, cohort: Mapping[str, int], population: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Add codes up to their main group where either side gives only the main group.

    A cohort counted by main group ("Black") against a population by code (BCRB, BAFR, BOTH),
    or the other way round, is compared main group to main group. Returns the two sides and
    a note for each main group added up.
    """
    cohort, population = dict(cohort), dict(population)
    if characteristic != eth.ETHNICITY:
        return cohort, population, []
    notes = []
    for main in eth.MAIN_GROUPS:
        if main not in cohort and main not in population:
            continue
        for side in (cohort, population):
            codes = [g for g in side if g in eth.CODES and eth.CODES[g][1] == main]
            if codes:
                side[main] = side.get(main, 0) + sum(side.pop(g) for g in codes)
                notes.append(
                    f"{main}: one side gives only the main group, so "
                    f"{', '.join(eth.label(g) for g in codes)} are added up to match it."
                )
    return cohort, population, notes


def default_reference(characteristic: str, population: Mapping[str, int]) -> str:
    """White British where ethnicity is the characteristic and it has a population; else all others."""
    if characteristic == eth.ETHNICITY and population.get("WBRI"):
        return "WBRI"
    return ALL_OTHER


def kept_apart(characteristic: str, populations: Iterable[Mapping[str, int]]) -> str | None:
    """The group never merged into its main group: White British, the usual reference, when
    every year has a population for it. It depends only on the data, never on the reference
    asked for, so every reference choice shows the same rows."""
    populations = list(populations)
    if characteristic == eth.ETHNICITY and populations and all(p.get("WBRI") for p in populations):
        return "WBRI"
    return None


def merges_needed(
    cohort: Mapping[str, int],
    population: Mapping[str, int],
    *,
    characteristic: str = eth.ETHNICITY,
    keep: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    merge: str = MERGE_AUTO,
) -> set[str]:
    """The main groups whose groups must be merged: one of them has a small count (or all, for "main").

    ``keep`` is the group that stays on its own (see :func:`kept_apart`).
    """
    if characteristic != eth.ETHNICITY or merge == MERGE_NONE:
        return set()
    if merge not in (MERGE_AUTO, MERGE_MAIN):
        raise ValueError(f"merge must be auto, main or none, not {merge!r}")
    groups = set(cohort) | set(population)
    needed = set()
    for main in eth.MAIN_GROUPS:
        members = [g for g in groups if g in eth.CODES and eth.CODES[g][1] == main and g != keep]
        if len(members) < 2:
            continue
        small = any(
            is_small(cohort.get(g, 0), threshold) or is_small(population.get(g), threshold)
            for g in members
        )
        if merge == MERGE_MAIN or small:
            needed.add(main)
    return needed


def _rows(
    cohort: Mapping[str, int],
    population: Mapping[str, int],
    merged_mains: set[str],
    keep: str | None,
) -> tuple[list[tuple[str, str, tuple[str, ...], bool]], list[Merge]]:
    """(key, label, member groups, merged?) in display order, and the merges made."""
    groups = sorted(set(cohort) | set(population), key=eth.group_order)
    rows: list[tuple[str, str, tuple[str, ...], bool]] = []
    merges: list[Merge] = []
    done: set[str] = set()
    for group in groups:
        if group in done:
            continue
        main = eth.CODES[group][1] if group in eth.CODES else None
        if main in merged_mains and group != keep:
            members = tuple(
                g for g in groups if g in eth.CODES and eth.CODES[g][1] == main and g != keep
            )
            if keep in eth.CODES and eth.CODES[keep][1] == main:
                key = f"{main}-other"
                name = f"{main} (other than {eth.label(keep)})"
            else:
                key, name = main, main
            rows.append((key, name, members, True))
            merges.append(Merge(key, name, members))
            done.update(members)
        else:
            rows.append((group, eth.label(group), (group,), False))
            done.add(group)
    return rows, merges


# Keys of the cells every analysis publishes besides its rows.
_TOTAL, _KNOWN, _POP_TOTAL = "\0total", "\0known total", "\0population total"


def _audit(
    layout: list[tuple[str, str, tuple[str, ...], bool]],
    cohort: Mapping[str, int],
    population: Mapping[str, int],
    threshold: int,
    shown_elsewhere: Iterable[tuple[tuple[str, ...], bool]] = (),
) -> tuple[dict, dict]:
    """One disclosure audit of every count the analysis publishes, whatever the reference.

    Published: each row's count and population, the cohort total, the population total, and
    the cohort total of the groups with a population (what "all other children" is built on).
    Not published but protected when small: each group inside a merged row. Readers also know
    that a group's count is at most its population. ``shown_elsewhere`` are sums of population
    groups another page publishes (the base cohort's own rows, when the denominator is another
    cohort), each with True when that page shows it as ``c``: they are audited with the rest and
    never changed. Returns the results for counts and for populations, by row key (and the
    three totals).
    """
    cells: dict[tuple[str, str], int | None] = {}
    groups: list[TableGroup] = []
    unpublished: list[tuple[str, str]] = []
    at_most: list[tuple[tuple[str, str], tuple[str, str]]] = []
    with_pop = [key for key, _, members, _ in layout if any(g in population for g in members)]
    for key, _, members, merged in layout:
        cells[("n", key)] = sum(cohort.get(g, 0) for g in members)
        if key in with_pop:
            cells[("p", key)] = sum(population[g] for g in members if g in population)
            if cells[("n", key)] <= cells[("p", key)]:
                at_most.append((("n", key), ("p", key)))
        if merged:
            for g in members:
                cells[("n", key, g)] = cohort.get(g, 0)
                unpublished.append(("n", key, g))
                if g in population:
                    cells[("p", key, g)] = population[g]
                    unpublished.append(("p", key, g))
                    if cohort.get(g, 0) <= population[g]:
                        at_most.append((("n", key, g), ("p", key, g)))
            groups.append(TableGroup(("n", key), tuple(("n", key, g) for g in members)))
            in_pop = tuple(("p", key, g) for g in members if g in population)
            if in_pop:
                groups.append(TableGroup(("p", key), in_pop))
    cells[("n", _TOTAL)] = sum(cells[("n", k)] for k, _, _, _ in layout)
    cells[("n", _KNOWN)] = sum(cells[("n", k)] for k in with_pop)
    cells[("p", _POP_TOTAL)] = sum(cells[("p", k)] for k in with_pop)
    groups += [
        TableGroup(("n", _TOTAL), tuple(("n", k) for k, _, _, _ in layout)),
        TableGroup(("n", _KNOWN), tuple(("n", k) for k in with_pop)),
        TableGroup(("p", _POP_TOTAL), tuple(("p", k) for k in with_pop)),
    ]
    atom: dict[str, tuple] = {}
    for key, _, members, merged in layout:
        for g in members:
            if g in population:
                atom[g] = ("p", key, g) if merged else ("p", key)
    elsewhere: dict[tuple, bool] = {}
    for i, (members, hidden) in enumerate(shown_elsewhere):
        parts = tuple(atom[g] for g in members if g in atom)
        if parts:
            cells[("q", i)] = sum(population[g] for g in members if g in population)
            groups.append(TableGroup(("q", i), parts))
            elsewhere[("q", i)] = hidden
    result = suppress_table(
        cells,
        groups,
        threshold,
        public=True,
        unpublished=unpublished,
        at_most=at_most,
        elsewhere=elsewhere,
    )
    counts = {key[1]: r for key, r in result.items() if key[0] == "n"}
    pops = {key[1]: r for key, r in result.items() if key[0] == "p"}
    return counts, pops


def analyse(
    cohort: Mapping[str, int],
    population: Mapping[str, int],
    *,
    characteristic: str = eth.ETHNICITY,
    reference: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    merge: str = MERGE_AUTO,
    force_merge: Iterable[str] = (),
    keep: str | None = None,
    population_shown_elsewhere: Iterable[tuple[tuple[str, ...], bool]] = (),
    year: str = "",
    z: float = Z,
) -> Analysis:
    """Rates, shares and RRIs with Katz intervals for every group of one cohort.

    Args:
        cohort: children in the cohort by group (ethnicity codes, main groups, or any labels).
        population: the denominator by group; a group missing here (e.g. "Unknown") has no rate.
        reference: the row to compare with (a group, or a merged row such as ``Black``), or
            ``ALL_OTHER`` for all other children; by default White British for ethnicity,
            else all other children. The reference changes only the ratios: which rows are
            shown and which cells are suppressed never depend on it.
        threshold: counts from 1 to threshold − 1 are small (the disclosure setting).
        merge: ``auto`` merges the groups of a main group when one of them is small; ``main``
            always shows main groups; ``none`` never merges (small cells are only suppressed).
        force_merge: main groups to merge whatever the counts (so years line up over time).
        keep: the group kept out of merges (by default :func:`kept_apart` of this year;
            "" for none).
        population_shown_elsewhere: sums of population groups another page publishes, each
            (groups, shown as c?): when the denominator is another cohort, that cohort's rows,
            total and known total (see :func:`published_counts`). They are audited together
            with this analysis, so the two pages side by side give nothing away.

    Raises:
        ValueError: a negative or non-whole count, an unknown ethnicity group, a main group given
            with its own codes, or a reference group with no population figure or merged
            into a larger row.
    """
    _check_counts("cohort", cohort)
    _check_counts("population", population)
    _check_groups(characteristic, cohort)
    _check_groups(characteristic, population)
    cohort, population, aligned = align_groups(characteristic, cohort, population)
    if keep is None:
        keep = kept_apart(characteristic, [population])
    if reference is None:
        reference = default_reference(characteristic, population)
    mains = merges_needed(
        cohort,
        population,
        characteristic=characteristic,
        keep=keep,
        threshold=threshold,
        merge=merge,
    ) | set(force_merge)
    layout, merges = _rows(cohort, population, mains, keep)
    if reference != ALL_OTHER:
        row_of = {m: key for key, _, members, _ in layout for m in members}
        if reference not in {key for key, *_ in layout}:
            if reference in row_of:
                raise ValueError(
                    f"the reference group {reference!r} is shown within {row_of[reference]!r}: "
                    "choose that row or another group"
                )
            raise ValueError(f"the reference group {reference!r} has no population figure")

    counts = {key: sum(cohort.get(g, 0) for g in members) for key, _, members, _ in layout}
    pops: dict[str, int | None] = {}
    for key, _, members, _ in layout:
        known = [population[g] for g in members if g in population]
        pops[key] = sum(known) if known else None
    if reference != ALL_OTHER and pops.get(reference) is None:
        raise ValueError(f"the reference group {reference!r} has no population figure")
    total_count = sum(counts.values())
    known_count = sum(counts[k] for k, p in pops.items() if p is not None)
    total_pop = sum(p for p in pops.values() if p is not None)
    disclosed, pop_disclosed = _audit(
        layout, cohort, population, threshold, population_shown_elsewhere
    )

    ref_key = reference
    if reference == ALL_OTHER:
        # "All other children" are built on the known total and the population total.
        ref_hidden = disclosed[_KNOWN].suppressed or pop_disclosed[_POP_TOTAL].suppressed
    else:
        ref_hidden = disclosed[reference].suppressed or pop_disclosed[reference].suppressed
    total_hidden = disclosed[_TOTAL].suppressed
    pop_total_hidden = pop_disclosed[_POP_TOTAL].suppressed
    rows = []
    for key, name, members, merged in layout:
        a, n_g = counts[key], pops[key]
        is_ref = key == reference
        rate = a / n_g * PER if n_g else None
        pop_share = n_g / total_pop * 100 if n_g is not None and total_pop else None
        share = a / total_count * 100 if total_count else None
        pop_small = key in pop_disclosed and pop_disclosed[key].suppressed
        hidden = disclosed[key].suppressed or pop_small
        why = disclosed[key].reason or (
            ("small population" if is_small(n_g, threshold) else "population suppressed with a small one")
            if pop_small else ""
        )  # fmt: skip
        if n_g is None:
            ratio = RateRatio(
                None, None, None, NOT_APPLICABLE, "no population figure for this group"
            )
        elif is_ref:
            ratio = RateRatio(1.0, None, None, REFERENCE)
        elif reference == ALL_OTHER:
            # Children whose group has no population (ethnicity not known) are left out of the
            # reference: they cannot be in its population, so not in its count either.
            ratio = relative_rate_index(a, n_g, known_count - a, total_pop - n_g, z)
        else:
            ratio = relative_rate_index(a, n_g, counts[ref_key], pops[ref_key] or 0, z)
        if ref_hidden and not is_ref and n_g is not None:
            hidden, why = True, why or "the reference group's count is suppressed"
        if (total_hidden or pop_total_hidden) and not hidden:
            why = "the total is suppressed"
        rows.append(
            GroupResult(
                key=key,
                label=name,
                members=members,
                count=a,
                population=n_g,
                rate=rate,
                cohort_share=share,
                population_share=pop_share,
                rri=ratio.rri,
                lower=ratio.lower,
                upper=ratio.upper,
                significance=ratio.significance,
                reason=ratio.reason,
                is_reference=is_ref,
                merged=merged,
                count_suppressed=disclosed[key].suppressed,
                population_suppressed=pop_small,
                suppressed=hidden,
                suppression_reason=why,
                share_suppressed=hidden or total_hidden,
                population_share_suppressed=pop_small or pop_total_hidden,
            )
        )
    total = GroupResult(
        key=TOTAL,
        label=TOTAL,
        members=(),
        count=total_count,
        population=total_pop,
        rate=total_count / total_pop * PER if total_pop else None,
        cohort_share=100.0 if total_count else None,
        population_share=100.0 if total_pop else None,
        rri=None,
        lower=None,
        upper=None,
        significance=NOT_APPLICABLE,
        count_suppressed=disclosed[_TOTAL].suppressed,
        population_suppressed=pop_total_hidden,
        suppressed=disclosed[_TOTAL].suppressed or pop_total_hidden,
    )
    if reference == ALL_OTHER:
        ref_label = ALL_OTHER_LABEL
    else:
        ref_label = next(
            (
                f"children of {n}" if m and key not in eth.MAIN_GROUPS else eth.children_phrase(key)
                for key, n, _, m in layout
                if key == reference
            ),
            eth.children_phrase(reference),
        )
    return Analysis(
        characteristic=characteristic,
        reference=reference,
        reference_label=ref_label,
        threshold=threshold,
        groups=tuple(rows),
        total=total,
        merges=tuple(merges),
        notes=tuple(aligned + _notes(merges, rows, threshold, reference)),
        year=year,
        known_count=known_count,
        known_count_suppressed=disclosed[_KNOWN].suppressed,
    )


def _notes(
    merges: list[Merge], rows: list[GroupResult], threshold: int, reference: str
) -> list[str]:
    notes = []
    for m in merges:
        names = ", ".join(eth.label(g) for g in m.members)
        notes.append(
            f"{m.label}: {names} are shown together because at least one of them had fewer "
            f"than {threshold} children."
        )
    if any(r.suppressed for r in rows):
        notes.append(
            f"Figures marked c are suppressed: they count fewer than {threshold} children, or "
            "would let such a count be worked out."
        )
    if any(r.population is None for r in rows):
        notes.append(
            "Children whose group has no population figure (such as ethnicity not known) are "
            "counted in the total but have no rate."
            + (" They are among 'all other children'." if reference == ALL_OTHER else "")
        )
    return notes


def analyse_years(
    years: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]],
    *,
    characteristic: str = eth.ETHNICITY,
    reference: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    merge: str = MERGE_AUTO,
    z: float = Z,
    populations_shown_elsewhere: Mapping[str, Iterable[tuple[tuple[str, ...], bool]]] | None = None,
) -> list[Analysis]:
    """The same analysis for each year (oldest first), with the same merges in every year.

    A main group merged in any year is merged in all, so a row means the same children in each
    year and a board can see whether a gap is closing. ``populations_shown_elsewhere`` gives,
    by year, the population sums another page publishes (see :func:`analyse`).
    """
    elsewhere = populations_shown_elsewhere or {}
    order = sorted(years)
    keep = kept_apart(characteristic, [years[y][1] for y in order])
    if reference is None:
        reference = keep or ALL_OTHER
    mains: set[str] = set()
    for year in order:
        cohort, population = years[year]
        mains |= merges_needed(
            cohort,
            population,
            characteristic=characteristic,
            keep=keep,
            threshold=threshold,
            merge=merge,
        )
    return [
        analyse(
            years[year][0],
            years[year][1],
            characteristic=characteristic,
            reference=reference,
            threshold=threshold,
            merge=merge,
            force_merge=mains,
            keep=keep or "",
            population_shown_elsewhere=elsewhere.get(year, ()),
            year=year,
            z=z,
        )
        for year in order
    ]


def published_counts(analysis: Analysis) -> list[tuple[tuple[str, ...], bool]]:
    """The sums of groups an analysis publishes as cohort counts, each with True when shown
    as ``c``: every row, the total, and the total of groups with a population (what "all other
    children" is built on). Pass them as ``population_shown_elsewhere`` to a cohort whose
    denominator is this cohort."""
    out = [(row.members, row.count_suppressed) for row in analysis.groups]
    every = tuple(g for row in analysis.groups for g in row.members)
    known = tuple(g for row in analysis.groups if row.population is not None for g in row.members)
    out.append((every, analysis.total.count_suppressed))
    out.append((known, analysis.known_count_suppressed))
    return out


def format_ratio(value: float | None) -> str:
    """An RRI or limit to 2 significant figures below 10 (2.3, 0.45), 1 decimal above; a
    limit that would round to 1 keeps up to 4 decimals (1.004), so its side of 1 is shown."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    if value < 10:
        digits = max(1, 1 - math.floor(math.log10(value)))
        # A limit just above or below 1 keeps the digits that show which side of 1 it is.
        while value != 1 and float(f"{value:.{digits}f}") == 1 and digits < 4:
            digits += 1
        return f"{value:.{digits}f}"
    return f"{value:.1f}"


def summary(row: GroupResult, analysis: Analysis, phrase: str) -> str:
    """A plain-English sentence for one group, or the reason there is none.

    ``phrase`` completes "... as likely as White British children {phrase}", e.g. "to be in care".

    Example:
        >>> a = analyse({"WBRI": 200, "BCRB": 50}, {"WBRI": 40000, "BCRB": 2000})
        >>> summary(a.group("BCRB"), a, "to be in care")
        'Black Caribbean children are 5.0 times as likely as White British children to be in care (95% CI 3.7 to 6.8).'
    """
    who = row.children[0].upper() + row.children[1:]
    if row.is_reference:
        return f"{who} are the reference group: every other group is compared with them."
    if row.suppressed:
        return f"Figures for {row.children} are suppressed to protect confidentiality."
    if row.rri is None:
        return f"For {row.children} the ratio cannot be calculated: {row.reason}."
    sentence = (
        f"{who} are {format_ratio(row.rri)} times as likely as {analysis.reference_label} {phrase}"
    )
    if row.lower is None:
        return f"{sentence}; the interval cannot be calculated: {row.reason}."
    sentence += f" (95% CI {format_ratio(row.lower)} to {format_ratio(row.upper)})"
    if row.significance == NOT_SIGNIFICANT:
        return sentence + "; the difference is not statistically significant."
    return sentence + "."


def _rows_for(table, code: str, la: str | None, year: str | None, breakdown: str):
    """Rows of an indicator table as dicts, filtered."""
    columns = {"code", "la", "year", "breakdown", "group", "numerator"}
    missing = columns - set(table.column_names)
    if missing:
        raise ValueError(f"the table has no column(s) {', '.join(sorted(missing))}")
    for row in table.to_pylist():
        if row["code"] != code or row["breakdown"] != breakdown or row["group"] in ("", None):
            continue
        if la is not None and str(row["la"]) != str(la):
            continue
        if year is not None and str(row["year"]) != str(year):
            continue
        yield row


def cohort_from_indicator_table(
    table, *, code: str, breakdown: str = eth.ETHNICITY, la: str | None = None
) -> dict[tuple[str, str], dict[str, int]]:
    """Cohort counts by group from an indicator engine result (a pyarrow Table).

    The table has columns ``code, la, year, breakdown, group, numerator, denominator, value``,
    one row per indicator, LA, year and group ("" for the total, which is left out). The
    numerator is the number of children in the cohort.

    Returns:
        ``{(la, year): {group: count}}`` for the indicator ``code`` and ``breakdown``.

    Raises:
        ValueError: a missing column, a group the characteristic does not know, or a numerator
            that is not a whole number of 0 or more.
    """
    out: dict[tuple[str, str], dict[str, int]] = {}
    for row in _rows_for(table, code, la, None, breakdown):
        group = eth.read_group(breakdown, row["group"])
        number = row["numerator"]
        if number is None or number < 0 or float(number) != int(number):
            raise ValueError(
                f"{row['la']} {row['year']} {group}: numerator {number!r} is not a count"
            )
        counts = out.setdefault((str(row["la"]), str(row["year"])), {})
        counts[group] = counts.get(group, 0) + int(number)
    return out


__all__ = [
    "ALL_OTHER",
    "Analysis",
    "GroupResult",
    "Merge",
    "RateRatio",
    "analyse",
    "analyse_years",
    "cohort_from_indicator_table",
    "format_ratio",
    "kept_apart",
    "merges_needed",
    "published_counts",
    "relative_rate_index",
    "summary",
]
