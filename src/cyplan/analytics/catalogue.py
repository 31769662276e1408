"""The indicator catalogue: what each outcome measure means, how it is counted and where it comes from.

``load_catalogue()`` reads the catalogue shipped in the package (``cyplan/data/indicators.yaml``,
format ``cyplan-indicators/1``), checks it against ``schemas/indicators.schema.json`` and against
the rules a schema cannot say, and returns a :class:`Catalogue` of frozen :class:`Indicator`
records. Every problem is reported at once in a :class:`CatalogueError`, each with the indicator
code, the field and the line it is on.

Pure Python (PyYAML and jsonschema only): no Django, so the CLI, a notebook and the web app can
all use it. The format is documented in ``docs/indicators.md``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

FORMAT = "cyplan-indicators/1"
PACKAGE = "cyplan.data"
CATALOGUE_FILE = "indicators.yaml"
SCHEMA_FILE = "schemas/indicators.schema.json"

#: The multiplier each unit must carry.
MULTIPLIER_FOR_UNIT = {
    "percent": 100,
    "rate per 10,000": 10_000,
    "rate per 100,000": 100_000,
    "count": 1,
    "days": 1,
    "score": 1,
}
RATE_UNITS = frozenset({"rate per 10,000", "rate per 100,000"})


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue file, and where it is."""

    file: str
    line: int | None
    code: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        who = f" {self.code}:" if self.code else ""
        subject = f" {self.field}:" if self.field else ""
        return f"{where}:{who}{subject} {self.message}"


class CatalogueError(Exception):
    """The catalogue file has problems; carries every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the indicator catalogue:\n"
            + "\n".join(f"  {problem}" for problem in self.problems)
        )


# --------------------------------------------------------------------------------------------
# The records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EesMapping:
    """The columns of an Explore Education Statistics (EES) CSV file that hold an indicator."""

    value: str
    numerator: str | None = None
    denominator: str | None = None
    filters: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def columns(self) -> frozenset[str]:
        """Every column the mapping names: value, numerator, denominator and filter columns."""
        named = {self.value, self.numerator, self.denominator, *self.filters}
        return frozenset(name for name in named if name)


@dataclass(frozen=True)
class Target:
    """A target value for an indicator, for a stated period."""

    value: float
    period: str
    note: str | None = None


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry. Field meanings: docs/indicators.md."""

    code: str
    title: str
    definition: str
    numerator: str
    denominator: str | None
    unit: str
    multiplier: int
    polarity: str
    confidence: float
    interval: str
    source: str
    official_definition: str
    period_type: str
    edge_cases: tuple[str, ...]
    ees: EesMapping | None = None
    computable_from: tuple[str, ...] = ()
    breakdowns: tuple[str, ...] = ()
    plan_nodes: tuple[str, ...] = ()
    target: Target | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Indicator:
        """Build an indicator from one checked catalogue entry."""
        ees = data.get("ees")
        target = data.get("target")
        return cls(
            code=data["code"],
            title=data["title"],
            definition=data["definition"],
            numerator=data["numerator"],
            denominator=data["denominator"],
            unit=data["unit"],
            multiplier=int(data["multiplier"]),
            polarity=data["polarity"],
            confidence=float(data["confidence"]),
            interval=data["interval"],
            source=data["source"],
            official_definition=data["official_definition"],
            period_type=data["period_type"],
            edge_cases=tuple(data["edge_cases"]),
            ees=(
                EesMapping(
                    value=ees["value"],
                    numerator=ees.get("numerator"),
                    denominator=ees.get("denominator"),
                    filters=MappingProxyType(dict(ees.get("filters", {}))),
                )
                if ees
                else None
            ),
            computable_from=tuple(data.get("computable_from", ())),
            breakdowns=tuple(data.get("breakdowns", ())),
            plan_nodes=tuple(data.get("plan_nodes", ())),
            target=(
                Target(float(target["value"]), target["period"], target.get("note"))
                if target
                else None
            ),
        )


