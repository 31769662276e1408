"""What the public 'you said, we did' pages show: filters, rows and the CSV table.

Everything here starts from ``publication.public_items()`` and reads only public fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyplan.core.tables import Table
from cyplan.plans.models import Plan, PlanNode
from cyplan.voice import publication
from cyplan.voice.models import Feedback, Theme

#: The only item fields a public output may read.
PUBLIC_FIELDS = ("published_text", "said_on", "channel", "channel_detail", "age_band")


@dataclass
class Filters:
    plan: Plan | None
    theme: str
    priority: str
    year: str

    @property
    def any(self) -> bool:
        return bool(self.plan or self.theme or self.priority or self.year)


def read_filters(params) -> Filters:
    """The chosen filters; a priority is given as 'plan-slug:node-key'."""
    plans = {p.slug: p for p in Plan.objects.filter(status=Plan.Status.PUBLISHED)}
    plan = plans.get(params.get("plan", ""))
    priority = params.get("priority", "")
    if ":" in priority:
        slug, key = priority.split(":", 1)
        if slug in plans and (plan is None or plan.slug == slug):
            plan = plans[slug]
            priority = key
        else:
            priority = ""
    else:
        priority = ""
    year = params.get("year", "")
    return Filters(
        plan=plan,
        theme=params.get("theme", "")[:100],
        priority=priority,
        year=year if year.isdigit() else "",
    )


def filtered_items(filters: Filters):
    return publication.filter_items(
        publication.public_items(),
        plan=filters.plan,
        theme=filters.theme,
        priority=filters.priority,
        year=filters.year,
    )


def filter_choices() -> dict:
    public = publication.public_items()
    years = sorted({d.year for d in public.values_list("said_on", flat=True)}, reverse=True)
    priorities = [
        (f"{n.plan.slug}:{n.key}", f"{n.plan.title}: {n.get_kind_display()} {n.number}")
        for n in PlanNode.objects.filter(
            plan__status=Plan.Status.PUBLISHED, parent__isnull=True
        ).select_related("plan")
    ]
    return {
        "plans": Plan.objects.filter(status=Plan.Status.PUBLISHED).order_by("title"),
        "themes": Theme.objects.filter(feedback__in=public).distinct(),
        "priorities": priorities,
        "years": years,
    }


def responses_text(item: Feedback) -> str:
    return " | ".join(
        f"{r.get_status_display()} ({r.responded_on:%B %Y}, {r.by_whom}): {r.text}"
        + (f" Reason: {r.reason}" if r.reason else "")
        for r in item.public_responses
    )


def public_table(items) -> Table:
    return Table(
        caption="You said, we did",
        headers=[
            "Reference",
            "You said",
            "When",
            "How",
            "Who (as a group)",
            "Themes",
            "Plan",
            "Linked to",
            "Status",
            "We did",
        ],
        filename="you-said-we-did.csv",
        rows=[
            [
                item.pk,
                item.published_text,
                item.said_on.strftime("%B %Y"),
                item.channel_label,
                item.group_label,
                "; ".join(t.name for t in item.themes.all()),
                item.plan.title if item.plan else "",
                "; ".join(f"{n.get_kind_display()} {n.number}" for n in item.nodes.all()),
                publication.STATUS_LABELS[publication.latest_status(item)],
                responses_text(item),
            ]
            for item in items
        ],
    )
