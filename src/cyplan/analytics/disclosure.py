"""Disclosure control: the one set of rules every public page, export and report uses.

Rules (see ``docs/statistics.md``):

* Primary suppression: a count from 1 to threshold − 1 (1 to 4 by default) is shown as ``c``.
  0 is shown.
* Secondary suppression: in any group of cells whose total is shown (a breakdown and its total,
  a row or column of a two-way table and its margin), a suppressed cell must not be recoverable
  by subtraction. While a group has exactly one hidden cell, the smallest non-zero shown member
  of that group is also suppressed (the group's total only when no member can be). Then a
  linear-algebra check makes sure no suppressed cell can be solved from all the shown totals
  together; if one could, the next smallest cell beside it is suppressed, and so on.
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
from scipy.linalg import null_space

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


def _recoverable(groups: Sequence[TableGroup], hidden: set[K], protected: set[K]) -> list[K]:
    """Protected cells whose value can be solved from the shown cells and the group equations.

    Each group says total − Σ members = 0. With the shown cells moved to the right-hand side,
    the hidden cells x satisfy A·x = b. A hidden cell is determined exactly when every solution
    of A·v = 0 has v = 0 at that cell, i.e. its row of a null-space basis of A is zero.
    """
    order = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(order)}
    rows = []
    for group in groups:
        row = np.zeros(len(order))
        for key, sign in [(group.total, 1.0)] + [(m, -1.0) for m in group.members]:
            if key in column:
                row[column[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    basis = null_space(np.array(rows))  # one column per free direction
    free = np.abs(basis).max(axis=1, initial=0.0) > 1e-9
    return [key for key in order if key in protected and not free[column[key]]]


def _complement(cells: Mapping[K, Count | None], group: TableGroup, hidden: set[K]) -> K | None:
    """The cell to suppress next in a group: smallest non-zero shown member, else the total."""
    members = [m for m in group.members if m not in hidden and cells[m] not in (None, 0)]
    if members:
        return min(members, key=lambda m: (cells[m], repr(m)))
    if group.total not in hidden and cells[group.total] not in (None, 0):
        return group.total
    return None


def round_or_low(value: float, decimals: int = 0) -> float | str:
    """Round a value for display, or ``low`` when a non-zero value would round to zero.

    Example:
        >>> round_or_low(0.04, 1), round_or_low(0.0, 1), round_or_low(2.345, 1)
        ('low', 0.0, 2.3)
    """
    rounded = round(value, decimals)
    return LOW if value != 0 and rounded == 0 else rounded


def suppress_table(
    cells: Mapping[K, Count | None],
    groups: Iterable[TableGroup | tuple[K, Iterable[K]]],
    threshold: int = DEFAULT_THRESHOLD,
    public: bool = True,
) -> dict[K, DisclosureResult]:
    """Primary and secondary suppression for a table of counts with shown totals.

    Args:
        cells: every published cell, totals included, by key (None = unavailable, ``x``).
        groups: each a :class:`TableGroup` or a (total key, member keys) pair saying that the
            total cell equals the sum of the member cells.
        threshold: counts from 1 to threshold − 1 are suppressed.
        public: False for staff with permission: values are kept and marked suppressed.

    Returns:
        A :class:`DisclosureResult` for every cell, in the order of ``cells``.

    Raises:
        ValueError: when a key is not in ``cells`` or a fully known group does not add up
            (subtraction arguments, and so this protection, assume that it does).

    Example:
        >>> cells = {"boys": 12, "girls": 3, "all": 15}
        >>> result = suppress_table(cells, [("all", ["boys", "girls"])])
        >>> [result[k].shown for k in cells]
        ['c', 'c', 15]
    """
    _check_threshold(threshold)
    groups = [g if isinstance(g, TableGroup) else TableGroup(g[0], tuple(g[1])) for g in groups]
    for group in groups:
        keys = (group.total, *group.members)
        unknown = [k for k in keys if k not in cells]
        if unknown:
            raise ValueError(f"group with total {group.total!r} names unknown cells {unknown!r}")
        values = [cells[k] for k in keys]
        if None not in values and not math.isclose(
            cells[group.total], sum(cells[m] for m in group.members), rel_tol=1e-12, abs_tol=1e-9
        ):
            raise ValueError(f"cells in the group with total {group.total!r} do not add up")

    primary = {k for k, v in cells.items() if is_small(v, threshold)}
    secondary: set[K] = set()
    unavailable = {k for k, v in cells.items() if v is None}

    def hidden() -> set[K]:
        return primary | secondary | unavailable

    while True:
        # Rule 1: a group with exactly one hidden cell gives that cell away by subtraction.
        changed = False
        for group in groups:
            now_hidden = hidden()
            in_group = [k for k in (group.total, *group.members) if k in now_hidden]
            if len(in_group) == 1 and in_group[0] not in unavailable:
                extra = _complement(cells, group, now_hidden)
                if extra is not None:
                    secondary.add(extra)
                    changed = True
        if changed:
            continue
        # Rule 2: no suppressed cell may be solvable from all the equations taken together.
        solvable = _recoverable(groups, hidden(), primary | secondary)
        if not solvable:
            break
        now_hidden = hidden()
        target = solvable[0]
        options = [
            _complement(cells, g, now_hidden)
            for g in groups
            if target == g.total or target in g.members
        ]
        options = [o for o in options if o is not None]
        if not options:
            options = [k for k in cells if k not in now_hidden]
        if not options:
            break
        secondary.add(min(options, key=lambda k: (cells[k], repr(k))))

    results: dict[K, DisclosureResult] = {}
    for key, value in cells.items():
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
