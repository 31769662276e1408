"""What a reader hands back: the cleaned tables, and every problem it found on the way in.

Row numbers. For CSV files and Excel sheets ``Problem.row`` is the 1-based row number as a
spreadsheet shows it: the header is row 1, so the first data row is row 2. Row 0 means the
file as a whole (it could not be opened, or is empty). For XML files ``Problem.row`` is an
XPath-like location such as ``/Message/Children/Child[3]/CINdetails[1]/CINreferralDate``
(repeated elements carry a 1-based index; ``/`` is the document as a whole).

Tables are pyarrow Tables rather than lists of dicts: they are columnar, typed (dates are
``date32``), cheap to filter and hand straight to DuckDB, which is what the indicator
engine queries them with. A national SSDA903 return is millions of cells; Python dicts
would cost several times the memory and time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

WHOLE_FILE = 0
"""``Problem.row`` for a problem with a CSV or Excel file as a whole."""

WHOLE_DOCUMENT = "/"
"""``Problem.row`` for a problem with an XML document as a whole."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value, row or file.

    ``rule`` is a short stable code (``invalid_code``, ``future_date`` ...) listed in
    docs/returns.md; ``message`` explains it in plain English. ``value`` is the offending
    value when it is safe to show: identifiers, dates of birth and postcodes are never
    echoed back, so a problem list can be shared without leaking personal data.
    """

    file: str
    row: int | str
    field: str
    rule: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.message}"


@dataclass(frozen=True)
class SkippedRow:
    """A row left out because of its problems (only when reading with ``skip_invalid``)."""

    file: str
    row: int | str
    table: str
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        reasons = "; ".join(f"{p.field}: {p.message}" for p in self.problems)
        return f"{self.file}:{self.row}: skipped ({reasons})"


@dataclass
class ReadResult:
    """The outcome of reading one return.

    ``ok`` is True when the tables can be loaded. Without ``skip_invalid`` any problem makes
    the result not ok and ``tables`` is empty: nothing half-checked is loaded. With
    ``skip_invalid`` rows with problems are left out and listed in ``skipped_rows``; the
    result is still not ok (and has no tables) if a problem concerns a whole file or
    column, such as a missing required column or an unsafe XML document.
    """

    tables: dict[str, pa.Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    ok: bool = True

    def summary(self) -> str:
        """A one-paragraph, human-readable account of the result."""
        if self.ok:
            sizes = ", ".join(f"{name}: {t.num_rows}" for name, t in sorted(self.tables.items()))
            head = f"Read {len(self.tables)} tables ({sizes})."
        else:
            head = "Not loaded: the return has problems to fix first."
        lines = [head]
        if self.skipped_rows:
            lines.append(f"{len(self.skipped_rows)} rows were skipped.")
        if self.problems:
            lines.append(f"{len(self.problems)} problems, first: {self.problems[0]}")
        return " ".join(lines)


def finish(
    tables: dict[str, pa.Table],
    problems: list[Problem],
    skipped: list[SkippedRow],
    fatal: bool,
    skip_invalid: bool,
) -> ReadResult:
    """Apply the loading rule: refuse everything, or keep the clean rows."""
    if not skip_invalid:
        skipped = []
    if fatal or (problems and not skip_invalid):
        return ReadResult(tables={}, problems=problems, skipped_rows=skipped, ok=False)
    return ReadResult(tables=tables, problems=problems, skipped_rows=skipped, ok=True)
