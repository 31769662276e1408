"""An independent attacker on published tables: it enumerates, by exhaustive search, every
whole-number assignment of the hidden cells consistent with what was published, and reports the
hidden counts it can narrow too far.

It knows what any reader knows from the published rules: the shown cells; that every ``c`` is
a whole number of at least 1 (0 is always shown); that ``x`` cells and parts never published
(the groups inside a merged row, the complement of a numerator) are whole numbers of at least
0; which cells add up to which; and which counts are at most which (a cohort within its
population). It shares no code with ``cyplan.analytics.disclosure``: no solver, only a
depth-first search with interval propagation, exhaustive over the bounded domains.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

HIDDEN = ("c", "x")


@dataclass
class Published:
    """What a reader has: shown values or symbols, the sums, the "at most" pairs.

    ``cells`` maps every published cell to its number or ``c`` / ``x``; ``parts`` are the keys
    of cells never published that appear in the sums. ``sums`` are (total, members) pairs.
    """

    cells: dict[Hashable, object]
    sums: list[tuple[Hashable, tuple[Hashable, ...]]]
    parts: set[Hashable] = field(default_factory=set)
    at_most: list[tuple[Hashable, Hashable]] = field(default_factory=list)

    def add(self, other: Published) -> None:
        """Publish another table beside this one (a cell under the same key is the same cell)."""
        for key, value in other.cells.items():
            if key in self.cells and self.cells[key] != value:
                # The same count shown two ways: the reader takes the number.
                if self.cells[key] in HIDDEN:
                    self.cells[key] = value
                continue
            self.cells[key] = value
        self.parts |= {k for k in other.parts if k not in self.cells}
        self.sums += other.sums
        self.at_most += other.at_most


class Attacker:
    """Exact ranges of every hidden cell over all whole-number assignments consistent with
    the published figures (capped at ``cap`` when nothing bounds a cell)."""

    def __init__(self, published: Published, cap: int = 400):
        self.pub = published
        self.vars = sorted(
            [k for k, v in published.cells.items() if v in HIDDEN]
            + sorted(published.parts, key=repr),
            key=repr,
        )
        index = {k: i for i, k in enumerate(self.vars)}
        self.lower = [1 if published.cells.get(k) == "c" else 0 for k in self.vars]
        self.cap = cap
        self.rows: list[tuple[dict[int, int], int, bool]] = []  # coefs, rhs, equality?
        for total, members in published.sums:
            self._row([(total, 1)] + [(m, -1) for m in members], 0, True, index)
        for small, big in published.at_most:
            self._row([(small, 1), (big, -1)], 0, False, index)

    def _row(self, terms, rhs, equal, index) -> None:
        coefs: dict[int, int] = {}
        for key, sign in terms:
            if key in index:
                coefs[index[key]] = coefs.get(index[key], 0) + sign
            else:
                rhs -= sign * self.pub.cells[key]
        coefs = {i: c for i, c in coefs.items() if c}
        if coefs:
            self.rows.append((coefs, rhs, equal))
        elif (rhs != 0) if equal else (rhs < 0):
            raise AssertionError("the published figures contradict each other")

    def _propagate(self, lo: list[int], hi: list[int]) -> bool:
        """Tighten [lo, hi] by interval reasoning on every row; False when a domain empties."""
        changed = True
        while changed:
            changed = False
            for coefs, rhs, equal in self.rows:
                mins = {i: (c * lo[i] if c > 0 else c * hi[i]) for i, c in coefs.items()}
                maxs = {i: (c * hi[i] if c > 0 else c * lo[i]) for i, c in coefs.items()}
                total_min, total_max = sum(mins.values()), sum(maxs.values())
                for i, c in coefs.items():
                    rest_min, rest_max = total_min - mins[i], total_max - maxs[i]
                    # c·x_i <= rhs − rest_min, and for equalities c·x_i >= rhs − rest_max;
                    # dividing by a negative c turns the bounds round (floor a/c = a // c).
                    top, bottom = rhs - rest_min, rhs - rest_max
                    if c > 0:
                        new_hi = top // c
                        new_lo = -((-bottom) // c) if equal else lo[i]
                    else:
                        new_lo = -((-top) // c)
                        new_hi = bottom // c if equal else hi[i]
                    if new_hi < hi[i]:
                        hi[i], changed = new_hi, True
                    if new_lo > lo[i]:
                        lo[i], changed = new_lo, True
                    if lo[i] > hi[i]:
                        return False
        return True

    def _feasible(self, lo: list[int], hi: list[int]) -> list[int] | None:
        """Depth-first search for one assignment within the domains."""
        lo, hi = lo[:], hi[:]
        if not self._propagate(lo, hi):
            return None
        open_vars = [i for i in range(len(lo)) if lo[i] < hi[i]]
        if not open_vars:
            x = lo
            for coefs, rhs, equal in self.rows:
                value = sum(c * x[i] for i, c in coefs.items())
                if (value != rhs) if equal else (value > rhs):
                    return None
            return x
        pick = min(open_vars, key=lambda i: hi[i] - lo[i])
        for value in range(lo[pick], hi[pick] + 1):
            lo2, hi2 = lo[:], hi[:]
            lo2[pick] = hi2[pick] = value
            found = self._feasible(lo2, hi2)
            if found is not None:
                return found
        return None

    def ranges(self) -> dict[Hashable, tuple[int, int]]:
        """{hidden cell: (smallest, largest) value of any consistent assignment}."""
        lo = self.lower[:]
        hi = [self.cap] * len(self.vars)
        if not self._propagate(lo, hi):
            raise AssertionError("no assignment is consistent with the published figures")
        out = {}
        for i, key in enumerate(self.vars):
            smallest = next(
                v for v in range(lo[i], hi[i] + 1) if self._feasible(*self._fix(lo, hi, i, v))
            )
            largest = next(
                v
                for v in range(hi[i], smallest - 1, -1)
                if self._feasible(*self._fix(lo, hi, i, v))
            )
            out[key] = (smallest, largest)
        return out

    @staticmethod
    def _fix(lo, hi, i, value):
        lo2, hi2 = lo[:], hi[:]
        lo2[i] = hi2[i] = value
        return lo2, hi2


def recoveries(
    published: Published, truth: Mapping[Hashable, int], threshold: int = 5, cap: int = 400
) -> dict[Hashable, tuple[int, int]]:
    """The hidden counts the attacker narrows too far, with the range it finds.

    A ``c`` cell is recovered when its range is one value or lies inside 1 to threshold − 1;
    a part never published whose true count is from 1 to threshold − 1 when its range stays
    below threshold. (The truth is used only to score the attack, never in it.)
    """
    found = {}
    for key, (low, high) in Attacker(published, cap).ranges().items():
        true = truth.get(key)
        assert true is None or low <= true <= high, f"{key!r}: the truth {true} is outside"
        if published.cells.get(key) == "c":
            if low == high or (low >= 1 and high <= threshold - 1):
                found[key] = (low, high)
        elif key in published.parts and true is not None and 0 < true < threshold:
            if high <= threshold - 1:
                found[key] = (low, high)
    return found


def shown(results: Mapping[Hashable, object]) -> dict[Hashable, object]:
    """{key: shown} from a mapping of DisclosureResult."""
    return {k: r.shown for k, r in results.items()}


def sums_one_way(labels: Iterable[Hashable], total: Hashable = "Total"):
    return [(total, tuple(labels))]


def sums_two_way(rows, cols, total="Total"):
    return [((r, total), tuple((r, c) for c in cols)) for r in [*rows, total]] + [
        ((total, c), tuple((r, c) for r in rows)) for c in [*cols, total]
    ]
