"""Write a checked plan file into the database, in one transaction.

Records are matched by their stable ids, so importing the same file again changes
nothing and importing an updated file keeps every database id (and so everything that
hangs off a node, such as progress updates). A node, strategy, promise, key figure or
link that the file no longer mentions is removed from the plan.

The area, organisations and boards are shared by the plans of an area. Importing a plan that
is not published (a draft, or an archived plan) never changes them while another plan of the
area is published: new ones are created, but what the file says about existing ones (a
board's name or description, its members, whom it reports to; an organisation's name; the
area's name) is kept aside and applied only when the plan is imported as published. So a
draft cannot change what a published plan's pages, API and exports show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import ProtectedError

from cyplan.core.audit import record
from cyplan.plans import models as m
from cyplan.plans.plan_file import (
    PlanFile,
    PlanFileError,
    Problem,
    board_members,
    board_monitors,
    board_reports_to,
    measure_items,
    normalise_role_text,
    read_plan_file,
    resolved_target_date,
)


@dataclass
class ImportResult:
    """What an import did."""

    plan: m.Plan
    created: bool
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_removed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    node_changes: list = field(default_factory=list)
    #: Shared records (area, organisations, boards) the file would change but that were kept
    #: as the published plans show them, because this plan is not published.
    kept_shared: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Imported" if self.created else "Updated"
        return (
            f"{verb} {self.plan.slug}: {self.counts.get('nodes', 0)} nodes "
            f"({self.nodes_created} new, {self.nodes_updated} changed, "
            f"{self.nodes_removed} removed), {self.counts.get('strategies', 0)} strategies, "
            f"{self.counts.get('organisations', 0)} organisations, {self.counts.get('boards', 0)} boards."
            + (
                f" Not changed while the plan is {self.plan.status} (other plans of the area "
                "are published; applied when it is imported as published): "
                + "; ".join(self.kept_shared)
                + "."
                if self.kept_shared
                else ""
            )
        )


def import_plan_path(path: str | Path, actor=None) -> ImportResult:
    """Check a plan file and, if it has no problems, import it; else raise PlanFileError."""
    return import_plan_file(read_plan_file(path), actor=actor)


def import_plan_file(plan_file: PlanFile, actor=None) -> ImportResult:
    """Import a checked plan file, or raise PlanFileError listing every problem."""
    if not plan_file.ok:
        raise PlanFileError(plan_file.problems)
    assert plan_file.data is not None
    return import_plan_data(plan_file.data, actor=actor, source=plan_file.name)


@transaction.atomic
def import_plan_data(data: dict, actor=None, source: str = "") -> ImportResult:
    """Write checked plan data. Call only with data that ``check_plan_data`` accepted.

    Every node created, changed or removed is recorded in the audit log with its values
    before and after; a node that has progress updates cannot be removed.
    """
    spec = data["plan"]
    status = spec.get("status", m.Plan.Status.DRAFT)
    kept: list[str] = []
    # Shared records are frozen for an unpublished plan while the area has published plans.
    frozen = (
        status != m.Plan.Status.PUBLISHED
        and m.Plan.objects.filter(area__code=spec["area"]["code"], status=m.Plan.Status.PUBLISHED)
        .exclude(slug=spec["slug"])
        .exists()
    )
    area, _ = _upsert_shared(
        m.Area,
        {"code": spec["area"]["code"]},
        {"name": spec["area"]["name"], "old_code": spec["area"].get("old_code", "")},
        frozen,
        kept,
        f"area {spec['area']['code']}",
    )
    organisations = _import_organisations(area, data.get("organisations", []), frozen, kept)
    boards = _import_boards(area, data.get("boards", []), organisations, frozen, kept)
    role_names = _import_roles(area, data.get("roles", []), frozen, kept)

    plan, created = _upsert(
        m.Plan,
        {"slug": spec["slug"]},
        {
            "title": spec["title"],
            "area": area,
            "period_start": date.fromisoformat(spec["period"]["start"]),
            "period_end": date.fromisoformat(spec["period"]["end"]),
            "status": status,
            "owner_board": boards.get(spec.get("owner_board")),
            "owner": spec.get("owner", ""),
            "vision": spec.get("vision", ""),
            "summary": spec.get("summary", ""),
            "source": spec.get("source", ""),
            "reporting_period": spec.get("reporting_period", "quarter"),
        },
    )
    result = ImportResult(plan=plan, created=created, kept_shared=kept)

    _replace_rows(
        m.PlanOrganisation.objects.filter(plan=plan).order_by("position"),
        m.PlanOrganisation,
        [
            {"plan": plan, "organisation": organisations[item["id"]], "position": i}
            for i, item in enumerate(data.get("organisations", []))
        ],
        ["organisation", "position"],
    )
    _replace_rows(
        m.PlanBoard.objects.filter(plan=plan).order_by("position"),
        m.PlanBoard,
        [
            {"plan": plan, "board": boards[item["id"]], "position": i}
            for i, item in enumerate(data.get("boards", []))
        ],
        ["board", "position"],
    )
    _replace_rows(
        plan.sections.order_by("position"),
        m.PlanSection,
        [
            {
                "plan": plan,
                "key": s["id"],
                "title": s["title"],
                "text": s.get("text", ""),
                "position": i,
            }
            for i, s in enumerate(spec.get("sections", []))
        ],
        ["key", "title", "text", "position"],
    )
    promises = _sync_keyed(
        m.Promise,
        plan,
        data.get("promises", []),
        lambda item: {
            "number": item.get("number"),
            "title": item["title"],
            "text": item.get("text", ""),
        },
    )
    nodes = _import_nodes(plan, data["nodes"], organisations, promises, role_names, result)
    _import_monitoring(plan, data.get("boards", []), boards, nodes)
    strategies = _sync_keyed(
        m.Strategy,
        plan,
        data.get("strategies", []),
        lambda item: {
            "title": item["title"],
            "period": item.get("period", ""),
            "owner": organisations.get(item.get("owner")),
        },
    )
    for item in data.get("strategies", []):
        strategies[item["id"]].aligned_to.set([nodes[key] for key in item.get("aligned_to", [])])

    figure_fields = [
        "key",
        "label",
        "value",
        "value_text",
        "unit",
        "date_text",
        "benchmarks",
        "sub_unit",
        "comparison_text",
        "baseline",
        "section",
        "source",
        "indicator_code",
        "position",
    ]
    _replace_rows(
        plan.key_figures.order_by("position"),
        m.KeyFigure,
        [
            {
                "plan": plan,
                "key": f["id"],
                "label": f["label"],
                "value": None if f.get("value") is None else Decimal(str(f["value"])),
                "value_text": f.get("value_text", ""),
                "unit": f.get("unit", ""),
                "date_text": f.get("date", ""),
                "benchmarks": f.get("benchmarks", []),
                "sub_unit": f.get("sub_unit", ""),
                "comparison_text": f.get("comparison", ""),
                "baseline": f.get("baseline"),
                "section": f.get("section", ""),
                "source": f.get("source", ""),
                "indicator_code": f.get("indicator", ""),
                "position": i,
            }
            for i, f in enumerate(data.get("key_figures", []))
        ],
        figure_fields,
    )
    links = []
    for i, link in enumerate(data.get("links", [])):
        to_plan, _, to_node = link["to"].partition("#")
        links.append(
            {
                "plan": plan,
                "from_node": None if link["from"] == "plan" else nodes[link["from"]],
                "to_plan_slug": to_plan,
                "to_node_key": to_node,
                "relation": link.get("relation", "supports"),
                "basis": link.get("basis", "stated"),
                "note": link.get("note", ""),
                "position": i,
            }
        )
    _replace_rows(
        plan.links.order_by("position"),
        m.PlanLink,
        links,
        ["from_node", "to_plan_slug", "to_node_key", "relation", "basis", "note", "position"],
    )

    if result.created or result.nodes_created or result.nodes_updated or result.nodes_removed:
        record(
            actor,
            "import plan" if result.created else "re-import plan",
            plan,
            plan=plan,
            after={
                "source": source,
                "nodes_created": result.nodes_created,
                "nodes_updated": result.nodes_updated,
                "nodes_removed": result.nodes_removed,
            },
        )
    for action, node, before, after in result.node_changes:
        record(actor, action, node, plan=plan, before=before, after=after)
    result.counts = {
        "nodes": len(nodes),
        "organisations": len(organisations),
        "boards": len(boards),
        "strategies": len(strategies),
        "promises": len(promises),
        "key_figures": len(data.get("key_figures", [])),
        "links": len(links),
    }
    return result


def _upsert(model, lookup: dict, values: dict):
    """Like update_or_create, but writes nothing when the record is already as wanted."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    _update(obj, values)
    return obj, False


