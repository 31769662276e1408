"""ONS mid-year population estimates by single year of age (the MYE2 persons table).

The table as ONS publishes it (and as Excel saves it as CSV) has a few lines of preamble, then
the header ``Code,Name,Geography,All ages,0,1,...,89,90+``, then one row per area, with the
numbers as text with thousands separators and padding (``" 331,162 "``). Some copies end with
repeated rows under placeholder names (``LA_1``...); these are skipped and listed.
``read_mid_year_estimates`` finds the header, checks every age column is there and every
count is a whole number, and checks the ages add up to "All ages". Layout:
``docs/data-formats.md``. Pure Python: no Django import.

Example:
    >>> table = read_mid_year_estimates("mid_year_population_2023_persons.csv")  # doctest: +SKIP
    >>> table.aged("E09000006", 0, 17), table.names["E09000006"]  # doctest: +SKIP
    (72770, 'Bromley')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cyplan.analytics.ees import DataFileError, DataProblem, close_matches, csv_rows

FIXED_COLUMNS = ("Code", "Name", "Geography", "All ages")
"""The columns before the ages, in the header row."""

_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_PLACEHOLDER = re.compile(r"LA_\d+", re.IGNORECASE)


@dataclass(frozen=True)
class AreaPopulation:
    """One area's estimate: ``by_age[a]`` people aged a; the last entry is top age and over."""

    code: str
    name: str
    geography: str
    all_ages: int
    by_age: tuple[int, ...]
    row: int


@dataclass(frozen=True)
class SkippedRow:
    """A row left out on purpose (a repeat of an earlier area, a note under the table)."""

    file: str
    row: int
    code: str
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.code} {self.name} skipped: {self.reason}"


@dataclass
class PopulationTable:
    """Population by single year of age for each area, by ONS code.

    ``top_age`` is the open-ended last age group (90 for "90+").
    """

    path: Path
    top_age: int
    areas: dict[str, AreaPopulation] = field(default_factory=dict)
    problems: list[DataProblem] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        """Each area's name by code."""
        return {code: area.name for code, area in self.areas.items()}

    @property
    def geographies(self) -> dict[str, str]:
        """Each area's kind ("Country", "Region", "London Borough"...) by code."""
        return {code: area.geography for code, area in self.areas.items()}

    def aged(self, code: str, first_age: int = 0, last_age: int | None = None) -> int:
        """People aged ``first_age`` to ``last_age`` inclusive in the area with this code.

        ``last_age=None`` means "and over" (to the open top group, e.g. 90+). Single ages
        stop below ``top_age``, so a ``last_age`` of ``top_age`` or more is refused.

        Raises:
            KeyError: no area has this code.
            ValueError: the ages are not a range the table can give.

        Example:
            >>> table.aged("E09000006", 0, 17)  # doctest: +SKIP
            72770
        """
        area = self.areas.get(code.strip().upper())
        if area is None:
            raise KeyError(f"No area has code {code!r} in {self.path}: see .names for the codes.")
        if first_age < 0 or (last_age is not None and last_age < first_age):
            raise ValueError(f"Ages {first_age} to {last_age} are not a range.")
        if first_age > self.top_age or (last_age is not None and last_age >= self.top_age):
            raise ValueError(
                f"Ages from {self.top_age} are published only together as {self.top_age}+: "
                "use last_age=None for 'and over'."
            )
        stop = len(area.by_age) if last_age is None else last_age + 1
        return sum(area.by_age[first_age:stop])

    def ages_0_17(self) -> dict[str, int]:
        """Children (aged 0 to 17) in every area, by code."""
        return {code: sum(area.by_age[:18]) for code, area in self.areas.items()}


