"""Vectorised cleaning of one column of strings: codes, dates, integers, postcodes.

Every function follows the same plan: a fast check over the raw Arrow buffers accepts the
values that are already right (nearly all of them in a good return); only the values it
rejects go through a slower per-value Python path that trims spaces, upper-cases and tries
the other accepted spellings. A value that still fails is reported as invalid.

Each returns ``(values, blank, invalid)``: the cleaned column and two numpy boolean masks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .pseudonymise import postcode_district

_EPOCH = date(1970, 1, 1)
_SLOW_DATE = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?Z?)?$"), (1, 2, 3)),
)
_INTEGER = re.compile(r"^[+-]?\d{1,12}(?:\.0+)?$")
MIN_YEAR, MAX_YEAR = 1900, 2100


def as_strings(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous ``string`` array (Arrow's int32-offset string type)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    return column


def present(values: pa.Array) -> np.ndarray:
    """True where the value is not null."""
    if values.null_count == 0:
        return np.ones(len(values), dtype=bool)
    return values.is_valid().to_numpy(zero_copy_only=False)


def pylist(values: pa.Array | pa.ChunkedArray) -> list:
    """Python values of a column; much faster than ``to_pylist`` for strings."""
    if pa.types.is_string(values.type):
        return values.to_numpy(zero_copy_only=False).tolist()
    return values.to_pylist()


def mask(flags: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A numpy boolean mask from an Arrow boolean column; null counts as False."""
    return flags.fill_null(False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start offsets, lengths and the data bytes of a string array, without copying."""
    n, offset = len(values), values.offset
    buffers = values.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=offset + n + 1)[offset:]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0)
    starts = offsets[:-1].astype(np.int64)
    return starts, (offsets[1:] - offsets[:-1]).astype(np.int64), data


def _fix_slowly(
    values: pa.Array, rows: np.ndarray, fix: Callable[[str], object]
) -> tuple[list[object], np.ndarray, np.ndarray]:
    """Apply ``fix`` to the trimmed value of each row in ``rows``; None means invalid."""
    fixed: list[object] = []
    blank = np.zeros(len(rows), dtype=bool)
    invalid = np.zeros(len(rows), dtype=bool)
    for k, raw in enumerate(pylist(values.take(pa.array(rows)))):
        text = raw.strip()
        result = None if not text else fix(text)
        if not text:
            blank[k] = True
        elif result is None:
            invalid[k] = True
        fixed.append(result)
    return fixed, blank, invalid


def codes(
    values: pa.Array, accepted: Mapping[str, object] | frozenset[str]
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Check values against a code list; a mapping also translates (``"1"`` -> ``"M"``)."""
    keys = list(accepted) if isinstance(accepted, Mapping) else sorted(accepted)
    value_set = pa.array(keys, pa.string())
    found = pc.index_in(values, value_set=value_set)
    if isinstance(accepted, Mapping):
        targets = list(accepted.values())
        out_type = pa.bool_() if all(isinstance(t, bool) for t in targets) else pa.string()
        out = pc.take(pa.array(targets, out_type), found)
    else:
        out_type, out = pa.string(), values
    is_present = present(values)
    rest = np.flatnonzero(is_present & ~present(found))
    blank, invalid = ~is_present, np.zeros(len(values), dtype=bool)
    if rest.size:
        mapping = accepted if isinstance(accepted, Mapping) else {k: k for k in keys}
        lookup = {k: mapping[k] for k in keys}

        def fix(text: str) -> object:
            return lookup.get(text.upper())

        fixed, slow_blank, slow_invalid = _fix_slowly(values, rest, fix)
        blank[rest], invalid[rest] = slow_blank, slow_invalid
        out = _replace(out, rest, fixed, out_type)
    return out, blank, invalid


def _replace(out: pa.Array, rows: np.ndarray, new: list[object], out_type: pa.DataType):
    mask = np.zeros(len(out), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(out, pa.array(mask), pa.array(new, out_type))


_YEARS = np.arange(MIN_YEAR, MAX_YEAR + 1)
_LEAP = (_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))
_YEAR_START = np.array(
    [(date(int(y), 1, 1) - _EPOCH).days for y in _YEARS], dtype=np.int32
)  # days from 1970-01-01 to 1 January of each year
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_MONTH_START = np.concatenate([[0, 0], np.cumsum(_MONTH_DAYS[1:-1])]).astype(np.int32)


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 for each (year, month, day) and whether it is a real date.

    Table look-ups over the years 1900 to 2100: much faster than datetime64 conversions.
    """
    ok = (year >= MIN_YEAR) & (year <= MAX_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
    y = np.where(ok, year - MIN_YEAR, 0)
    m = np.where(ok, month, 1)
    leap = _LEAP[y]
    ok &= day <= _MONTH_DAYS[m] + (leap & (m == 2))
    days = _YEAR_START[y] + _MONTH_START[m] + (leap & (m > 2)) + day - 1
    return days.astype(np.int64), ok


def _fixed_width_dates(values: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse dd/mm/yyyy and yyyy-mm-dd (exactly 10 characters) straight from the bytes."""
    starts, lengths, data = _bytes(values)
    days = np.zeros(len(values), dtype=np.int64)
    ok = np.zeros(len(values), dtype=bool)
    candidates = rows[lengths[rows] == 10]
    if not candidates.size:
        return days, ok
    first = starts[candidates]
    if candidates.size == len(values) and np.all(np.diff(first) == 10):
        chars = data[first[0] : first[0] + 10 * len(first)].reshape(-1, 10)  # no copy
    else:
        chars = data[first[:, None] + np.arange(10)]  # (k, 10) bytes
    digit = [chars[:, j] - np.uint8(48) for j in range(10)]  # non-digits wrap to > 9

    def number(at: int, width: int) -> np.ndarray:
        total = digit[at].astype(np.int32)
        for k in range(at + 1, at + width):
            total = total * 10 + digit[k]
        return total

    for (s1, s2), sep, (yp, mp, dp) in (
        ((2, 5), 47, (6, 3, 0)),  # dd/mm/yyyy
        ((4, 7), 45, (0, 5, 8)),  # yyyy-mm-dd
    ):
        shape = (chars[:, s1] == sep) & (chars[:, s2] == sep)
        if not shape.any():
            continue
        for j in range(10):
            if j not in (s1, s2):
                shape &= digit[j] <= 9
        d, good = _days(number(yp, 4), number(mp, 2), number(dp, 2))
        take = shape & good
        days[candidates[take]] = d[take]
        ok[candidates[take]] = True
    return days, ok


def _slow_date(text: str) -> int | None:
    for pattern, (yi, mi, di) in _SLOW_DATE:
        match = pattern.match(text)
        if match:
            try:
                parsed = date(int(match.group(yi)), int(match.group(mi)), int(match.group(di)))
            except ValueError:
                return None
            if not MIN_YEAR <= parsed.year <= MAX_YEAR:
                return None
            return (parsed - _EPOCH).days
    return None


def dates(values: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days since 1970 (int64) for dd/mm/yyyy or yyyy-mm-dd dates; 0 where blank/invalid.

    Also accepted: one-digit day or month (1/2/2020) and a midnight time part, which
    spreadsheet exports add. Two-digit years and impossible dates (31/02) are invalid.
    """
    is_present = present(values)
    rows = np.flatnonzero(is_present)
    days, ok = _fixed_width_dates(values, rows)
    blank, invalid = ~is_present, np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(is_present & ~ok)
    if rest.size:
        fixed, slow_blank, slow_invalid = _fix_slowly(values, rest, _slow_date)
        days[rest] = [0 if f is None else f for f in fixed]
        blank[rest], invalid[rest] = slow_blank, slow_invalid
    return days, blank, invalid


def date_array(days: np.ndarray, usable: np.ndarray) -> pa.Array:
    """A ``date32`` column from day numbers, null where not ``usable``."""
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=~usable).view(pa.date32())


def first_of_month(days: np.ndarray) -> np.ndarray:
    """Replace each day number (1900 to 2100) by the first day of its month."""
    y = np.clip(np.searchsorted(_YEAR_START, days, side="right") - 1, 0, len(_YEARS) - 1)
    day_of_year = days - _YEAR_START[y]
    leap = _LEAP[y]
    shifted = day_of_year - (leap & (day_of_year >= 60))  # as if 29 February did not exist
    month = np.searchsorted(_MONTH_START[1:13], shifted, side="right")
    month = np.where(leap & (day_of_year == 59), 2, month)  # 29 February itself
    return (days - day_of_year + _MONTH_START[month] + (leap & (month > 2))).astype(np.int64)


def integers(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Whole numbers (``3`` or ``3.0``) as int64."""
    is_present = present(values)
    fast_ok = mask(pc.match_substring_regex(values, r"^-?\d{1,12}$"))
    numbers = np.zeros(len(values), dtype=np.int64)
    if fast_ok.any():
        rows = np.flatnonzero(fast_ok)
        numbers[rows] = pc.cast(values.take(pa.array(rows)), pa.int64()).to_numpy()
    blank, invalid = ~is_present, np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(is_present & ~fast_ok)
    if rest.size:

        def fix(text: str) -> int | None:
            return int(float(text)) if _INTEGER.match(text) else None

        fixed, slow_blank, slow_invalid = _fix_slowly(values, rest, fix)
        numbers[rest] = [0 if f is None else f for f in fixed]
        blank[rest], invalid[rest] = slow_blank, slow_invalid
    usable = ~blank & ~invalid
    return pa.array(numbers, pa.int64(), mask=~usable), blank, invalid


def postcodes(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The district (outward code) of each postcode; the rest of the postcode is dropped."""
    is_present = present(values)
    starts, lengths, data = _bytes(values)
    shape = is_present & (lengths >= 6) & (lengths <= 8)
    rows = np.flatnonzero(shape)
    if rows.size:  # "AB1 2CD": a space, a digit and two capital letters at the end
        end = starts[rows] + lengths[rows]
        good = data[end - 4] == 32
        good &= (data[end - 3] >= 48) & (data[end - 3] <= 57)
        for back in (2, 1):
            good &= (data[end - back] >= 65) & (data[end - back] <= 90)
        shape[rows[~good]] = False
    outward = pc.utf8_slice_codeunits(values, 0, -4)
    distinct = pc.unique(outward.filter(pa.array(shape)))
    bad_outward = [d for d in pylist(distinct) if postcode_district(d) != d]
    if bad_outward:
        shape &= ~mask(pc.is_in(outward, pa.array(bad_outward)))
    out = pc.if_else(pa.array(shape), outward, pa.scalar(None, pa.string()))
    blank, invalid = ~is_present, np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(is_present & ~shape)
    if rest.size:
        fixed, slow_blank, slow_invalid = _fix_slowly(values, rest, postcode_district)
        blank[rest], invalid[rest] = slow_blank, slow_invalid
        out = _replace(out, rest, fixed, pa.string())
    return out, blank, invalid


def texts(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Free text, trimmed; only blanks are detected."""
    trimmed = pc.utf8_trim_whitespace(values)
    out = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    return out, ~present(out), np.zeros(len(values), dtype=bool)


def matching(values: pa.Array, pattern: str) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Text that must match a regular expression (after trimming and upper-casing)."""
    out, blank, _ = texts(values)
    out = pc.utf8_upper(out)
    ok = mask(pc.match_substring_regex(out, pattern))
    return out, blank, ~blank & ~ok
