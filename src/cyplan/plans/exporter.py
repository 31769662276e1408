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


def _monitoring_rows(plan: m.Plan) -> dict[int, list[m.BoardMonitoring]]:
    found: dict[int, list[m.BoardMonitoring]] = {}
    rows = m.BoardMonitoring.objects.filter(plan=plan).select_related("node")
    for row in sorted(rows, key=lambda r: -1 if r.node is None else r.node.position):
        found.setdefault(row.board_id, []).append(row)
    return found


def _monitors(plan: m.Plan) -> dict[int, list[str]]:
    return {
        board_id: ["plan" if row.node is None else row.node.key for row in rows]
        for board_id, rows in _monitoring_rows(plan).items()
    }


def _reference(key: str, field: str, basis: str, note: str = ""):
    """An id as the plan file writes it: alone when stated, else with its basis."""
    if basis == m.Basis.STATED and not note:
        return key
    return _compact({field: key, "basis": basis, "note": note})


def _succession_document(item) -> dict | None:
    if not (item.until or item.succeeded_by_key or item.merged_with_keys):
        return None
    return _compact(
        {
            "until": item.until,
            "succeeded_by": item.succeeded_by_key,
            "merged_with": item.merged_with_keys,
            "basis": item.succession_basis,
            "note": item.succession_note,
        }
    )


def _memberships(board: m.Board) -> list[m.BoardMember]:
    return list(
        m.BoardMember.objects.filter(board=board).select_related("organisation").order_by("id")
    )


def _plan_roles(plan: m.Plan) -> list[m.LeadRole]:
    """The registry roles that this plan's leads (or measure leads) are spelled as."""
    used = set(
        m.Lead.objects.filter(node__plan=plan)
        .exclude(role_name="")
        .values_list("role_name", flat=True)
    )
    return [r for r in m.LeadRole.objects.filter(area=plan.area) if r.name in used]


def plan_document(plan: m.Plan) -> dict:
    """The plan as a plan-file document (a dict ready to dump as YAML)."""
    nodes = _nodes(plan)
    organisations, boards = _plan_organisations_and_boards(plan)
    monitoring = _monitoring_rows(plan)
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
            _compact(
                {
                    "id": o.key,
                    "name": o.name,
                    "type": o.type,
                    "succession": _succession_document(o),
                }
            )
            for o in organisations
        ],
        "boards": [
            _compact(
                {
                    "id": b.key,
                    "name": b.name,
                    "kind": b.kind,
                    "description": b.description,
                    "members": [
                        _reference(x.organisation.key, "organisation", x.basis)
                        for x in _memberships(b)
                    ],
                    "reports_to": _reference(b.reports_to.key, "board", b.reports_to_basis)
                    if b.reports_to and b.reports_to.key in board_keys
                    else None,
                    "monitors": [
                        _reference(
                            "plan" if row.node is None else row.node.key,
                            "target",
                            row.basis,
                            row.note,
                        )
                        for row in monitoring.get(b.id, [])
                    ],
                    "succession": _succession_document(b),
                }
            )
            for b in boards
        ],
        "roles": [
            _compact({"id": r.key, "name": r.name, "aliases": r.aliases}) for r in _plan_roles(plan)
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
                    "sub_unit": f.sub_unit,
                    "benchmarks": f.benchmarks,
                    "comparison": f.comparison_text,
                    "baseline": f.baseline,
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
        "measures": _measures_document(node),
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
        "inferred": node.inferred,
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


def _measures_document(node: m.PlanNode) -> list:
    """Measures as the plan file writes them: text alone, or with their own date and leads."""
    details = {d["index"]: d for d in node.measure_details}
    measures: list = []
    for index, text in enumerate(node.measures):
        detail = details.get(index)
        if detail is None:
            measures.append(text)
            continue
        item = _compact(
            {
                "text": text,
                "target_date_text": detail.get("target_date_text"),
                "leads": [_compact(dict(lead)) for lead in detail.get("leads", [])],
            }
        )
        try:
            text_date = detail.get("target_date_text")
            implied = parse_target_date(text_date).isoformat() if text_date else None
        except TargetDateError:
            implied = "unreadable"
        if detail.get("target_date") != implied:
            item["target_date"] = detail.get("target_date")
        measures.append(item)
    return measures


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
    monitoring = _monitoring_rows(plan)
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
        "measure_details",
        "inferred",
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
                "lead_roles": [lead.role_name for lead in leads.get(node_id, [])],
                "measure_details": [
                    {**detail, "measure": measures[detail["index"]]} for detail in details
                ],
                "inferred": inferred or {},
            }
            for (
                node_id,
                parent_id,
                kind,
                number,
                title,
                text,
                measures,
                target,
                target_text,
                details,
                inferred,
            ) in plan.nodes.order_by("position").values_list(*node_fields)
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
                "member_links": [
                    {"organisation": x.organisation.name, "basis": x.basis} for x in _memberships(b)
                ],
                "reports_to_basis": b.reports_to_basis if b.reports_to else None,
                "monitoring": [
                    {
                        "target": "plan" if row.node is None else row.node.key,
                        "basis": row.basis,
                        "note": row.note,
                    }
                    for row in monitoring.get(b.id, [])
                ],
                "succession": _succession_document(b),
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