class Catalogue:
    """The indicators, in file order, looked up by code."""

    def __init__(self, indicators: Iterable[Indicator], name: str = "<catalogue>"):
        self.name = name
        self._by_code: dict[str, Indicator] = {}
        for indicator in indicators:
            if indicator.code in self._by_code:
                raise ValueError(f"indicator code {indicator.code!r} appears twice")
            self._by_code[indicator.code] = indicator

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Indicator):
            return self._by_code.get(item.code) == item
        return item in self._by_code

    def __repr__(self) -> str:
        return f"<Catalogue {self.name}: {len(self)} indicators>"

    def get(self, code: str) -> Indicator:
        """The indicator with this code; KeyError (with close matches) if there is none."""
        try:
            return self._by_code[code]
        except KeyError:
            close = difflib.get_close_matches(str(code), self._by_code, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no indicator with code {code!r}{hint}") from None

    __getitem__ = get

    def codes(self) -> list[str]:
        """Every code, in file order."""
        return list(self._by_code)

    def by_source(self, source: str) -> list[Indicator]:
        """Indicators from this source (exact match; ``"EES"`` matches every ``EES: ...``)."""
        if source == "EES":
            return [i for i in self if i.source.startswith("EES: ")]
        return [i for i in self if i.source == source]

    def for_ees_columns(self, columns: Iterable[str]) -> list[Indicator]:
        """Indicators whose EES columns (value, numerator, denominator, filters) are all present.

        ``columns`` is a CSV header; a byte order mark and surrounding spaces are ignored.
        """
        header = {str(column).lstrip("\ufeff").strip() for column in columns}
        return [i for i in self if i.ees is not None and i.ees.columns() <= header]

    def for_plan_node(self, ref: str) -> list[Indicator]:
        """Indicators that measure a plan node, given as ``plan-slug#node-id``."""
        return [i for i in self if ref in i.plan_nodes]

    def as_list_json(self) -> list[dict[str, str]]:
        """A short listing, one object per indicator: code, title, unit and polarity."""
        return [
            {"code": i.code, "title": i.title, "unit": i.unit, "polarity": i.polarity} for i in self
        ]


# --------------------------------------------------------------------------------------------
# Loading and checking
# --------------------------------------------------------------------------------------------


@cache
def catalogue_schema() -> dict:
    """The JSON Schema of catalogue files, shipped in the package."""
    text = resources.files(PACKAGE).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read, check and return a catalogue: the packaged one, or the file at ``path``.

    Raises :class:`CatalogueError` listing every problem found.
    """
    if path is None:
        text = resources.files(PACKAGE).joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
        return parse_catalogue(text, CATALOGUE_FILE)
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CatalogueError(
            [Problem(str(path), None, None, "", f"cannot read the file: {error.strerror}")]
        ) from error
    except UnicodeDecodeError as error:
        raise CatalogueError(
            [Problem(str(path), None, None, "", "the file is not UTF-8 text; save it as UTF-8")]
        ) from error
    return parse_catalogue(text, str(path))


def parse_catalogue(text: str, name: str = "<catalogue>") -> Catalogue:
    """Check catalogue YAML text and return the catalogue, or raise :class:`CatalogueError`."""
    data, positions, problems = _parse_yaml(text, name)
    if not problems:
        problems = check_catalogue_data(data, positions, name)
    if problems:
        raise CatalogueError(problems)
    return Catalogue((Indicator.from_dict(entry) for entry in data["indicators"]), name)


class _Loader(yaml.SafeLoader):
    """Safe YAML loading that keeps dates as text, so the schema sees what was written."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_yaml(text: str, name: str) -> tuple[Any, dict[tuple, int], list[Problem]]:
    """Parse YAML into data and the line of every value; a syntax error is a problem."""
    positions: dict[tuple, int] = {}
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, positions, [Problem(name, 1, None, "", "the file is empty")]
        return _construct(root, loader, (), positions), positions, []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(filter(None, [error.context, error.problem])) or str(error)
        line = mark.line + 1 if mark else None
        return None, positions, [Problem(name, line, None, "", f"not valid YAML: {message}")]
    except yaml.YAMLError as error:
        return None, positions, [Problem(name, None, None, "", f"not valid YAML: {error}")]
    finally:
        loader.dispose()


def _construct(node: yaml.Node, loader: _Loader, path: tuple, positions: dict) -> Any:
    positions[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                )
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} appears twice in this mapping",
                    key_node.start_mark,
                )
            result[key] = _construct(value_node, loader, (*path, key), positions)
            # A field's line is the line of its key (a block value starts on the next line).
            positions[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, loader, (*path, index), positions)
            for index, item in enumerate(node.value)
        ]
    value = loader.construct_object(node, deep=True)
    return value.strip() if isinstance(value, str) else value


def _line(positions: dict[tuple, int], path: tuple) -> int | None:
    while True:
        if path in positions:
            return positions[path]
        if not path:
            return None
        path = path[:-1]


