"""Write a checked plan file into the database, in one transaction.

Records are matched by their stable ids, so importing the same file again changes
nothing and importing an updated file keeps every database id (and so everything that
hangs off a node, such as progress updates). A node, strategy, promise, key figure or
link that the file no longer mentions is removed from the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from cyplan.plans import models as m
from cyplan.plans.plan_file import PlanFile, PlanFileError, read_plan_file, resolved_target_date


@dataclass
class ImportResult:
    """What an import did."""

    plan: m.Plan
    created: bool
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_removed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        verb = "Imported" if self.created else "Updated"
        return (
            f"{verb} {self.plan.slug}: {self.counts.get('nodes', 0)} nodes "
            f"({self.nodes_created} new, {self.nodes_updated} changed or kept, "
            f"{self.nodes_removed} removed), {self.counts.get('strategies', 0)} strategies, "
            f"{self.counts.get('organisations', 0)} organisations, {self.counts.get('boards', 0)} boards."
        )


def import_plan_path(path: str | Path) -> ImportResult:
    """Check a plan file and, if it has no problems, import it; else raise PlanFileError."""
    return import_plan_file(read_plan_file(path))


def import_plan_file(plan_file: PlanFile) -> ImportResult:
    """Import a checked plan file, or raise PlanFileError listing every problem."""
    if not plan_file.ok:
        raise PlanFileError(plan_file.problems)
    assert plan_file.data is not None
    return import_plan_data(plan_file.data)


@transaction.atomic
def import_plan_data(data: dict) -> ImportResult:
    """Write checked plan data. Call only with data that ``check_plan_data`` accepted."""
    spec = data["plan"]
    area, _ = m.Area.objects.update_or_create(
        code=spec["area"]["code"],
        defaults={"name": spec["area"]["name"], "old_code": spec["area"].get("old_code", "")},
    )
    organisations = _import_organisations(area, data.get("organisations", []))
    boards = _import_boards(area, data.get("boards", []), organisations)

    plan, created = m.Plan.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "area": area,
            "period_start": spec["period"]["start"],
            "period_end": spec["period"]["end"],
            "status": spec.get("status", m.Plan.Status.DRAFT),
            "owner_board": boards.get(spec.get("owner_board")),
            "owner": spec.get("owner", ""),
            "vision": spec.get("vision", ""),
            "summary": spec.get("summary", ""),
            "source": spec.get("source", ""),
            "reporting_period": spec.get("reporting_period", "quarter"),
        },
    )
    result = ImportResult(plan=plan, created=created)

    m.PlanOrganisation.objects.filter(plan=plan).delete()
    m.PlanOrganisation.objects.bulk_create(
        m.PlanOrganisation(plan=plan, organisation=organisations[item["id"]], position=i)
        for i, item in enumerate(data.get("organisations", []))
    )
    m.PlanBoard.objects.filter(plan=plan).delete()
    m.PlanBoard.objects.bulk_create(
        m.PlanBoard(plan=plan, board=boards[item["id"]], position=i)
        for i, item in enumerate(data.get("boards", []))
    )
    plan.sections.all().delete()
    m.PlanSection.objects.bulk_create(
        m.PlanSection(plan=plan, key=s["id"], title=s["title"], text=s.get("text", ""), position=i)
        for i, s in enumerate(spec.get("sections", []))
    )
    promises = _sync_keyed(
        m.Promise,
        plan,
        data.get("promises", []),
        lambda item: {"number": item.get("number"), "title": item["title"], "text": item.get("text", "")},
    )
    nodes = _import_nodes(plan, data["nodes"], organisations, promises, result)
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

    plan.key_figures.all().delete()
    m.KeyFigure.objects.bulk_create(
        m.KeyFigure(
            plan=plan,
            key=f["id"],
            label=f["label"],
            value=None if f.get("value") is None else Decimal(str(f["value"])),
            value_text=f.get("value_text", ""),
            unit=f.get("unit", ""),
            date_text=f.get("date", ""),
            benchmarks=f.get("benchmarks", []),
            section=f.get("section", ""),
            source=f.get("source", ""),
            indicator_code=f.get("indicator", ""),
            position=i,
        )
        for i, f in enumerate(data.get("key_figures", []))
    )
    plan.links.all().delete()
    links = []
    for i, link in enumerate(data.get("links", [])):
        to_plan, _, to_node = link["to"].partition("#")
        links.append(
            m.PlanLink(
                plan=plan,
                from_node=None if link["from"] == "plan" else nodes[link["from"]],
                to_plan_slug=to_plan,
                to_node_key=to_node,
                relation=link.get("relation", "supports"),
                basis=link.get("basis", "stated"),
                note=link.get("note", ""),
                position=i,
            )
        )
    m.PlanLink.objects.bulk_create(links)

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


def _import_organisations(area: m.Area, items: list[dict]) -> dict[str, m.Organisation]:
    found = {}
    for item in items:
        defaults = {"name": item["name"]}
        if "type" in item:
            defaults["type"] = item["type"]
        found[item["id"]], _ = m.Organisation.objects.update_or_create(
            area=area, key=item["id"], defaults=defaults
        )
    return found


def _import_boards(
    area: m.Area, items: list[dict], organisations: dict[str, m.Organisation]
) -> dict[str, m.Board]:
    boards = {}
    for item in items:
        defaults = {"name": item["name"]}
        for name in ("kind", "description"):
            if name in item:
                defaults[name] = item[name]
        boards[item["id"]], _ = m.Board.objects.update_or_create(
            area=area, key=item["id"], defaults=defaults
        )
    for item in items:
        board = boards[item["id"]]
        if "members" in item:
            board.members.set([organisations[key] for key in item["members"]])
        if "reports_to" in item:
            board.reports_to = boards[item["reports_to"]]
            board.save(update_fields=["reports_to", "modified_on"])
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
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
        kept[item["id"]] = obj
    model.objects.filter(plan=plan).exclude(key__in=list(kept)).delete()
    return kept


def _import_nodes(plan, items, organisations, promises, result: ImportResult) -> dict[str, m.PlanNode]:
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
            "measures": item.get("measures", []),
            "target_date_text": item.get("target_date_text", ""),
            "target_date": resolved_target_date(item),
            "position": position,
        }
        node = existing.get(item["id"])
        if node is None:
            node = m.PlanNode.objects.create(plan=plan, key=item["id"], **values)
            result.nodes_created += 1
        else:
            for name, value in values.items():
                setattr(node, name, value)
            node.save()
            result.nodes_updated += 1
        nodes[item["id"]] = node
        node.leads.all().delete()
        m.Lead.objects.bulk_create(
            m.Lead(node=node, role=lead["role"], organisation=organisations.get(lead.get("organisation")), position=i)
            for i, lead in enumerate(item.get("leads", []))
        )
        node.promises.set([promises[key] for key in item.get("promises", [])])
    gone = m.PlanNode.objects.filter(plan=plan).exclude(key__in=list(nodes))
    result.nodes_removed = gone.count()
    # Children first, so that a removed parent does not cascade into a kept child.
    for node in sorted(gone, key=lambda n: -n.position):
        node.delete()
    return nodes


def _import_monitoring(plan, items, boards, nodes) -> None:
    for item in items:
        if "monitors" not in item:
            continue
        board = boards[item["id"]]
        m.BoardMonitoring.objects.filter(board=board, plan=plan).delete()
        m.BoardMonitoring.objects.bulk_create(
            m.BoardMonitoring(board=board, plan=plan, node=None if key == "plan" else nodes[key])
            for key in item["monitors"]
        )
