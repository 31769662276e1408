"""Disclosure control: the one set of rules every public page, export and report uses.

Rules (see ``docs/statistics.md``):

* Primary suppression: a count from 1 to threshold − 1 (1 to 4 by default) is shown as ``c``.
  0 is shown.
* Secondary suppression: one audit of everything published together (a breakdown and its
  total, two-way tables, years side by side, merged rows and their parts, complements). A reader
  knows the shown cells, which cells add up to which, that counts are whole numbers and that
  every ``c`` is at least 1. No suppressed cell may be narrowed to one value, and no small count
  to a range inside 1 to threshold − 1: for each, a second whole-number assignment consistent
  with everything shown must exist (found by scipy's ``milp`` and checked exactly), with the
  cell at threshold or more when it is small. Cells are suppressed until that holds.
* A rate or percentage built on a suppressed count (numerator or denominator) is suppressed.

Symbols are those of DfE Explore Education Statistics: ``c`` suppressed, ``x`` unavailable,
``z`` not applicable, ``low`` rounds to zero, ``u`` low reliability.

Staff with permission see the real value, marked: pass ``public=False`` and the result keeps
``suppressed=True`` with the value in ``shown``.

Example:
    >>> suppress_count(3), suppress_count(0), suppress_count(12)
    ('c', 0, 12)
    >>> table = suppress_one_way({"White": 40, "Mixed": 3, "Asian": 7})
    >>> {label: cell.shown for label, cell in table.items()}
    {'White': 40, 'Mixed': 'c', 'Asian': 'c', 'Total': 50}
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

DEFAULT_THRESHOLD = 5

SUPPRESSED = "c"
UNAVAILABLE = "x"
NOT_APPLICABLE = "z"
LOW = "low"
LOW_RELIABILITY = "u"

PRIMARY = "small count"
SECONDARY = "would reveal a small count"
BUILT_ON_SUPPRESSED = "built on a suppressed count"
MISSING = "unavailable"

K = TypeVar("K", bound=Hashable)
Count = int | float


@dataclass(frozen=True)
class DisclosureResult:
    """A figure after disclosure control.

    Attributes:
        shown: what to display: the value, or a symbol (``c``, ``x``, ``z``) for the public.
            For staff (``public=False``) the real value, even when ``suppressed`` is True.
        original: the value before control (None when unavailable).
        suppressed: True when the public sees ``c`` instead of the value.
        reason: why the value is not shown as is (None when it is).
        public: whether this result was made for a public output.
    """

    shown: Count | str | None
    original: Count | None
    suppressed: bool = False
    reason: str | None = None
    public: bool = True

    @property
    def revealed_to_staff(self) -> bool:
        """True when staff see a value the public would not: show it marked as unsuppressed."""
        return self.suppressed and not self.public


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of 1 or more, not {threshold!r}")
    return threshold


def is_small(count: Count | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a count is from 1 to threshold − 1 and so must be suppressed.

    Example:
        >>> [is_small(n) for n in (0, 1, 4, 5)]
        [False, True, True, False]
    """
    _check_threshold(threshold)
    if count is None:
        return False
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count!r}")
    return 0 < count < threshold


def _result(
    value: Count | None, suppressed: bool, reason: str | None, public: bool
) -> DisclosureResult:
    if value is None:
        return DisclosureResult(UNAVAILABLE, None, False, MISSING, public)
    shown = SUPPRESSED if suppressed and public else value
    return DisclosureResult(shown, value, suppressed, reason if suppressed else None, public)


def disclose_count(
    count: Count | None, threshold: int = DEFAULT_THRESHOLD, public: bool = True
) -> DisclosureResult:
    """Primary suppression of one count, keeping the original for staff.

    Example:
        >>> disclose_count(2, public=False).shown, disclose_count(2, public=False).suppressed
        (2, True)
    """
    return _result(count, is_small(count, threshold), PRIMARY, public)