def _dotted(path: Iterable) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def check_catalogue_data(data: Any, positions: dict[tuple, int], name: str) -> list[Problem]:
    """Every problem with parsed catalogue data: the schema's, then the extra rules."""
    entries = data.get("indicators") if isinstance(data, dict) else None
    entries = entries if isinstance(entries, list) else []

    def who(index: int) -> str:
        entry = entries[index] if index < len(entries) else None
        code = entry.get("code") if isinstance(entry, dict) else None
        return code if isinstance(code, str) and code else f"indicators[{index}]"

    problems: list[Problem] = []
    validator = jsonschema.Draft202012Validator(catalogue_schema())
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        field_path, message = _describe(error)
        full_path = (*path, *field_path)
        if len(path) >= 2 and path[0] == "indicators" and isinstance(path[1], int):
            code, field_name = who(path[1]), _dotted(full_path[2:])
        else:
            code, field_name = None, _dotted(full_path)
        problems.append(Problem(name, _line(positions, full_path), code, field_name, message))

    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            for field_name, message in _entry_rules(entry):
                line = _line(positions, ("indicators", index, field_name))
                problems.append(Problem(name, line, who(index), field_name, message))

    first_seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str):
            continue
        if code in first_seen:
            line = _line(positions, ("indicators", index, "code"))
            earlier = _line(positions, ("indicators", first_seen[code], "code"))
            at = f" (line {earlier})" if earlier is not None else ""
            message = (
                f"the code {code!r} is used twice; the first is indicators[{first_seen[code]}]{at}"
            )
            problems.append(Problem(name, line, code, "code", message))
        else:
            first_seen[code] = index

    problems.sort(key=lambda p: p.line if p.line is not None else 0)
    return problems


def _describe(error: jsonschema.ValidationError) -> tuple[tuple, str]:
    """The field a schema error is about (relative to its path) and a plain message."""
    instance = error.instance
    if error.validator == "required":
        match = re.match(r"^'(.+)' is a required property$", error.message)
        missing = match.group(1) if match else ""
        return (missing,), "is missing; every indicator needs it"
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        names = ", ".join(repr(name) for name in extra)
        return (), f"unknown field{'s' if len(extra) != 1 else ''} {names}"
    if error.validator == "enum":
        allowed = ", ".join(repr(value) for value in error.validator_value)
        return (), f"{instance!r} is not one of {allowed}"
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] == "code":
        return (), f"{instance!r} is not kebab-case (lower-case letters, digits, single hyphens)"
    if error.validator == "anyOf" and error.absolute_path and error.absolute_path[-1] == "source":
        return (), (
            f"{instance!r} is not a known source: SSDA903, CIN census, Annex A, SEN2, "
            "OHID Fingertips, Ofsted, local data, ONS, or 'EES: <publication name>'"
        )
    return (), error.message


def _entry_rules(entry: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Rules a schema cannot say, for one indicator; yields (field, message)."""
    unit, multiplier, interval = entry.get("unit"), entry.get("multiplier"), entry.get("interval")
    known_unit = isinstance(unit, str) and unit in MULTIPLIER_FOR_UNIT
    if known_unit and isinstance(multiplier, int | float) and not isinstance(multiplier, bool):
        wanted = MULTIPLIER_FOR_UNIT[unit]
        if multiplier != wanted:
            yield "multiplier", f"is {multiplier:g} but the unit {unit!r} needs {wanted}"
    if known_unit and interval in {"wilson", "byar", "none"}:
        if unit in RATE_UNITS and interval != "byar":
            yield "interval", f"a rate ({unit!r}) uses 'byar', not {interval!r}"
        elif interval == "wilson" and unit != "percent":
            yield "interval", f"'wilson' is for proportions (unit 'percent'), not {unit!r}"
        elif interval == "byar" and unit not in RATE_UNITS:
            yield "interval", f"'byar' is for rates over a population, not {unit!r}"
    needs_denominator = unit == "percent" or unit in RATE_UNITS
    if known_unit and needs_denominator and "denominator" in entry and entry["denominator"] is None:
        yield "denominator", f"a {unit!r} indicator needs a denominator"
    target = entry.get("target")
    if known_unit and isinstance(target, dict) and isinstance(target.get("value"), int | float):
        value = target["value"]
        if unit == "percent" and not 0 <= value <= 100:
            yield "target", f"a percentage target must be between 0 and 100, not {value:g}"
        elif value < 0:
            yield "target", f"a target cannot be negative ({value:g})"
    ees = entry.get("ees")
    if (
        isinstance(ees, dict)
        and ees.get("numerator")
        and ees.get("numerator") == ees.get("denominator")
    ):
        yield "ees", "numerator and denominator name the same column"
