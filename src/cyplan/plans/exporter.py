"""Turn a plan in the database back into data: the plan file format, and the JSON contract.

``plan_document`` gives the plan file (``cyplan-plan/1``): importing what it returns
gives the same plan back. ``plan_json`` gives the JSON export contract documented in
docs/export-json.md, which other tools build on.
"""

from __future__ import annotations

from decimal import Decimal

import yaml

from cyplan.plans import models as m
from cyplan.plans.nodes import node_leads
from cyplan.plans.plan_file import FORMAT
from cyplan.plans.target_dates import TargetDateError, parse_target_date


def get_plan_queryset():
    """Plans with what every export needs."""
    return m.Plan.objects.select_related("area", "owner_board")


def _nodes(plan: m.Plan) -> list[m.PlanNode]:
    return list(
        plan.nodes.select_related("parent")
        .prefetch_related("leads__organisation", "promises")
        .order_by("position")
    )


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _compact(mapping: dict) -> dict:
    """Drop empty optional values so that exports read like hand-written files."""
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {})}


def _plan_organisations_and_boards(plan: m.Plan):
    organisations = [
        link.organisation
        for link in m.PlanOrganisation.objects.filter(plan=plan).select_related("organisation")
    ]
    boards = [
        link.board
        for link in m.PlanBoard.objects.filter(plan=plan)
        .select_related("board__reports_to")
        .prefetch_related("board__members")
    ]
    # Another plan of the area may have given a board a member or a reporting line that
    # this plan does not list: include those so that the file stands on its own.
    board_keys = {b.key for b in boards}
    for board in list(boards):
        parent = board.reports_to
        if parent is not None and parent.key not in board_keys:
            boards.append(parent)
            board_keys.add(parent.key)
    org_keys = {o.key for o in organisations}
    extra = [o for b in boards for o in b.members.all()]
    extra += list(m.Organisation.objects.filter(leads__node__plan=plan).distinct().order_by("name"))
    extra += [s.owner for s in plan.strategies.all() if s.owner]
    for organisation in extra:
        if organisation.key not in org_keys:
            organisations.append(organisation)
            org_keys.add(organisation.key)
    return organisations, boards


def _monitors(plan: m.Plan) -> dict[int, list[str]]:
    monitors: dict[int, list[str]] = {}
    rows = m.BoardMonitoring.objects.filter(plan=plan).select_related("node")
    for row in sorted(rows, key=lambda r: -1 if r.node is None else r.node.position):
        monitors.setdefault(row.board_id, []).append("plan" if row.node is None else row.node.key)
    return monitors


def plan_document(plan: m.Plan) -> dict:
    """The plan as a plan-file document (a dict ready to dump as YAML)."""
    nodes = _nodes(plan)
    organisations, boards = _plan_organisations_and_boards(plan)
    monitors = _monitors(plan)
    board_keys = {b.key for b in boards}
    spec = _compact(
        {
            "slug": plan.slug,
            "title": plan.title,
            "area": _compact(
                {"name": plan.area.name, "code": plan.area.code, "old_code": plan.area.old_code}
            ),
            "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
            "status": plan.status,
            "owner_board": plan.owner_board.key if plan.owner_board else None,
            "owner": plan.owner,
            "vision": plan.vision,
            "summary": plan.summary,
            "source": plan.source,
            "reporting_period": plan.reporting_period,
            "sections": [
                _compact({"id": s.key, "title": s.title, "text": s.text})
                for s in plan.sections.all()
            ],
        }
    )
    document = {
        "format": FORMAT,
        "plan": spec,
        "organisations": [
            _compact({"id": o.key, "name": o.name, "type": o.type}) for o in organisations
        ],
        "boards": [
            _compact(
                {
                    "id": b.key,
                    "name": b.name,
                    "kind": b.kind,
                    "description": b.description,
                    "members": [o.key for o in b.members.all()],
                    "reports_to": b.reports_to.key
                    if b.reports_to and b.reports_to.key in board_keys
                    else None,
                    "monitors": monitors.get(b.id, []),
                }
            )
            for b in boards
        ],
        "promises": [
            _compact({"id": p.key, "number": p.number, "title": p.title, "text": p.text})
            for p in plan.promises.all()
        ],
        "key_figures": [
            _compact(
                {
                    "id": f.key,
                    "label": f.label,
                    "value": _number(f.value),
                    "value_text": f.value_text,
                    "unit": f.unit,
                    "date": f.date_text,
                    "benchmarks": f.benchmarks,
                    "section": f.section,
                    "source": f.source,
                    "indicator": f.indicator_code,
                }
            )
            for f in plan.key_figures.all()
        ],
        "strategies": [
            _compact(
                {
                    "id": s.key,
                    "title": s.title,
                    "owner": s.owner.key if s.owner else None,
                    "period": s.period,
                    "aligned_to": [n.key for n in s.aligned_to.order_by("position")],
                }
            )
            for s in plan.strategies.select_related("owner")
        ],
        "nodes": [_node_document(n) for n in nodes],
        "links": [
            _compact(
                {
                    "from": link.from_node.key if link.from_node else "plan",
                    "to": link.target,
                    "relation": link.relation,
                    "basis": link.basis,
                    "note": link.note,
                }
            )
            for link in plan.links.select_related("from_node")
        ],
    }
    return {k: v for k, v in document.items() if v or k in ("format", "plan", "nodes")}