def suppress_count(count: Count | None, threshold: int = DEFAULT_THRESHOLD) -> Count | str:
    """The public form of one count: ``c`` for 1 to threshold − 1, ``x`` for None.

    Example:
        >>> [suppress_count(n, threshold=3) for n in (0, 2, 3, None)]
        [0, 'c', 3, 'x']
    """
    return disclose_count(count, threshold, public=True).shown


@dataclass(frozen=True)
class TableGroup:
    """A set of cells whose sum is shown: ``total`` is the key of the cell holding that sum."""

    total: Hashable
    members: tuple[Hashable, ...]


def round_or_low(value: float, decimals: int = 0) -> float | str:
    """Round a value for display, or ``low`` when a non-zero value would round to zero.

    Example:
        >>> round_or_low(0.04, 1), round_or_low(0.0, 1), round_or_low(2.345, 1)
        ('low', 0.0, 2.3)
    """
    rounded = round(value, decimals)
    return LOW if value != 0 and rounded == 0 else rounded


@dataclass(frozen=True)
class _System:
    """What a reader knows about the hidden cells: equations, "at most" rows and lower bounds.

    Variables are the hidden cells (suppressed ``c`` cells, unavailable ``x`` cells and the
    unpublished parts of published sums). ``equal`` rows say Σ coef·x = rhs, ``below`` rows
    Σ coef·x ≤ rhs; every coefficient and right-hand side is a whole number.
    """

    keys: tuple[Hashable, ...]
    lower: tuple[int, ...]
    equal: tuple[tuple[dict[int, int], int], ...]
    below: tuple[tuple[dict[int, int], int], ...]

    def holds(self, x: Sequence[int]) -> bool:
        """Exact check, in whole numbers, that an assignment satisfies everything."""
        if any(v < lo for v, lo in zip(x, self.lower, strict=True)):
            return False
        if any(sum(c * x[i] for i, c in row.items()) != rhs for row, rhs in self.equal):
            return False
        return all(sum(c * x[i] for i, c in row.items()) <= rhs for row, rhs in self.below)

    def witness(self, index: int, low: int, high: float) -> list[int] | None:
        """A whole-number assignment with low ≤ x[index] ≤ high, checked exactly, or None.

        The search is scipy's mixed-integer solver (HiGHS); its answer is only trusted after
        :meth:`holds` has checked it in exact integer arithmetic, so a solver tolerance can
        only make the audit suppress more, never less.
        """
        n = len(self.keys)
        lb = np.array(self.lower, dtype=float)
        ub = np.full(n, np.inf)
        lb[index] = max(lb[index], low)
        ub[index] = high
        if lb[index] > ub[index]:
            return None
        constraints = []
        for rows, bounded in ((self.equal, True), (self.below, False)):
            if not rows:
                continue
            matrix = np.zeros((len(rows), n))
            rhs = np.zeros(len(rows))
            for r, (row, value) in enumerate(rows):
                for i, c in row.items():
                    matrix[r, i] = c
                rhs[r] = value
            constraints.append(LinearConstraint(matrix, rhs if bounded else -np.inf, rhs))
        result = milp(
            np.zeros(n),
            integrality=np.ones(n),
            bounds=Bounds(lb, ub),
            constraints=constraints,
            options={"presolve": True},
        )
        if result.x is None:
            return None
        x = [int(round(v)) for v in result.x]
        if not self.holds(x) or not low <= x[index] <= high:
            return None
        return x


def _whole(value: Count, key: Hashable) -> int:
    if isinstance(value, bool) or float(value) != int(value):
        raise ValueError(f"cell {key!r} must be a whole number to be protected, not {value!r}")
    return int(value)