def _update(obj, values: dict) -> bool:
    """Set changed fields and save only those; say whether anything changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        if any(f.name == "modified_on" for f in obj._meta.fields):
            changed.append("modified_on")
        obj.save(update_fields=changed)
    return bool(changed)


def _replace_rows(queryset, model, rows: list[dict], compare: list[str]) -> None:
    """Make a parent's child rows exactly ``rows``, touching nothing when they already are."""
    current = [{name: getattr(obj, name) for name in compare} for obj in queryset]
    wanted = [{name: row[name] for name in compare} for row in rows]
    if current != wanted:
        queryset.delete()
        model.objects.bulk_create(model(**row) for row in rows)


def _succession(item: dict) -> dict:
    """The succession fields of an organisation or board, when the file gives them."""
    if "succession" not in item:
        return {}
    spec = item["succession"]
    return {
        "until": spec.get("until", ""),
        "succeeded_by_key": spec.get("succeeded_by", ""),
        "merged_with_keys": list(spec.get("merged_with", [])),
        "succession_basis": spec.get("basis", "stated"),
        "succession_note": spec.get("note", ""),
    }


def _upsert_shared(model, lookup: dict, values: dict, frozen: bool, kept: list, label: str):
    """``_upsert`` for a record plans share; when ``frozen``, an existing one is not changed
    and what would have changed is noted in ``kept``."""
    obj = model.objects.filter(**lookup).first()
    if obj is None or not frozen:
        return _upsert(model, lookup, values)
    different = [name for name, value in values.items() if getattr(obj, name) != value]
    if different:
        kept.append(f"{label} ({', '.join(different)})")
    return obj, False


