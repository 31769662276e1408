"""The shared validation engine: typed fields, per-row problems, skipping and de-duplication.

A reader turns its input (CSV, XML or Excel) into columns of strings plus a way to name
each row (a row number or an XML path), then hands them to :func:`clean`, which converts
each field by kind, pseudonymises identifiers and records problems. Cross-field and
cross-table rules are added by the readers with :meth:`TableCheck.flag`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _columns as col
from .codes import UPN_UNKNOWN
from .problems import Problem, SkippedRow
from .pseudonymise import Pseudonymiser

MAX_PROBLEMS_PER_RULE = 1000
"""Problems listed one by one per file, field and rule; the rest are summarised."""

Labels = Callable[[int, str | None], int | str]
_SENSITIVE = {"id", "upn", "dob", "postcode"}
_UPN = r"^[A-Z][0-9]{11}[A-Z0-9]$"


@dataclass(frozen=True)
class Field:
    """One column of a table: its canonical name, kind and rules.

    Kinds: ``id`` (pseudonymised in ``domain``), ``upn``, ``date``, ``dob`` (kept as the
    first of the month), ``int``, ``code`` (``codes`` is a set, or a mapping that also
    translates), ``postcode`` (kept as the district), ``text`` and ``pattern``.
    """

    name: str
    kind: str
    required: bool = False
    codes: frozenset[str] | Mapping[str, object] | None = None
    future_ok: bool = False
    lo: int | None = None
    hi: int | None = None
    domain: str = "child"
    pattern: str | None = None
    must_exist: bool | None = None

    @property
    def column_required(self) -> bool:
        """Whether a file without this column is refused."""
        return self.required if self.must_exist is None else self.must_exist

    @property
    def arrow_type(self) -> pa.DataType:
        if self.kind in ("date", "dob"):
            return pa.date32()
        if self.kind == "int":
            return pa.int64()
        if isinstance(self.codes, Mapping) and all(
            isinstance(v, bool) for v in self.codes.values()
        ):
            return pa.bool_()
        return pa.string()


class RowNumbers:
    """Labels for tabular files: the spreadsheet row number (header = 1, data from 2)."""

    def __init__(self, numbers: Sequence[int] | np.ndarray | None = None, first: int = 2):
        self.numbers = None if numbers is None else np.asarray(numbers, dtype=np.int64)
        self.first = first

    def __call__(self, index: int, field: str | None = None) -> int:
        return int(self.numbers[index]) if self.numbers is not None else index + self.first


class XmlPaths:
    """Labels for XML records: the record's path, plus the element of the field.

    A source starting ``child:`` is relative to the enclosing child's path instead (used
    for the child identifier repeated on every row of a child's records).
    """

    def __init__(
        self,
        paths: Sequence[str],
        sources: Mapping[str, str],
        child_paths: Sequence[str] | None = None,
    ):
        self.paths, self.sources, self.child_paths = paths, sources, child_paths

    def __call__(self, index: int, field: str | None = None) -> str:
        base = self.paths[index]
        source = self.sources.get(field, "") if field else ""
        if source.startswith("child:") and self.child_paths is not None:
            return f"{self.child_paths[index]}/{source[len('child:') :]}"
        return f"{base}/{source}" if source else base


KEY_FIELDS = frozenset({"CHILD", "DECOM", "DEC", "RNE", "LS", "PLACE", "REC", "DOB", "SEX", "YEAR"})
"""Fields a row cannot be used without (identity, dates, and what places and counts an
episode). A bad value anywhere else leaves the row in, with that value unknown, when
skipping invalid rows (issue 13: an unknown ACCOM code must not take a care leaver out of
the denominator)."""

SOFT_RULES = frozenset(
    {"invalid_code", "invalid_postcode", "invalid_integer", "out_of_range", "invalid_format",
     "invalid_upn", "invalid_value"}
)  # fmt: skip


@dataclass
class TableCheck:
    """Problems found in one table of one file, and which rows they make unusable."""

    table: str
    file: str
    n: int
    labels: Labels
    bad: np.ndarray = field(init=False)
    _found: list[tuple[int, Problem]] = field(default_factory=list, init=False)
    _counts: Counter = field(default_factory=Counter, init=False)
    _hidden: dict[tuple[str, str], list[np.ndarray]] = field(default_factory=dict, init=False)
    soft_fields: set[str] = field(default_factory=set, init=False)
    nulled: dict[str, np.ndarray] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.bad = np.zeros(self.n, dtype=bool)

    def flag(
        self,
        rows: np.ndarray,
        field_name: str,
        rule: str,
        message: str | Callable[[str | None], str],
        values: pa.Array | None = None,
    ) -> None:
        """Record a problem for each row in ``rows`` (a boolean mask or row indices)."""
        rows = np.flatnonzero(rows) if rows.dtype == bool else np.asarray(rows, dtype=np.int64)
        if not rows.size:
            return
        if field_name in self.soft_fields and rule in SOFT_RULES:
            # A bad value in a field no figure keys on: with skip_invalid the row stays, with
            # this field unknown (the problem is still listed).
            mask = self.nulled.setdefault(field_name, np.zeros(self.n, dtype=bool))
            mask[rows] = True
        else:
            self.bad[rows] = True
        key = (field_name, rule)
        room = max(MAX_PROBLEMS_PER_RULE - self._counts[key], 0)
        shown, hidden = rows[:room], rows[room:]
        shown_values = [None] * len(shown)
        if values is not None and shown.size:
            shown_values = col.pylist(values.take(pa.array(shown)))
        for index, value in zip(shown.tolist(), shown_values, strict=True):
            text = message(value) if callable(message) else message
            shown_value = None if value is None else str(value)
            label = self.labels(index, field_name)
            problem = Problem(self.file, label, field_name, rule, text, shown_value)
            self._found.append((index, problem))
        self._counts[key] += len(shown)
        if hidden.size:
            self._hidden.setdefault(key, []).append(hidden)

    def _summaries(self) -> list[tuple[np.ndarray, Problem]]:
        out = []
        for (field_name, rule), parts in self._hidden.items():
            rows = np.sort(np.concatenate(parts))
            text = f"{len(rows)} more rows have the same problem ({rule}) in {field_name}"
            label = self.labels(int(rows[0]), field_name)
            out.append((rows, Problem(self.file, label, field_name, rule, text)))
        return out

    def problems(self) -> list[Problem]:
        """Every problem, in row order, then one summary per rule that hit the limit."""
        ordered = [p for _, p in sorted(self._found, key=lambda item: item[0])]
        return ordered + [p for _, p in self._summaries()]

    def skipped(self) -> list[SkippedRow]:
        """One entry per unusable row, with its problems."""
        by_row: dict[int, list[Problem]] = defaultdict(list)
        for index, problem in self._found:
            by_row[index].append(problem)
        for rows, summary in self._summaries():
            for index in rows.tolist():
                by_row[index].append(summary)
        return [
            SkippedRow(self.file, self.labels(index), self.table, tuple(by_row[index]))
            for index in np.flatnonzero(self.bad).tolist()
        ]


@dataclass
class Cleaned:
    """A converted table before rows are dropped: its columns, day numbers and checks."""

    check: TableCheck
    columns: dict[str, pa.Array]
    days: dict[str, tuple[np.ndarray, np.ndarray]]
    order: list[str] = field(default_factory=list)
    groups: dict[str, np.ndarray] = field(default_factory=dict)

    def table(self, keep: np.ndarray | None = None) -> pa.Table:
        names = [n for n in self.order if n in self.columns]
        names += [n for n in self.columns if n not in names]
        columns = dict(self.columns)
        if keep is not None:
            for name, mask in self.check.nulled.items():
                if name in columns and mask.any():
                    column = columns[name]
                    columns[name] = pc.if_else(
                        pa.array(mask), pa.nulls(len(column), column.type), column
                    )
        table = pa.table({n: columns[n] for n in names})
        return table if keep is None else table.filter(pa.array(keep))


def clean(
    check: TableCheck,
    raw: Mapping[str, pa.Array | pa.ChunkedArray],
    fields: Sequence[Field],
    pseudonymiser: Pseudonymiser,
    today: date,
    date_hint: str = "dd/mm/yyyy",
) -> Cleaned:
    """Convert each field of ``raw`` by kind and record its problems in ``check``."""
    today_days = (today - date(1970, 1, 1)).days
    cleaned = Cleaned(check, {}, {}, [f.name for f in fields])
    check.soft_fields = {
        f.name for f in fields if f.kind not in ("id", "date", "dob") and f.name not in KEY_FIELDS
    }
    columns, days_of = cleaned.columns, cleaned.days
    for spec in fields:
        if spec.name not in raw:
            columns[spec.name] = pa.nulls(check.n, spec.arrow_type)
            continue
        values = col.as_strings(raw[spec.name])
        invalid_rule, invalid_text = "invalid_value", "is not valid"
        future = np.zeros(check.n, dtype=bool)
        if spec.kind == "id":
            out, cleaned.groups[spec.name] = pseudonymiser.pseudonymise_with_groups(
                values, spec.domain
            )
            blank, invalid = cleaned.groups[spec.name] < 0, np.zeros(check.n, dtype=bool)
        elif spec.kind == "upn":
            out, blank, invalid = _upns(values, pseudonymiser)
            invalid_rule, invalid_text = "invalid_upn", "is not a valid UPN or UN code"
        elif spec.kind in ("date", "dob"):
            days, blank, invalid = col.dates(values)
            usable = ~blank & ~invalid
            if not spec.future_ok:
                future = usable & (days > today_days)
            if spec.kind == "dob":
                days = col.first_of_month(days)
            days_of[spec.name] = (days, usable)
            out = col.date_array(days, usable)
            invalid_rule, invalid_text = "invalid_date", f"is not a valid date ({date_hint})"
        elif spec.kind == "int":
            out, blank, invalid = col.integers(values)
            invalid_rule, invalid_text = "invalid_integer", "is not a whole number"
        elif spec.kind == "code":
            out, blank, invalid = col.codes(values, spec.codes or frozenset())
            invalid_rule, invalid_text = "invalid_code", "is not in the code list"
        elif spec.kind == "postcode":
            out, blank, invalid = col.postcodes(values)
            invalid_rule, invalid_text = "invalid_postcode", "is not a valid UK postcode"
        elif spec.kind == "pattern":
            out, blank, invalid = col.matching(values, spec.pattern or ".*")
            invalid_rule, invalid_text = "invalid_format", "is not in the expected format"
        else:
            out, blank, invalid = col.texts(values)
        columns[spec.name] = out
        shown = None if spec.kind in _SENSITIVE else values
        if spec.required:
            check.flag(blank, spec.name, "required", f"{spec.name} is blank but is required")
        check.flag(invalid, spec.name, invalid_rule, _describe(spec, invalid_text), shown)
        check.flag(future, spec.name, "future_date", _future(spec, today), shown)
        if spec.kind == "int" and (spec.lo is not None or spec.hi is not None):
            numbers = out.fill_null(0).to_numpy()
            usable = col.present(out)
            low = usable & (numbers < spec.lo) if spec.lo is not None else False
            high = usable & (numbers > spec.hi) if spec.hi is not None else False
            text = f"{spec.name} {{}} is outside {spec.lo} to {spec.hi}"
            check.flag(low | high, spec.name, "out_of_range", lambda v, t=text: t.format(v), out)
    return cleaned


def _describe(spec: Field, text: str) -> Callable[[str | None], str]:
    if spec.kind in _SENSITIVE:
        return lambda value: f"{spec.name} {text} (value not shown: personal data)"
    return lambda value: f"{spec.name} {value!r} {text}"


def _future(spec: Field, today: date) -> Callable[[str | None], str]:
    when = today.strftime("%d/%m/%Y")
    if spec.kind in _SENSITIVE:
        return lambda value: f"{spec.name} is after today ({when})"
    return lambda value: f"{spec.name} {value} is after today ({when})"


def _upns(values: pa.Array, pseudonymiser: Pseudonymiser):
    """UN codes (reasons a UPN is unknown) are kept; real UPNs are pseudonymised."""
    text = pc.utf8_upper(pc.utf8_trim_whitespace(values))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    blank = ~col.present(text)
    unknown = col.mask(pc.is_in(text, pa.array(sorted(UPN_UNKNOWN))))
    shaped = col.mask(pc.match_substring_regex(text, _UPN))
    real = pc.if_else(pa.array(shaped), text, pa.scalar(None, pa.string()))
    out = pc.if_else(pa.array(unknown), text, pseudonymiser.pseudonymise_array(real, "upn"))
    return out, blank, ~blank & ~unknown & ~shaped


def flag_order(cleaned: Cleaned, start: str, end: str) -> None:
    """``end`` must not be before ``start`` (both present and valid)."""
    if start not in cleaned.days or end not in cleaned.days:
        return
    (first, ok_first), (last, ok_last) = cleaned.days[start], cleaned.days[end]
    wrong = ok_first & ok_last & (last < first)
    cleaned.check.flag(
        wrong, end, "end_before_start", f"{end} is before {start}", cleaned.columns[end]
    )


def group_ids(keys: Sequence[pa.Array | np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A dense group number per row over several key columns, and which rows have all keys.

    A numpy key is used as it is (negative means missing); an Arrow key is encoded.
    """
    n = len(keys[0])
    gid = np.zeros(n, dtype=np.int64)
    complete = np.ones(n, dtype=bool)
    if not n:
        return gid, complete
    for key in keys:
        if isinstance(key, np.ndarray):
            codes = key.astype(np.int64)
        else:
            indices = pc.dictionary_encode(key).indices
            codes = indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        complete &= codes >= 0
        codes = codes - codes.min()
        combined = gid * (int(codes.max()) + 1) + codes
        gid = np.unique(combined, return_inverse=True)[1].reshape(-1).astype(np.int64)
    return gid, complete


def first_rows(gid: np.ndarray, rank: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each group the row to keep (the first, or the highest ``rank``; ties keep the
    first), as a mask, and for every row the index of its group's kept row."""
    n = len(gid)
    if rank is None:
        _, first, inverse = np.unique(gid, return_index=True, return_inverse=True)
        chosen = np.zeros(n, dtype=bool)
        chosen[first] = True
        return chosen, first[inverse.reshape(-1)]
    tiebreak = np.arange(n)
    order = np.lexsort((tiebreak, -rank, gid))
    sorted_gid = gid[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_gid[1:] != sorted_gid[:-1]
    chosen = np.zeros(n, dtype=bool)
    chosen[order[starts]] = True
    first_of = np.empty(n, dtype=np.int64)
    first_of[order] = np.repeat(order[starts], np.diff(np.append(np.flatnonzero(starts), n)))
    return chosen, first_of