class _Auditor:
    """Finds a suppressed cell a reader can narrow too far, keeping proofs that others cannot.

    A protected cell is safe when there are whole-number assignments consistent with
    everything published that give it two different values, and (when its true value is from
    1 to threshold − 1) one that gives it threshold or more. The true values are one such
    assignment; the others are found by the solver and checked exactly. An assignment stays
    valid when more cells are suppressed later (the new variable takes its true value, which is
    at least 1), so proofs are kept and reused, wherever every cell they change is hidden.
    """

    def __init__(
        self,
        values: Mapping[Hashable, int | None],
        groups: Sequence[TableGroup],
        at_most: Sequence[tuple[Hashable, Hashable]],
        threshold: int,
    ):
        self.values = values
        self.groups = groups
        self.at_most = at_most
        self.threshold = threshold
        self.proofs: list[dict[Hashable, int]] = []

    def system(self, hidden: set[Hashable], published: set[Hashable]) -> _System:
        keys = tuple(sorted(hidden, key=repr))
        column = {k: i for i, k in enumerate(keys)}

        def row(terms: list[tuple[Hashable, int]]) -> tuple[dict[int, int], int] | None:
            coefs: dict[int, int] = {}
            rhs = 0
            for key, sign in terms:
                if key in column:
                    coefs[column[key]] = coefs.get(column[key], 0) + sign
                else:
                    rhs -= sign * self.values[key]
            coefs = {i: c for i, c in coefs.items() if c}
            return (coefs, rhs) if coefs else None

        equal = [row([(g.total, 1)] + [(m, -1) for m in g.members]) for g in self.groups]
        below = [row([(a, 1), (b, -1)]) for a, b in self.at_most]
        lower = tuple(1 if k in published and self.values[k] is not None else 0 for k in keys)
        return _System(
            keys,
            lower,
            tuple(r for r in equal if r is not None),
            tuple(r for r in below if r is not None),
        )

    def _wanted(self, key: Hashable) -> list[tuple[int, float]]:
        """Ranges one of which a second assignment must put the cell in."""
        true = self.values[key]
        if 0 < true < self.threshold:
            return [(self.threshold, math.inf)]
        return [(true + 1, math.inf), (-math.inf, true - 1)]

    def forget(self, key: Hashable) -> None:
        """Drop the proofs that give a cell now shown a value other than its own."""
        true = self.values[key]
        self.proofs = [p for p in self.proofs if p.get(key, true) == true]

    def _proven(self, key: Hashable, system: _System) -> bool:
        """True when a kept proof holds in this system and opens the cell.

        A proof holds when every cell it gives a value other than its own is hidden here
        (a cell hidden since takes its own value): a proof found while trying one complement
        says nothing once another is chosen instead.
        """
        hidden = set(system.keys)
        for proof in self.proofs:
            value = proof.get(key, self.values[key])
            if not any(lo <= value <= hi for lo, hi in self._wanted(key)):
                continue
            if all(k in hidden for k, v in proof.items() if v != self.values[k]):
                return True
        return False

    def safe(self, key: Hashable, system: _System) -> bool:
        if self._proven(key, system):
            return True
        index = system.keys.index(key)
        for lo, hi in self._wanted(key):
            x = system.witness(index, max(lo, system.lower[index]), hi)
            if x is not None:
                changed = {k: v for k, v in zip(system.keys, x, strict=True) if v != self.values[k]}
                self.proofs.append(changed)
                return True
        return False

    def first_unsafe(
        self, hidden: set[Hashable], published: set[Hashable], protected: list[Hashable]
    ) -> Hashable | None:
        system = self.system(hidden, published)
        for key in protected:
            if not self.safe(key, system):
                return key
        return None


def _complement(cells: Mapping[K, Count | None], group: TableGroup, hidden: set[K]) -> K | None:
    """The cell to suppress next in a group: smallest non-zero shown member, else the total."""
    members = [m for m in group.members if m not in hidden and cells[m] not in (None, 0)]
    if members:
        return min(members, key=lambda m: (cells[m], repr(m)))
    if group.total not in hidden and cells[group.total] not in (None, 0):
        return group.total
    return None


