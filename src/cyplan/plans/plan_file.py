"""Read and check a plan file (YAML, format ``cyplan-plan/1``) before anything is written.

``read_plan_file`` returns the plan as plain data, or every problem found, each with the
file, line, column and field it concerns. It touches no database: the importer calls it
first and writes only when it found nothing wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from cyplan.plans.target_dates import TargetDateError, parse_target_date

FORMAT = "cyplan-plan/1"
#: Which kinds may sit under which: levels may be skipped, never reversed.
KIND_RANK = {"ambition": 0, "priority": 1, "commitment": 2, "action": 3}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, and where it is."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = f" {self.field}:" if self.field else ""
        return f"{where}:{subject} {self.message}"


@dataclass
class PlanFile:
    """A plan file's data, with where each value stands in the file."""

    name: str
    data: dict[str, Any] | None = None
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.problems

    def problem(self, path: Iterable, message: str) -> None:
        path = tuple(path)
        line, column = self.position(path)
        self.problems.append(Problem(self.name, line, column, dotted(path), message))

    def position(self, path: tuple) -> tuple[int | None, int | None]:
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (None, None)
            path = path[:-1]


class PlanFileError(Exception):
    """Raised by importers when a file has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was changed:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def dotted(path: Iterable) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


#: How deep lists and mappings may nest in a plan file. The deepest real plan file nests
#: about 6 levels (nodes, a node, its leads, a lead); 500 nested ``[`` would otherwise run
#: the YAML parser out of stack (RecursionError) instead of giving a clear problem.
MAX_NESTING = 50


class _Loader(yaml.SafeLoader):
    """Safe YAML loading that keeps dates as text, so the schema sees what was written.

    Aliases (``*name``) are refused: a plan file never needs them, and nested aliases
    ("billion laughs") would make a small file expand beyond memory. Nesting deeper than
    ``MAX_NESTING`` is refused with the line and column where it goes too deep.
    """

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"an alias (*{event.anchor}) is not allowed in a plan file; write the value out",
                event.start_mark,
            )
        if self._depth >= MAX_NESTING:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"lists and mappings are nested more than {MAX_NESTING} levels deep here; "
                "a plan file never needs that many (check the brackets)",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct(node: yaml.Node, loader: _Loader, path: tuple, positions: dict) -> Any:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
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
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, loader, (*path, index), positions)
            for index, item in enumerate(node.value)
        ]
    value = loader.construct_object(node, deep=True)
    # Surrounding white space is layout (a block scalar's final newline), not content.
    return value.strip() if isinstance(value, str) else value


@cache
def plan_schema() -> dict:
    """The JSON Schema of plan files, shipped in the package."""
    text = resources.files("cyplan.data").joinpath("schemas/plan.schema.json").read_text("utf-8")
    return json.loads(text)


def parse_yaml(text: str, name: str) -> PlanFile:
    """Parse YAML text into data and positions; a syntax error becomes a problem."""
    result = PlanFile(name=name)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # a control character, before any parsing
        line = text[: error.position].count("\n") + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        result.problems.append(
            Problem(name, line, column, "", f"this is not valid YAML: character "
                    f"#x{error.character:04x} is not allowed in a plan file; remove it")
        )  # fmt: skip
        return result
    try:
        root = loader.get_single_node()
        if root is None:
            result.problems.append(Problem(name, 1, 1, "", "the file is empty"))
            return result
        result.data = _construct(root, loader, (), result.positions)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = " ".join(filter(None, [error.context, error.problem])) or str(error)
        result.problems.append(
            Problem(name, line, column, "", f"this is not valid YAML: {message}")
        )
    except yaml.YAMLError as error:
        result.problems.append(Problem(name, None, None, "", f"this is not valid YAML: {error}"))
    finally:
        loader.dispose()
    return result


def read_plan_file(path: str | Path, display_name: str | None = None) -> PlanFile:
    """Read and check a plan file from disk."""
    path = Path(path)
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return PlanFile(
            name,
            problems=[Problem(name, None, None, "", f"cannot read the file: {error.strerror}")],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return PlanFile(
            name,
            problems=[
                Problem(name, line, None, "", "the file is not UTF-8 text; save it as UTF-8")
            ],
        )
    return check_plan_text(text, name)


def check_plan_text(text: str, name: str = "<plan>") -> PlanFile:
    """Parse and check plan YAML text."""
    result = parse_yaml(text, name)
    if result.data is not None:
        check_plan_data(result)
    return result


def check_plan_data(result: PlanFile) -> PlanFile:
    """Check parsed plan data against the schema and the rules a schema cannot say."""
    data = result.data
    if not isinstance(data, dict):
        result.problem((), "a plan file must be a mapping with format, plan and nodes")
        return result
    validator = jsonschema.Draft202012Validator(
        plan_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    schema_errors = sorted(
        validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
    )
    for error in schema_errors:
        result.problem(error.absolute_path, _schema_message(error))
    if not schema_errors:
        _check_references(result)
    return result


def _schema_message(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    where = path[-1] if path else None
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"'{missing}' is required here"
    if error.validator == "additionalProperties":
        return f"{error.message}; see docs/plan-format.md for the fields allowed"
    if error.validator == "pattern" and where in ("id", "slug", "parent", "owner_board"):
        return f"{error.instance!r} is not a valid id: use lower-case letters, digits and hyphens"
    if error.validator == "format" and error.validator_value == "date":
        return f"{error.instance!r} is not a date: write it as YYYY-MM-DD"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not one of: {allowed}"
    if error.validator == "const":
        return f"must be {error.validator_value!r}"
    if (
        error.validator in ("minLength", "pattern")
        and error.instance in ("",)
        or (isinstance(error.instance, str) and not error.instance.strip())
    ):
        return "must not be empty"
    if error.validator == "anyOf" and where == "target_date":
        return f"{error.instance!r} is not a date: write it as YYYY-MM-DD, or null for no date"
    return error.message


def _duplicates(result: PlanFile, items: list[dict], key: str, section: str) -> set[str]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        value = item.get(key)
        if value in seen:
            result.problem((section, index, key), f"the id {value!r} is used twice in {section}")
        seen.add(value)
    return seen


def _check_references(result: PlanFile) -> None:
    data = result.data
    assert data is not None
    plan = data["plan"]
    orgs = _duplicates(result, data.get("organisations", []), "id", "organisations")
    boards = _duplicates(result, data.get("boards", []), "id", "boards")
    promises = _duplicates(result, data.get("promises", []), "id", "promises")
    _duplicates(result, data.get("key_figures", []), "id", "key_figures")
    _duplicates(result, data.get("strategies", []), "id", "strategies")
    _duplicates(result, plan.get("sections", []), "id", "plan.sections")

    start, end = plan["period"]["start"], plan["period"]["end"]
    if date.fromisoformat(start) > date.fromisoformat(end):
        result.problem(
            ("plan", "period", "end"), f"the period ends ({end}) before it starts ({start})"
        )
    if "owner_board" in plan and plan["owner_board"] not in boards:
        result.problem(
            ("plan", "owner_board"), f"no board with id {plan['owner_board']!r} in boards"
        )

    nodes: dict[str, dict] = {}
    for index, node in enumerate(data["nodes"]):
        here = ("nodes", index)
        key = node["id"]
        if key in nodes:
            result.problem((*here, "id"), f"the id {key!r} is used twice in nodes")
            continue
        parent = node.get("parent")
        if parent is not None:
            if parent not in nodes:
                later = any(n.get("id") == parent for n in data["nodes"][index:])
                result.problem(
                    (*here, "parent"),
                    f"the parent {parent!r} "
                    + (
                        "must come before its children in the list"
                        if later
                        else "is not a node of this plan"
                    ),
                )
            elif KIND_RANK[nodes[parent]["kind"]] >= KIND_RANK[node["kind"]]:
                result.problem(
                    (*here, "kind"),
                    f"a {node['kind']} cannot sit under {_article(nodes[parent]['kind'])} ({parent!r})",
                )
        nodes[key] = node
        _check_target_date(result, node, here)
        for j, lead in enumerate(node.get("leads", [])):
            if "organisation" in lead and lead["organisation"] not in orgs:
                result.problem(
                    (*here, "leads", j, "organisation"),
                    f"no organisation with id {lead['organisation']!r} in organisations",
                )
        for j, measure in enumerate(node.get("measures", [])):
            if not isinstance(measure, dict):
                continue
            _check_target_date(result, measure, (*here, "measures", j))
            for k, lead in enumerate(measure.get("leads", [])):
                if "organisation" in lead and lead["organisation"] not in orgs:
                    result.problem(
                        (*here, "measures", j, "leads", k, "organisation"),
                        f"no organisation with id {lead['organisation']!r} in organisations",
                    )
        for j, promise in enumerate(node.get("promises", [])):
            if promise not in promises:
                result.problem(
                    (*here, "promises", j), f"no promise with id {promise!r} in promises"
                )

    for index, board in enumerate(data.get("boards", [])):
        for j, (member, _, _) in enumerate(board_members(board)):
            if member not in orgs:
                result.problem(
                    ("boards", index, "members", j),
                    f"no organisation with id {member!r} in organisations",
                )
        reports_to = board_reports_to(board)
        if reports_to and reports_to[0] not in boards:
            result.problem(
                ("boards", index, "reports_to"),
                f"no board with id {reports_to[0]!r} in boards",
            )
        for j, (target, _, _) in enumerate(board_monitors(board)):
            if target != "plan" and target not in nodes:
                result.problem(
                    ("boards", index, "monitors", j),
                    f"{target!r} is neither 'plan' nor a node id of this plan",
                )
    _duplicates(result, data.get("roles", []), "id", "roles")
    spellings: dict[str, str] = {}
    for index, role in enumerate(data.get("roles", [])):
        for j, spelling in enumerate([role["name"], *role.get("aliases", [])]):
            other = spellings.setdefault(normalise_role_text(spelling), role["id"])
            if other != role["id"]:
                result.problem(
                    ("roles", index, "aliases" if j else "name", *((j - 1,) if j else ())),
                    f"{spelling!r} is already a spelling of the role {other!r}",
                )
    for index, strategy in enumerate(data.get("strategies", [])):
        if "owner" in strategy and strategy["owner"] not in orgs:
            result.problem(
                ("strategies", index, "owner"),
                f"no organisation with id {strategy['owner']!r} in organisations",
            )
        for j, target in enumerate(strategy.get("aligned_to", [])):
            if target not in nodes:
                result.problem(
                    ("strategies", index, "aligned_to", j), f"no node with id {target!r}"
                )
    for index, figure in enumerate(data.get("key_figures", [])):
        section = figure.get("section")
        known = {s["id"] for s in plan.get("sections", [])} | set(nodes)
        if section and section not in known:
            result.problem(
                ("key_figures", index, "section"),
                f"{section!r} is neither a section id nor a node id",
            )
    for index, link in enumerate(data.get("links", [])):
        if link["from"] != "plan" and link["from"] not in nodes:
            result.problem(
                ("links", index, "from"), f"{link['from']!r} is neither 'plan' nor a node id"
            )
        if link["to"].split("#")[0] == plan["slug"]:
            result.problem(("links", index, "to"), "a link must point to another plan")


def normalise_role_text(role: str) -> str:
    """A lead role compared without regard to case or spacing."""
    return " ".join(role.split()).casefold()


def _reference(item, field: str) -> tuple[str, str, str]:
    """An id written alone or as ``{field: id, basis, note}``: (id, basis, note)."""
    if isinstance(item, dict):
        return item[field], item.get("basis", "stated"), item.get("note", "")
    return item, "stated", ""


def board_members(board: dict) -> list[tuple[str, str, str]]:
    """A board's member organisations as (id, basis, note)."""
    return [_reference(item, "organisation") for item in board.get("members", [])]


