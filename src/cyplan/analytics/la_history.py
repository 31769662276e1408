"""Local authority code history: old LA numbers, ONS codes over time, names and regions.

Published statistics name an authority by its old 3-digit LA number (LAIT, GIAS) or by the
ONS code it had in that year (EES). Codes change when an authority is reorganised: some
changes keep the authority (Buckinghamshire E10000002 became E06000060 in 2020), others split
or merge authorities (Northamptonshire 2021, Dorset/Poole/Bournemouth 2019, Cumbria 2023).
The history ships as ``cyplan/data/la_code_history.csv`` (columns in ``docs/data-formats.md``).

* :meth:`LaHistory.current` follows code-only changes to the code in use today, so a figure
  published under an old code is filed for the authority that carries it on.
* :meth:`LaHistory.refusal` says why a figure cannot stand for a successor authority (a split
  or a merger) and is None when it can.
* :meth:`LaHistory.code_for_number` turns an old LA number (and a year) into an ONS code.
* :meth:`LaHistory.region` is the E12 region (London boroughs are in E12000007 even where EES
  files put them in Inner or Outer London, E13000001/2).

Pure Python: no Django import.

Example:
    >>> history = load_history()
    >>> history.current("E10000002"), history.code_for_number("305")
    ('E06000060', 'E09000006')
    >>> history.region("E09000006")
    'E12000007'
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

HISTORY_FILE = "la_code_history.csv"
COLUMNS = (
    "old_la_code", "ons_code", "name", "level", "region_code", "region_name", "ees_region_code",
    "ees_region_name", "first_year", "last_year", "successor_codes", "change", "note",
)  # fmt: skip
CHANGES = {"", "code", "split", "merged"}
LONDON = "E12000007"


@dataclass(frozen=True)
class CodeSpell:
    """One ONS code an authority (or England, a region) carried, and for which years."""

    old_la_code: str
    ons_code: str
    name: str
    level: str
    region_code: str
    region_name: str
    ees_region_code: str
    first_year: int | None
    last_year: int | None
    successors: tuple[str, ...]
    change: str
    note: str


class LaHistory:
    """Every code spell, looked up by ONS code and by old LA number."""

    def __init__(self, spells: list[CodeSpell]):
        self.spells = spells
        self.by_code = {spell.ons_code: spell for spell in spells}
        self.by_number: dict[str, list[CodeSpell]] = {}
        for spell in spells:
            self.by_number.setdefault(spell.old_la_code, []).append(spell)

    def current(self, code: str) -> str:
        """The code in use today for this code's authority (code-only changes followed)."""
        seen = set()
        code = code.strip().upper()
        while (spell := self.by_code.get(code)) and spell.change == "code" and code not in seen:
            seen.add(code)
            code = spell.successors[0]
        return code

    def refusal(self, old_code: str, successor: str) -> str | None:
        """Why a figure for ``old_code`` cannot stand for ``successor``; None when it can."""
        if self.current(old_code) == self.current(successor):
            return None
        spell = self.by_code.get(old_code.strip().upper())
        if spell and spell.change in ("split", "merged") and successor in spell.successors:
            name = self.name(successor)
            return (
                f"{spell.name} ({spell.ons_code}) is not {name}: {spell.note}. Its figures "
                f"cover a different area, so they are not shown as {name}'s."
            )
        return f"{old_code} and {successor} are different authorities."

    def predecessors(self, code: str) -> list[CodeSpell]:
        """Spells whose authority became ``code`` through a split or merger (never equal)."""
        code = self.current(code)
        return [s for s in self.spells if s.change in ("split", "merged") and code in s.successors]

    def code_for_number(self, number: str, year: int | None = None) -> str | None:
        """The ONS code of an old LA number (in ``year``, else the latest), or None."""
        text = number.strip()
        if text.endswith(".0"):  # numbers read from a spreadsheet as floats
            text = text[:-2]
        spells = self.by_number.get(text)
        if not spells:
            return None
        if year is not None:
            for spell in spells:
                if (spell.first_year or 0) <= year <= (spell.last_year or 9999):
                    return spell.ons_code
        latest = max(spells, key=lambda s: (s.last_year or 9999, s.first_year or 0))
        return latest.ons_code

    def name(self, code: str) -> str:
        spell = self.by_code.get(self.current(code)) or self.by_code.get(code)
        return spell.name if spell else code

    def region(self, code: str) -> str:
        """The E12 region of an authority ("" for England or an unknown code)."""
        spell = self.by_code.get(self.current(code)) or self.by_code.get(code)
        return spell.region_code if spell else ""

    def level(self, code: str) -> str:
        spell = self.by_code.get(code)
        return spell.level if spell else ""


def parse_history(text: str, name: str = HISTORY_FILE) -> LaHistory:
    """Read the history CSV text; ValueError naming the row and column of any problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{name}, row 1: missing column(s) {', '.join(missing)}")
    spells, problems = [], []
    for number, row in enumerate(reader, start=2):
        years = []
        for column in ("first_year", "last_year"):
            text_year = (row[column] or "").strip()
            if text_year and not text_year.isdigit():
                problems.append(
                    f"{name}, row {number}, column {column}: {text_year!r} is not a year"
                )
            years.append(int(text_year) if text_year.isdigit() else None)
        change = (row["change"] or "").strip()
        successors = tuple(c for c in (row["successor_codes"] or "").split(";") if c.strip())
        if change not in CHANGES:
            problems.append(f"{name}, row {number}, column change: {change!r} is not one of "
                            "code, split, merged or blank")  # fmt: skip
        elif change and not successors:
            problems.append(f"{name}, row {number}, column successor_codes: a {change} needs "
                            "the successor codes")  # fmt: skip
        spells.append(CodeSpell(
            row["old_la_code"].strip(), row["ons_code"].strip().upper(), row["name"].strip(),
            row["level"].strip(), row["region_code"].strip(), row["region_name"].strip(),
            row["ees_region_code"].strip(), years[0], years[1],
            tuple(s.strip().upper() for s in successors), change, (row["note"] or "").strip(),
        ))  # fmt: skip
    if problems:
        raise ValueError("; ".join(problems))
    return LaHistory(spells)


@cache
def load_history() -> LaHistory:
    """The history shipped in the package."""
    text = resources.files("cyplan.data").joinpath(HISTORY_FILE).read_text(encoding="utf-8")
    return parse_history(text)
