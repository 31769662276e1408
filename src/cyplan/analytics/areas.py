"""Official local authority (LA) codes, names and regions, and statistical neighbours.

``load_local_authorities`` reads an LA codes file (name, 3-digit GIAS code, 9-character ONS
code) and optionally an LA-to-region file into an :class:`AreaDirectory`, which resolves a
name, an old code or a new code. Names differ between sources ("Bristol, City of", "Bedford
Borough", "St. Helens"), so they are matched on :func:`normalise_name`.
``read_statistical_neighbours`` reads the DfE statistical neighbours file (one column per
LA, ten neighbours ranked below the name). Formats: ``docs/data-formats.md``. Pure Python.

Example:
    >>> normalise_name("Bristol, City of"), normalise_name("London Borough of Bromley")
    ('bristol', 'bromley')
    >>> normalise_name("Bedford Borough") == normalise_name("Bedford")
    True
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cyplan.analytics.ees import DataFileError, DataProblem, close_matches, csv_rows

ENGLAND_CODE = "E92000001"

REGION_CODES: dict[str, str] = {
    "North East": "E12000001",
    "North West": "E12000002",
    "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004",
    "West Midlands": "E12000005",
    "East of England": "E12000006",
    "London": "E12000007",
    "South East": "E12000008",
    "South West": "E12000009",
}
"""The ONS codes of England's nine regions, by official name."""

SUPERSEDED_CODES: dict[str, str] = {
    "E10000002": "E06000060",  # Buckinghamshire, unitary from 2020
    "E10000023": "E06000065",  # North Yorkshire, unitary from 2023
    "E10000027": "E06000066",  # Somerset, unitary from 2023
    "E06000048": "E06000057",  # Northumberland, boundary change 2013
    "E08000020": "E08000037",  # Gateshead, boundary change 2013
}
"""Old ONS codes of LAs that kept their old (GIAS) code, and their current ONS code."""

ALIASES: dict[str, str] = {
    "bristol city of": "bristol",
    "city of bristol": "bristol",
    "kingston upon hull city of": "kingston upon hull",
    "hull": "kingston upon hull",
    "herefordshire county of": "herefordshire",
    "county durham": "durham",
    "saint helens": "st helens",
    "bournemouth christchurch and poole": "bournemouth christchurch and poole",
    "bcp": "bournemouth christchurch and poole",
    "city of london": "city of london",
    "city of london corporation": "city of london",
    "southend": "southend on sea",
}
"""Known spellings, as case-folded words, and the key they stand for (see normalise_name)."""

_PHRASES = re.compile(
    r"\b(?:london borough of|royal borough of|metropolitan borough of|city of|county of"
    r"|county|council|the)\b"
)
_SUFFIXES = re.compile(r"\s(?:borough|city)$")
_FORMER = re.compile(r"^pre[\s-]*lgr\s*\(?(\d{4})\)?\s+(.+)$", re.IGNORECASE)
_OLD_CODE = re.compile(r"\d{3}")
_NEW_CODE = re.compile(r"[EWSNK]\d{8}")
PLACEHOLDER_CODE = "X999999"
"""The new code the LA codes file gives authorities abolished before ONS codes existed."""


def _words(name: str) -> str:
    """Case-folded words: '&' is 'and', apostrophes go, other punctuation is a space."""
    text = name.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def normalise_name(name: str) -> str:
    """The key two spellings of one area's name share.

    Case-folded; ``&`` becomes "and"; punctuation goes; the phrases "london borough of",
    "royal borough of", "metropolitan borough of", "city of", "county of", "county",
    "council" and "the" go, as does a final "borough" or "city"; spaces collapse. Known
    spellings in ``ALIASES`` are looked up before and after ("City of London" is kept whole).

    Example:
        >>> normalise_name("Kingston Upon Hull, City of"), normalise_name("St. Helens")
        ('kingston upon hull', 'st helens')
    """
    words = _words(name)
    if words in ALIASES:
        return ALIASES[words]
    stripped = " ".join(_SUFFIXES.sub("", " ".join(_PHRASES.sub(" ", words).split())).split())
    return ALIASES.get(stripped, stripped) or words


@dataclass(frozen=True)
class LocalAuthority:
    """One LA. ``new_code`` is None for authorities abolished before ONS codes existed.

    ``former`` marks an authority since reorganised ("Pre-LGR 2023 Cumbria").
    """

    name: str
    old_code: str
    new_code: str | None
    region_name: str | None = None
    region_code: str | None = None
    former: bool = False


class CodeIndex(dict[str, LocalAuthority]):
    """LAs by code: a dict, and callable for a look-up that gives None when the code is unknown.

    Example:
        >>> CodeIndex({"305": LocalAuthority("Bromley", "305", "E09000006")})("305").name
        'Bromley'
    """

    def __call__(self, code: str) -> LocalAuthority | None:
        return self.get(code.strip().upper())