def _import_organisations(
    area: m.Area, items: list[dict], frozen: bool = False, kept: list | None = None
) -> dict[str, m.Organisation]:
    kept = [] if kept is None else kept
    found = {}
    for item in items:
        defaults = {"name": item["name"], **_succession(item)}
        if "type" in item:
            defaults["type"] = item["type"]
        found[item["id"]], _ = _upsert_shared(
            m.Organisation, {"area": area, "key": item["id"]}, defaults, frozen, kept,
            f"organisation {item['id']}",
        )  # fmt: skip
    return found


def _import_roles(
    area: m.Area, items: list[dict], frozen: bool = False, kept: list | None = None
) -> dict[str, str]:
    """Write the file's lead roles into the area's registry (an unpublished plan only adds
    roles, never changes one a published plan uses); return every spelling the area's
    registry knows (normalised) with the role's registered name."""
    kept = [] if kept is None else kept
    for item in items:
        _upsert_shared(
            m.LeadRole,
            {"area": area, "key": item["id"]},
            {"name": item["name"], "aliases": list(item.get("aliases", []))},
            frozen,
            kept,
            f"role {item['id']}",
        )
    names: dict[str, str] = {}
    for role in m.LeadRole.objects.filter(area=area):
        for spelling in [role.name, *role.aliases]:
            names[normalise_role_text(spelling)] = role.name
    return names