def _candidates(
    cells: Mapping[K, Count | None],
    groups: Sequence[TableGroup],
    at_most: Sequence[tuple[K, K]],
    key: K,
    hidden: set[K],
) -> list[K]:
    """Shown non-zero cells to suppress next to protect ``key``, nearest and smallest first.

    First the members, then the totals, of the groups (and "at most" pairs) holding the cell;
    then those of groups reached through other hidden cells; then every other shown cell.
    """

    def usable(k: K) -> bool:
        return k not in hidden and cells[k] not in (None, 0)

    order: list[K] = []
    reached, frontier = {key}, {key}
    while frontier:
        near = [g for g in groups if frontier & {g.total, *g.members}]
        members = {m for g in near for m in g.members if usable(m)}
        totals = {g.total for g in near if usable(g.total)}
        pairs = {k for a, b in at_most if frontier & {a, b} for k in (a, b) if usable(k)}
        for batch in (members | pairs, totals):
            for k in sorted(batch - set(order), key=lambda k: (cells[k], repr(k))):
                order.append(k)
        touched = {k for g in near for k in (g.total, *g.members) if k in hidden}
        frontier = touched - reached
        reached |= frontier
    rest = [k for k in cells if usable(k) and k not in order]
    return order + sorted(rest, key=lambda k: (cells[k], repr(k)))