@dataclass
class AreaDirectory:
    """All LAs, found by name, old (GIAS) code or new (ONS) code.

    ``by_new_code`` and ``by_old_code`` are :class:`CodeIndex` dicts (``by_new_code[code]`` or
    ``by_new_code(code)``); ``by_name`` is keyed by :func:`normalise_name`.
    """

    authorities: list[LocalAuthority]
    problems: list[DataProblem] = field(default_factory=list)
    by_new_code: CodeIndex = field(init=False)
    by_old_code: CodeIndex = field(init=False)
    by_name: dict[str, LocalAuthority] = field(init=False)

    def __post_init__(self) -> None:
        self.by_new_code = CodeIndex((la.new_code, la) for la in self.authorities if la.new_code)
        self.by_old_code = CodeIndex((la.old_code, la) for la in self.authorities)
        self.by_name = {}
        former = sorted(
            (
                (int(match[1]), normalise_name(match[2]), la)
                for la in self.authorities
                if la.former and (match := _FORMER.match(la.name))
            ),
            key=lambda item: item[0],
        )
        for _year, key, la in former:  # later reorganisations win
            self.by_name[key] = la
        for la in self.authorities:
            self.by_name[normalise_name(la.name)] = la

    def find(self, name_or_code: str) -> LocalAuthority | None:
        """The LA with this new code (or a superseded one), old code or name.

        Names match in any spelling normalise_name matches; current authorities first, then
        former ones by their plain name ("Cumbria"). None if there is none.

        Example:
            >>> directory.find("305").name  # doctest: +SKIP
            'Bromley'
        """
        text = name_or_code.strip()
        code = SUPERSEDED_CODES.get(text.upper(), text.upper())
        found = self.by_new_code.get(code) or self.by_old_code.get(text)
        return found or self.by_name.get(normalise_name(text))

    def suggest(self, name: str) -> str:
        """A 'did you mean' phrase naming the closest official names, or ""."""
        keys = difflib.get_close_matches(normalise_name(name), list(self.by_name), n=3)
        names = list(dict.fromkeys(self.by_name[key].name for key in keys))
        return f" Did you mean {' or '.join(map(repr, names))}?" if names else ""


def region_code(region_name: str) -> str | None:
    """The ONS code of an English region (any spelling normalise_name matches), or None."""
    key = normalise_name(region_name)
    return next((code for name, code in REGION_CODES.items() if normalise_name(name) == key), None)


def load_local_authorities(
    la_codes_path: str | Path, la_regions_path: str | Path | None = None
) -> AreaDirectory:
    """Read the LA codes file, and the LA-to-region file if given, into a directory.

    The codes file has three columns: name, 3-digit old (GIAS) code, 9-character new (ONS)
    code; a first row that is not codes is a header. The regions file has two: LA name and
    region name. Unknown names and regions are reported with the closest known names.

    Raises:
        DataFileError: the codes file is missing, empty or not UTF-8.

    Example:
        >>> directory = load_local_authorities("la_codes.csv", "la_regions.csv")  # doctest: +SKIP
        >>> directory.find("Bromley").region_code  # doctest: +SKIP
        'E12000007'
    """
    path, problems, authorities = Path(la_codes_path), [], []
    seen: dict[str, str] = {}  # old codes and name keys read so far, to the name given
    for number, cells in enumerate(csv_rows(path), start=1):
        cells = [cell.strip() for cell in cells] + ["", "", ""]
        if not any(cells) or (number == 1 and not _OLD_CODE.fullmatch(cells[1])):
            continue  # a blank row, or the header
        if not _OLD_CODE.fullmatch(cells[1]) or not cells[0]:
            message = f"{cells[1]!r} is not a 3-digit old LA code, or the name is blank."
            action = "Each row needs: name, 3-digit GIAS code, ONS code; the row is left out."
            problems.append(DataProblem(str(path), number, "old code", message, action))
            continue
        new = cells[2] if cells[2] != PLACEHOLDER_CODE else None
        if new is not None and not _NEW_CODE.fullmatch(new):
            message = f"{new!r} is not a 9-character ONS code."
            action = f"Correct it (like E09000006), or use {PLACEHOLDER_CODE} if there is none."
            problems.append(DataProblem(str(path), number, "new code", message, action))
            new = None
        former = _FORMER.match(cells[0]) is not None
        key = "" if former else normalise_name(cells[0])
        if (same := seen.get(cells[1]) or seen.get(key)) is not None:
            message = f"{cells[0]} ({cells[1]}) repeats the old code or name of {same}."
            action = "Remove the repeat; the row is left out."
            problems.append(DataProblem(str(path), number, "name", message, action))
            continue
        seen.update({cells[1]: cells[0], key or cells[1]: cells[0]})
        authorities.append(LocalAuthority(cells[0], cells[1], new, former=former))
    if not authorities:
        message = "No local authorities were found."
        raise DataFileError(problems or [DataProblem(str(path), 0, "", message, "Check the file.")])
    directory = AreaDirectory(authorities, problems)
    if la_regions_path is None:
        return directory
    regions = _read_regions(directory, Path(la_regions_path))
    authorities = [
        LocalAuthority(la.name, la.old_code, la.new_code, *regions[la.old_code], la.former)
        if la.old_code in regions
        else la
        for la in authorities
    ]
    return AreaDirectory(authorities, directory.problems)