def _import_boards(
    area: m.Area,
    items: list[dict],
    organisations: dict[str, m.Organisation],
    frozen: bool = False,
    kept: list | None = None,
) -> dict[str, m.Board]:
    kept = [] if kept is None else kept
    boards, created = {}, set()
    for item in items:
        defaults = {"name": item["name"], **_succession(item)}
        for name in ("kind", "description"):
            if name in item:
                defaults[name] = item[name]
        boards[item["id"]], new = _upsert_shared(
            m.Board, {"area": area, "key": item["id"]}, defaults, frozen, kept,
            f"board {item['id']}",
        )  # fmt: skip
        if new:
            created.add(item["id"])
    for item in items:
        board = boards[item["id"]]
        changeable = not frozen or item["id"] in created
        if "members" in item:
            members = [(organisations[key], basis) for key, basis, _ in board_members(item)]
            if changeable:
                _replace_rows(
                    m.BoardMember.objects.filter(board=board).order_by("id"),
                    m.BoardMember,
                    [
                        {"board": board, "organisation": organisation, "basis": basis}
                        for organisation, basis in members
                    ],
                    ["organisation", "basis"],
                )
            elif set(
                m.BoardMember.objects.filter(board=board).values_list("organisation_id", "basis")
            ) != {(organisation.pk, basis) for organisation, basis in members}:
                kept.append(f"board {item['id']} (members)")
        reports_to = board_reports_to(item)
        if reports_to:
            wanted = {"reports_to": boards[reports_to[0]], "reports_to_basis": reports_to[1]}
            if changeable:
                _update(board, wanted)
            elif (board.reports_to_id, board.reports_to_basis) != (
                wanted["reports_to"].pk,
                wanted["reports_to_basis"],
            ):
                kept.append(f"board {item['id']} (reports_to)")
    return boards


def _sync_keyed(model, plan: m.Plan, items: list[dict], fields) -> dict:
    """Create or update a plan's keyed records from the file, remove the ones it dropped."""
    existing = {obj.key: obj for obj in model.objects.filter(plan=plan)}
    kept = {}
    for position, item in enumerate(items):
        values = {**fields(item), "position": position}
        obj = existing.get(item["id"])
        if obj is None:
            obj = model.objects.create(plan=plan, key=item["id"], **values)
        else:
            _update(obj, values)
        kept[item["id"]] = obj
    model.objects.filter(plan=plan).exclude(key__in=list(kept)).delete()
    return kept


def _measure_details(item: dict) -> list[dict]:
    """Measures that carry their own target date or leads, by their index in the node."""
    details = []
    for index, measure in enumerate(measure_items(item)):
        if not ({"target_date_text", "target_date", "leads"} & set(measure)):
            continue
        target = resolved_target_date(measure)
        details.append(
            {
                "index": index,
                "target_date_text": measure.get("target_date_text", ""),
                "target_date": target.isoformat() if target else None,
                "leads": [
                    {"role": lead["role"], "organisation": lead.get("organisation", "")}
                    for lead in measure.get("leads", [])
                ],
            }
        )
    return details