def suppress_table(
    cells: Mapping[K, Count | None],
    groups: Iterable[TableGroup | tuple[K, Iterable[K]]],
    threshold: int = DEFAULT_THRESHOLD,
    public: bool = True,
    *,
    unpublished: Iterable[K] = (),
    at_most: Iterable[tuple[K, K]] = (),
    elsewhere: Mapping[K, bool] | None = None,
) -> dict[K, DisclosureResult]:
    """Primary and secondary suppression for everything published together.

    Args:
        cells: every cell, totals included, by key (None = unavailable, ``x``). Counts are
            whole numbers.
        groups: each a :class:`TableGroup` or a (total key, member keys) pair saying that the
            total cell equals the sum of the member cells. Give every table published together
            (a breakdown and its total, both margins of a two-way table, several years, several
            cohorts sharing cells) in one call.
        threshold: counts from 1 to threshold − 1 are suppressed.
        public: False for staff with permission: values are kept and marked suppressed.
        unpublished: cells that are never shown but are parts of shown sums (the groups merged
            into one row, the complement of a numerator within its denominator). A small one is
            protected like a suppressed cell; none is returned.
        at_most: pairs (a, b) a reader knows satisfy a ≤ b (a cohort within its population).
        elsewhere: cells another output already publishes, which this call cannot change:
            True for a cell shown there as ``c`` (hidden here too, and protected), False for a
            cell shown there as a number (never suppressed here). None is returned.

    Returns:
        A :class:`DisclosureResult` for every published cell, in the order of ``cells``.

    The audit (see ``docs/statistics.md``): a reader knows the shown cells, that every ``c``
    is a whole number of at least 1, that every cell is a whole number of at least 0, the
    groups and the "at most" pairs. Suppression goes on until, for every ``c`` cell and every
    small unpublished part, some whole-number assignment consistent with all that gives it a
    value other than its own and, for a value from 1 to threshold − 1, one of threshold or more.
    So no hidden small count can be narrowed to one value or to a range inside
    1 to threshold − 1.

    Raises:
        ValueError: when a key is not in ``cells``, a count is not a whole number, or a fully
            known group does not add up.

    Example:
        >>> cells = {"boys": 12, "girls": 3, "all": 15}
        >>> result = suppress_table(cells, [("all", ["boys", "girls"])])
        >>> [result[k].shown for k in cells]
        ['c', 'c', 15]
    """
    _check_threshold(threshold)
    groups = [g if isinstance(g, TableGroup) else TableGroup(g[0], tuple(g[1])) for g in groups]
    at_most = [(a, b) for a, b in at_most]
    unpublished = set(unpublished)
    elsewhere = dict(elsewhere or {})
    fixed = set(elsewhere)
    for key in unpublished | fixed | {k for pair in at_most for k in pair}:
        if key not in cells:
            raise ValueError(f"{key!r} is not one of the cells")
    values: dict[K, int | None] = {}
    for key, value in cells.items():
        if value is not None and value < 0:
            raise ValueError(f"a count cannot be negative: {key!r} is {value!r}")
        values[key] = None if value is None else _whole(value, key)
    for group in groups:
        keys = (group.total, *group.members)
        unknown = [k for k in keys if k not in cells]
        if unknown:
            raise ValueError(f"group with total {group.total!r} names unknown cells {unknown!r}")
        if None not in (values[k] for k in keys) and values[group.total] != sum(
            values[m] for m in group.members
        ):
            raise ValueError(f"cells in the group with total {group.total!r} do not add up")
    for a, b in at_most:
        if None not in (values[a], values[b]) and values[a] > values[b]:
            raise ValueError(f"{a!r} is said to be at most {b!r} but is larger")

    published = set(cells) - unpublished
    primary = {k for k in published - fixed if is_small(values[k], threshold)}
    hidden_elsewhere = {k for k, hid in elsewhere.items() if hid and values[k]}
    # Cells another output shows (one equal to a cell shown elsewhere) are never suppressed here.
    pinned = {
        g.members[0]
        for g in groups
        if len(g.members) == 1 and g.total in fixed and not elsewhere[g.total]
    } | {
        g.total
        for g in groups
        if g.total not in fixed and set(g.members) <= fixed - hidden_elsewhere
    }
    secondary: set[K] = set()
    unavailable = {k for k, v in values.items() if v is None}
    small_parts = {k for k in unpublished if is_small(values[k], threshold)}
    auditor = _Auditor(values, groups, at_most, threshold)

    def hidden() -> set[K]:
        return primary | secondary | unavailable | unpublished | hidden_elsewhere

    guarded = hidden_elsewhere | small_parts

    def protected() -> list[K]:
        return sorted(primary | secondary | guarded, key=lambda k: (values[k], repr(k)))

    def candidates_of(key: K) -> list[K]:
        near = _candidates(values, groups, at_most, key, hidden())
        return [k for k in near if k in published and k not in fixed | pinned]

    while True:
        # Quick rule: a group with exactly one hidden cell gives that cell away by subtraction.
        changed = False
        for group in groups:
            now_hidden = hidden()
            in_group = [k for k in (group.total, *group.members) if k in now_hidden]
            if len(in_group) == 1 and in_group[0] in primary | secondary | guarded:
                extra = _complement(values, group, now_hidden | unpublished | fixed | pinned)
                if extra is not None:
                    secondary.add(extra)
                    changed = True
        if changed:
            continue
        # The audit: every protected cell must stay wide open in whole numbers.
        unsafe = auditor.first_unsafe(hidden(), published, protected())
        if unsafe is None:
            break
        options = candidates_of(unsafe)
        if unsafe in secondary and not any(
            auditor.safe(unsafe, auditor.system(hidden() | {o}, published)) for o in options[:8]
        ):
            # A complement that what is shown (here or elsewhere) pins down protects nothing:
            # show it, forget the proofs that gave it another value, and choose another.
            secondary.discard(unsafe)
            pinned.add(unsafe)
            auditor.forget(unsafe)
            continue
        if not options:
            raise ValueError(
                f"cell {unsafe!r} cannot be protected even with every other cell suppressed"
            )
        choice = options[0]
        for option in options[:8]:
            trial = auditor.system(hidden() | {option}, published)
            if auditor.safe(unsafe, trial):
                choice = option
                break
        secondary.add(choice)

    results: dict[K, DisclosureResult] = {}
    for key, value in cells.items():
        if key in unpublished or key in fixed:
            continue
        reason = PRIMARY if key in primary else SECONDARY
        results[key] = _result(value, key in primary or key in secondary, reason, public)
    return results


def suppress_one_way(
    counts: Mapping[K, Count | None],
    threshold: int = DEFAULT_THRESHOLD,
    public: bool = True,
    total_label: str = "Total",
) -> dict[K | str, DisclosureResult]:
    """Suppress a breakdown (e.g. by ethnicity) together with its total, added last.

    The total is the sum of the counts (``x`` if any is unavailable).

    Example:
        >>> {k: v.shown for k, v in suppress_one_way({"a": 0, "b": 2, "c": 9}).items()}
        {'a': 0, 'b': 'c', 'c': 'c', 'Total': 11}
    """
    if total_label in counts:
        raise ValueError(f"a count is already labelled {total_label!r}; choose another total_label")
    values = list(counts.values())
    total = None if None in values else sum(values)
    cells = {**counts, total_label: total}
    return suppress_table(cells, [TableGroup(total_label, tuple(counts))], threshold, public)