def read_mid_year_estimates(path: str | Path) -> PopulationTable:
    """Read an ONS mid-year estimates table of persons by single year of age (MYE2).

    Rows before the header (the row starting ``Code,Name``) are ignored. A repeat of an area
    already read with the same figures (the ``LA_1``... rows) is skipped and listed in
    ``skipped``; a repeat with different figures, a count that is not a whole number, or ages
    not adding up to "All ages" is a problem, and the row is left out.

    Raises:
        DataFileError: no header row, or a column missing (Code, Name, Geography, All ages,
            a single age, or the open-ended top age like ``90+``).

    Example (England's children in mid-2023):
        >>> read_mid_year_estimates(path).ages_0_17()["E92000001"]  # doctest: +SKIP
        11998646
    """
    path = Path(path)
    name = str(path)
    rows = enumerate(csv_rows(path), start=1)
    for number, cells in rows:
        if [cell.strip().casefold() for cell in cells[:2]] == ["code", "name"]:
            header, header_row = [cell.strip() for cell in cells], number
            break
    else:
        message = "No header row starting 'Code,Name' was found."
        action = "Use the MYE2 persons table (single year of age) saved as CSV."
        raise DataFileError([DataProblem(name, 0, "", message, action)])
    top, counted = _columns(name, header_row, header)
    geography = header.index("Geography")
    table = PopulationTable(path, top)
    seen: dict[str, AreaPopulation] = {}
    for number, cells in rows:
        code, area_name = (cell.strip() for cell in (cells + ["", ""])[:2])
        if len(cells) < len(header) or not code:
            if any(cell.strip() for cell in cells):
                reason = "not a data row (a note under the table?)"
                table.skipped.append(SkippedRow(name, number, code, area_name, reason))
            continue
        counts = _counts(name, number, header, cells, counted, table.problems)
        if counts is None:
            continue
        all_ages, by_age = counts[0], tuple(counts[1:])
        kind = cells[geography].strip()
        area = AreaPopulation(code, area_name, kind, all_ages, by_age, number)
        earlier = seen.get(code)
        if earlier is not None:
            if (earlier.all_ages, earlier.by_age) == (all_ages, by_age):
                reason = f"repeats row {earlier.row} ({earlier.name})"
                table.skipped.append(SkippedRow(name, number, code, area_name, reason))
            else:
                message = f"{code} appears again (row {earlier.row}) with different figures."
                action = "Check which row is right and remove the other; this one is left out."
                table.problems.append(DataProblem(name, number, "Code", message, action))
            continue
        if _PLACEHOLDER.fullmatch(area_name):
            message = f"{area_name!r} is a placeholder, not the area's name."
            action = "Put the area's real name; its figures are read anyway."
            table.problems.append(DataProblem(name, number, "Name", message, action))
        if sum(by_age) != all_ages:
            message = f"The ages add up to {sum(by_age):,} but All ages is {all_ages:,}."
            action = "Check the row against the published table; it is left out."
            table.problems.append(DataProblem(name, number, "All ages", message, action))
            continue
        seen[code] = table.areas[code] = area
    return table


def _columns(name: str, number: int, header: list[str]) -> tuple[int, list[int]]:
    """The top age, and where All ages then each age are; refuse a column missing."""
    at = {column: index for index, column in enumerate(header)}
    singles = {int(column) for column in header if column.isdigit()}
    tops = [column for column in header if column[:-1].isdigit() and column[-1:] == "+"]
    problems = []
    for column in FIXED_COLUMNS:
        if column not in at:
            message = "Column missing." + close_matches(column, header)
            action = "Use the MYE2 persons table as published."
            problems.append(DataProblem(name, number, column, message, action))
    if len(tops) != 1:
        message = "No single open-ended top age column (like 90+)."
        action = "Use the table by single year of age, which ends with 90+."
        problems.append(DataProblem(name, number, "90+", message, action))
    top = int(tops[0][:-1]) if len(tops) == 1 else max(singles, default=-1) + 1
    for age in range(top):
        if age not in singles:
            message = f"The column for age {age} is missing."
            action = "Every single year of age is needed: use the table as published."
            problems.append(DataProblem(name, number, str(age), message, action))
    if problems:
        raise DataFileError(problems)
    return top, [at["All ages"], *(at[str(age)] for age in range(top)), at[tops[0]]]


def _counts(
    name: str,
    number: int,
    header: list[str],
    cells: list[str],
    counted: list[int],
    problems: list[DataProblem],
) -> list[int] | None:
    """All ages then each age in order as whole numbers; None (and problems) if one is not."""
    counts = []
    for index in counted:
        text = cells[index].strip()
        if _COUNT.fullmatch(text):
            counts.append(int(text.replace(",", "")))
        else:
            message = f"{text!r} is not a whole number."
            action = "Correct it from the published table; the row is left out."
            problems.append(DataProblem(name, number, header[index], message, action))
    return counts if len(counts) == len(counted) else None
