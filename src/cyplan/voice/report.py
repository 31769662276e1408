"""The annual "you said, we did" report: a plan's published items of one calendar year.

It reads ``publication.public_items()`` only, so nothing unapproved, nothing flagged for
safeguarding and no contact details can reach it. Items are grouped by the plan's
top-level priorities (an item linked to a commitment or action counts under its priority)
and by its promises. Counts by channel and by status go through disclosure control:
counts from 1 to ``CYPLAN_DISCLOSURE_THRESHOLD`` − 1 are shown as ``c``, with secondary
suppression so that a hidden count cannot be worked out from the total.

An item's status is the status of its latest published response ("No response yet" when
it has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cyplan.analytics.disclosure import suppress_count, suppress_one_way
from cyplan.plans.models import Plan, PlanNode
from cyplan.voice import publication
from cyplan.voice.models import Channel, Feedback, Response


@dataclass
class Count:
    label: str
    shown: int | str


@dataclass
class Section:
    title: str
    items: list[Feedback] = field(default_factory=list)
    count: int | str = 0


@dataclass
class AnnualReport:
    plan: Plan
    year: int
    total: int | str
    by_channel: list[Count]
    by_status: list[Count]
    priorities: list[Section]
    promises: list[Section]
    unlinked: Section
    threshold: int
    made_on: str
    has_examples: bool


STATUS_ORDER = [*Response.Status.values, "none"]


def _suppressed(counts: dict[str, int], labels: dict[str, str], threshold: int):
    table = suppress_one_way(counts, threshold=threshold)
    rows = [Count(labels[key], table[key].shown) for key in counts]
    return rows, table["Total"].shown


def build_report(plan: Plan, year: int) -> AnnualReport:
    """Gather the year's public items of a plan, grouped and counted."""
    threshold = settings.CYPLAN_DISCLOSURE_THRESHOLD
    items = list(publication.public_items().filter(plan=plan, said_on__year=year))
    nodes = list(PlanNode.objects.filter(plan=plan).order_by("position"))
    by_id = {n.id: n for n in nodes}

    channels = {value: 0 for value in Channel.values}
    statuses = {value: 0 for value in STATUS_ORDER}
    for item in items:
        channels[item.channel] += 1
        statuses[publication.latest_status(item)] += 1
    by_channel, total = _suppressed(channels, dict(Channel.choices), threshold)
    by_status, _ = _suppressed(statuses, publication.STATUS_LABELS, threshold)

    tops = [n for n in nodes if n.parent_id is None]
    priorities = {
        top.id: Section(f"{top.get_kind_display()} {top.number}: {top.title}") for top in tops
    }
    unlinked = Section("Not linked to a priority")
    for item in items:
        reached = {publication.top_node_of(by_id[n.id], by_id).id for n in item.nodes.all()}
        for top in tops:
            if top.id in reached:
                priorities[top.id].items.append(item)
        if not reached:
            unlinked.items.append(item)
    promises = []
    for promise in plan.promises.all():
        section = Section(promise.title)
        section.items = [i for i in items if any(p.id == promise.id for p in i.promises.all())]
        promises.append(section)
    for section in [*priorities.values(), *promises, unlinked]:
        section.count = suppress_count(len(section.items), threshold)
    return AnnualReport(
        plan=plan,
        year=year,
        total=total,
        by_channel=by_channel,
        by_status=by_status,
        priorities=list(priorities.values()),
        promises=promises,
        unlinked=unlinked,
        threshold=threshold,
        made_on=timezone.localdate().strftime("%d %B %Y"),
        has_examples=any(i.is_example for i in items),
    )


def render_html(report: AnnualReport) -> str:
    return render_to_string("voice/report.html", {"report": report})


def render_pdf(html: str) -> bytes:
    """The same report as a PDF, through WeasyPrint (fonts from the system, no network)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()