def _read_regions(directory: AreaDirectory, path: Path) -> dict[str, tuple[str, str]]:
    """Each LA's (region name, region code) by old code, from the LA-to-region file."""
    regions: dict[str, tuple[str, str]] = {}
    for number, cells in enumerate(csv_rows(path), start=1):
        cells = [cell.strip() for cell in cells] + ["", ""]
        if not any(cells) or (number == 1 and region_code(cells[1]) is None):
            continue  # a blank row, or the header
        la, code = directory.find(cells[0]), region_code(cells[1])
        if code is None:
            message = f"{cells[1]!r} is not an English region."
            message += close_matches(cells[1], list(REGION_CODES))
            action = "Use one of the nine region names."
            directory.problems.append(DataProblem(str(path), number, "region", message, action))
        elif la is None:
            message = f"{cells[0]!r} is not a known LA.{directory.suggest(cells[0])}"
            action = "Correct the name, or add the spelling to ALIASES in areas.py."
            directory.problems.append(DataProblem(str(path), number, "LA", message, action))
        else:
            official = next(name for name, known in REGION_CODES.items() if known == code)
            regions[la.old_code] = (official, code)
    for la in directory.authorities:
        if not la.former and la.old_code not in regions:
            message = f"{la.name} ({la.old_code}) has no region."
            action = "Add a row for it with its region."
            directory.problems.append(DataProblem(str(path), 0, "LA", message, action))
    return regions


@dataclass
class NeighbourResult:
    """Each LA's statistical neighbours, nearest first, by new code; and the problems."""

    neighbours: dict[str, list[str]]
    problems: list[DataProblem]


def read_statistical_neighbours(path: str | Path, directory: AreaDirectory) -> NeighbourResult:
    """Read the DfE statistical neighbours file: header = LA names, ten names ranked below.

    Every name must resolve in ``directory``; one that does not is reported with its row and
    column and the closest known names, and left out. Blank rows at the end are ignored.

    Example (Bromley's nearest neighbour is Hertfordshire):
        >>> read_statistical_neighbours(path, directory).neighbours["E09000006"][0]  # doctest: +SKIP
        'E10000015'
    """
    path = Path(path)
    name = str(path)
    rows = [[cell.strip() for cell in cells] for cells in csv_rows(path)]
    if not rows or not any(rows[0]):
        message = "The file has no header row of LA names."
        raise DataFileError([DataProblem(name, 1, "", message, "Use the DfE neighbours file.")])
    neighbours: dict[str, list[str]] = {}
    problems: list[DataProblem] = []

    def resolve(text: str, row: int, column: str) -> str | None:
        la = directory.find(text)
        if la is not None and la.new_code:
            return la.new_code
        message = f"{text!r} is not a known LA with an ONS code.{directory.suggest(text)}"
        action = "Correct the name, or add the spelling to ALIASES in areas.py."
        problems.append(DataProblem(name, row, column, message, action))
        return None

    for index, heading in enumerate(rows[0]):
        column = f"{_letter(index)} ({heading or 'no name'})"
        names = [row[index] if index < len(row) else "" for row in rows[1:]]
        while names and not names[-1]:
            names.pop()
        if not heading:
            if names:
                message = "The column has neighbours but no LA name."
                problems.append(DataProblem(name, 1, column, message, "Add the LA name."))
            continue
        code = resolve(heading, 1, column)
        if code is None:
            continue
        if code in neighbours:
            message = f"A second column for {heading}."
            problems.append(DataProblem(name, 1, column, message, "Remove one of the columns."))
            continue
        ranked = []
        for rank, text in enumerate(names, start=1):
            if not text:
                message = f"Neighbour {rank} is blank."
                problems.append(DataProblem(name, rank + 1, column, message, "Fill it in."))
            elif (found := resolve(text, rank + 1, column)) is not None:
                if found == code or found in ranked:
                    message = f"{text!r} is the LA itself or is listed twice."
                    action = "Correct the list."
                    problems.append(DataProblem(name, rank + 1, column, message, action))
                else:
                    ranked.append(found)
        if len(names) != 10:
            message = f"{len(names)} neighbours are listed; the DfE model gives 10."
            action = "Check the column against the DfE file."
            problems.append(DataProblem(name, len(names) + 1, column, message, action))
        neighbours[code] = ranked
    return NeighbourResult(neighbours, problems)


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