def _import_nodes(
    plan, items, organisations, promises, role_names, result: ImportResult
) -> dict[str, m.PlanNode]:
    existing = {node.key: node for node in m.PlanNode.objects.filter(plan=plan)}
    nodes: dict[str, m.PlanNode] = {}
    for position, item in enumerate(items):
        values = {
            "parent": nodes.get(item.get("parent")) if item.get("parent") else None,
            "kind": item["kind"],
            "number": str(item.get("number", "")),
            "title": item["title"],
            "text": item.get("text", ""),
            "sections": item.get("sections", []),
            "measures": [measure["text"] for measure in measure_items(item)],
            "measure_details": _measure_details(item),
            "inferred": dict(item.get("inferred", {})),
            "target_date_text": item.get("target_date_text", ""),
            "target_date": resolved_target_date(item),
            "position": position,
        }
        node = existing.get(item["id"])
        if node is None:
            node = m.PlanNode.objects.create(plan=plan, key=item["id"], **values)
            result.nodes_created += 1
            result.node_changes.append(("create node", node, None, _node_state(node)))
        else:
            before = _node_state(node)
            if _update(node, values):
                result.nodes_updated += 1
                result.node_changes.append(("change node", node, before, _node_state(node)))
        nodes[item["id"]] = node
        _replace_rows(
            node.leads.order_by("position"),
            m.Lead,
            [
                {
                    "node": node,
                    "role": lead["role"],
                    "role_name": role_names.get(normalise_role_text(lead["role"]), ""),
                    "organisation": organisations.get(lead.get("organisation")),
                    "position": i,
                }
                for i, lead in enumerate(item.get("leads", []))
            ],
            ["role", "role_name", "organisation", "position"],
        )
        node.promises.set([promises[key] for key in item.get("promises", [])])
    gone = list(m.PlanNode.objects.filter(plan=plan).exclude(key__in=list(nodes)))
    result.nodes_removed = len(gone)
    blocked = [(node, _work_on(node)) for node in gone]
    blocked = [(node, work) for node, work in blocked if work]
    if blocked:
        raise PlanFileError(
            [
                Problem(
                    "",
                    None,
                    None,
                    f"nodes: {node.key}",
                    f"'{node.key}' has {' and '.join(work)}, so it cannot be removed from the "
                    "plan: keep it in the file (mark its last update 'dropped' if it will not "
                    "be done)",
                )
                for node, work in blocked
            ]
        )
    # Children first, so that a removed parent does not cascade into a kept child.
    for node in sorted(gone, key=lambda n: -n.position):
        result.node_changes.append(("remove node", node, _node_state(node), None))
        try:
            node.delete()
        except ProtectedError as error:  # pragma: no cover - checked above
            raise PlanFileError([Problem("", None, None, node.key, str(error))]) from error
    return nodes


def _work_on(node: m.PlanNode) -> list[str]:
    """What other parts of cyplan hang off a node (progress updates, voice items, cohort
    links...): removing the node would lose them, so an import may not."""
    found = []
    for relation in m.PlanNode._meta.related_objects:
        if relation.related_model._meta.app_label == "plans":
            continue  # the plan's own rows (children, leads, monitoring) follow the file
        accessor = relation.get_accessor_name()
        try:
            related = getattr(node, accessor)
        except ObjectDoesNotExist:
            continue
        exists = related.exists() if hasattr(related, "exists") else True
        if exists:
            found.append(str(relation.related_model._meta.verbose_name_plural))
    if "progress updates" in found:  # the wording people know
        found.remove("progress updates")
        found.insert(0, "progress updates")
    return found


def _node_state(node: m.PlanNode) -> dict:
    return {
        "key": node.key,
        "kind": node.kind,
        "number": node.number,
        "title": node.title,
        "text": node.text,
        "measures": node.measures,
        "target_date": node.target_date.isoformat() if node.target_date else None,
        "target_date_text": node.target_date_text,
        "parent": node.parent.key if node.parent_id else None,
    }


def _import_monitoring(plan, items, boards, nodes) -> None:
    for item in items:
        if "monitors" not in item:
            continue
        board = boards[item["id"]]
        _replace_rows(
            m.BoardMonitoring.objects.filter(board=board, plan=plan).order_by("id"),
            m.BoardMonitoring,
            [
                {
                    "board": board,
                    "plan": plan,
                    "node": None if key == "plan" else nodes[key],
                    "basis": basis,
                    "note": note,
                }
                for key, basis, note in board_monitors(item)
            ],
            ["node", "basis", "note"],
        )