def board_monitors(board: dict) -> list[tuple[str, str, str]]:
    """What a board monitors ('plan' or node ids) as (target, basis, note)."""
    return [_reference(item, "target") for item in board.get("monitors", [])]


def board_reports_to(board: dict) -> tuple[str, str, str] | None:
    """The board a board reports to as (id, basis, note), or None."""
    return _reference(board["reports_to"], "board") if "reports_to" in board else None


def measure_items(node: dict) -> list[dict]:
    """A node's measures as mappings with at least ``text``."""
    return [m if isinstance(m, dict) else {"text": m} for m in node.get("measures", [])]


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _check_target_date(result: PlanFile, node: dict, here: tuple) -> None:
    text = node.get("target_date_text")
    if "target_date" in node:
        return  # given explicitly (ISO date or null); the schema checked its form
    if text:
        try:
            parse_target_date(text)
        except TargetDateError as error:
            result.problem((*here, "target_date_text"), str(error))


def resolved_target_date(node: dict) -> date | None:
    """The target date of a checked node: explicit if given, else read from its wording."""
    if "target_date" in node:
        value = node["target_date"]
        return date.fromisoformat(value) if value else None
    text = node.get("target_date_text")
    return parse_target_date(text) if text else None


def with_defaults(data: dict) -> dict:
    """A copy of checked plan data with every default written out, for comparing plans."""
    import copy

    data = copy.deepcopy(data)
    plan = data["plan"]
    plan.setdefault("status", "draft")
    plan.setdefault("reporting_period", "quarter")
    for board in data.get("boards", []):
        board.setdefault("kind", "board")
    # A role registry has no order of its own (it belongs to the area, not to one plan).
    if data.get("roles"):
        data["roles"] = sorted(data["roles"], key=lambda role: role["id"])
    for link in data.get("links", []):
        link.setdefault("relation", "supports")
        link.setdefault("basis", "stated")
    for node in data["nodes"]:
        node.setdefault("parent", None)
        node["number"] = str(node.get("number", ""))
        if "target_date" not in node:
            node["target_date"] = (
                str(resolved_target_date(node)) if node.get("target_date_text") else None
            )
    for key in ("organisations", "boards", "promises", "key_figures", "strategies", "links"):
        if not data.get(key):
            data.pop(key, None)
    return data