def _node_document(node: m.PlanNode) -> dict:
    item = {
        "id": node.key,
        "parent": node.parent.key if node.parent else None,
        "kind": node.kind,
        "number": node.number,
        "title": node.title,
        "text": node.text,
        "sections": node.sections,
        "measures": node.measures,
        "target_date_text": node.target_date_text,
        "leads": [
            _compact(
                {
                    "role": lead.role,
                    "organisation": lead.organisation.key if lead.organisation else None,
                }
            )
            for lead in node.leads.all()
        ],
        "promises": [p.key for p in node.promises.all()],
    }
    item = _compact(item)
    # Write the date itself only where the wording does not already say it.
    try:
        implied = parse_target_date(node.target_date_text) if node.target_date_text else None
    except TargetDateError:
        implied = "unreadable"
    if node.target_date != implied:
        item["target_date"] = node.target_date.isoformat() if node.target_date else None
    return item


class _Dumper(yaml.SafeDumper):
    """YAML that reads well: block text for long strings, keys in the order given."""


def _str_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(document: dict) -> str:
    """A plan document as YAML text."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def plan_json(plan: m.Plan) -> dict:
    """The JSON export contract (docs/export-json.md)."""
    organisations, boards = _plan_organisations_and_boards(plan)
    monitors = _monitors(plan)
    leads = node_leads(plan)
    keys = dict(plan.nodes.values_list("id", "key"))
    node_fields = [
        "id",
        "parent_id",
        "kind",
        "number",
        "title",
        "text",
        "measures",
        "target_date",
        "target_date_text",
    ]
    aligned: dict[int, list[str]] = {}
    for strategy_id, key in (
        m.Strategy.aligned_to.through.objects.filter(strategy__plan=plan)
        .order_by("plannode__position")
        .values_list("strategy_id", "plannode__key")
    ):
        aligned.setdefault(strategy_id, []).append(key)
    return {
        "plan": {
            "slug": plan.slug,
            "title": plan.title,
            "area": {
                "name": plan.area.name,
                "code": plan.area.code,
                "old_code": plan.area.old_code or None,
            },
            "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(),
            "status": plan.status,
            "vision": plan.vision,
            "owner_board": plan.owner_board.name if plan.owner_board else None,
        },
        "nodes": [
            {
                "id": keys[node_id],
                "parent": keys.get(parent_id),
                "kind": kind,
                "number": number,
                "title": title,
                "text": text,
                "measures": list(measures),
                "target_date": target.isoformat() if target else None,
                "target_date_text": target_text,
                "leads": [lead.role for lead in leads.get(node_id, [])],
                "lead_organisations": [lead.organisation_name for lead in leads.get(node_id, [])],
            }
            for node_id, parent_id, kind, number, title, text, measures, target, target_text in (
                plan.nodes.order_by("position").values_list(*node_fields)
            )
        ],
        "strategies": [
            {
                "id": s.key,
                "title": s.title,
                "period": s.period or None,
                "aligned_to": aligned.get(s.id, []),
            }
            for s in plan.strategies.all()
        ],
        "organisations": [{"id": o.key, "name": o.name, "type": o.type} for o in organisations],
        "boards": [
            {
                "id": b.key,
                "name": b.name,
                "kind": b.kind,
                "members": [o.name for o in b.members.all()],
                "reports_to": b.reports_to.name if b.reports_to else None,
                "monitors": monitors.get(b.id, []),
            }
            for b in boards
        ],
        "promises": [
            {"id": p.key, "number": p.number, "title": p.title} for p in plan.promises.all()
        ],
        "links": [
            {
                "from": link.from_node.key if link.from_node else None,
                "to_plan": link.to_plan_slug,
                "to_node": link.to_node_key or None,
                "relation": link.relation,
                "basis": link.basis,
            }
            for link in plan.links.select_related("from_node")
        ],
    }