def suppress_two_way(
    rows: Mapping[Hashable, Mapping[Hashable, Count | None]],
    threshold: int = DEFAULT_THRESHOLD,
    public: bool = True,
    total_label: str = "Total",
) -> dict[Hashable, dict[Hashable, DisclosureResult]]:
    """Suppress a two-way table with row totals, column totals and a grand total added.

    Args:
        rows: ``{row: {column: count}}``; every row must have the same columns.

    Returns:
        ``{row: {column: result}}`` with a ``total_label`` column and a ``total_label`` row.

    Example:
        >>> table = {"boys": {"5-9": 10, "10-15": 2}, "girls": {"5-9": 9, "10-15": 8}}
        >>> out = suppress_two_way(table)
        >>> [[cell.shown for cell in row.values()] for row in out.values()]
        [['c', 'c', 12], ['c', 'c', 17], [19, 10, 29]]
    """
    row_keys = list(rows)
    col_keys = list(next(iter(rows.values()), {}))
    for r in row_keys:
        if list(rows[r]) != col_keys:
            raise ValueError(f"row {r!r} does not have the same columns as the first row")
    if total_label in row_keys or total_label in col_keys:
        raise ValueError(f"a row or column is already labelled {total_label!r}")

    def add(values: list[Count | None]) -> Count | None:
        return None if None in values else sum(values)

    cells: dict[tuple[Hashable, Hashable], Count | None] = {}
    for r in row_keys:
        for c in col_keys:
            cells[(r, c)] = rows[r][c]
        cells[(r, total_label)] = add([rows[r][c] for c in col_keys])
    for c in [*col_keys, total_label]:
        cells[(total_label, c)] = add([cells[(r, c)] for r in row_keys])
    groups = [
        TableGroup((r, total_label), tuple((r, c) for c in col_keys))
        for r in [*row_keys, total_label]
    ] + [
        TableGroup((total_label, c), tuple((r, c) for r in row_keys))
        for c in [*col_keys, total_label]
    ]
    flat = suppress_table(cells, groups, threshold, public)
    return {
        r: {c: flat[(r, c)] for c in [*col_keys, total_label]} for r in [*row_keys, total_label]
    }


def suppress_rate(
    numerator: Count | DisclosureResult | None,
    denominator: Count | DisclosureResult | None,
    value: float | None,
    threshold: int = DEFAULT_THRESHOLD,
    public: bool = True,
) -> DisclosureResult:
    """Suppress a rate or percentage built on a suppressed count.

    The value is suppressed when its numerator or denominator is a small count, or was itself
    suppressed (pass the count's :class:`DisclosureResult`, e.g. from :func:`suppress_table`,
    so secondary suppression carries through). A missing value is ``x``; a missing value
    with a zero denominator is ``z`` (not applicable).

    Example:
        >>> suppress_rate(3, 577, 0.52).shown, suppress_rate(165, 577, 28.6).shown
        ('c', 28.6)
    """

    def suppressed(part: Count | DisclosureResult | None) -> bool:
        if isinstance(part, DisclosureResult):
            return part.suppressed
        return is_small(part, threshold)

    def original(part: Count | DisclosureResult | None) -> Count | None:
        return part.original if isinstance(part, DisclosureResult) else part

    if value is None:
        if original(denominator) == 0:
            return DisclosureResult(NOT_APPLICABLE, None, False, "denominator is 0", public)
        return DisclosureResult(UNAVAILABLE, None, False, MISSING, public)
    hide = suppressed(numerator) or suppressed(denominator)
    return _result(value, hide, BUILT_ON_SUPPRESSED, public)
