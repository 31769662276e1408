"""The sections other parts of cyplan add to a board pack: "you said, we did" and
disproportionality highlights. Both use only what the public may see of the voice items
(approved, moderated, never a safeguarding item) and disclosure control on every count; a
section built for staff says when it holds figures the public would see as "c".
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings

from cyplan.analytics.disclosure import suppress_one_way
from cyplan.core.demo_mode import real_only, shows_demo_data
from cyplan.reports.content import Section

MAX_ITEMS = 8


def voice_highlights(plan, period, public: bool) -> list[Section]:
    """The plan's published "you said, we did" items up to the end of the period."""
    from cyplan.voice.publication import STATUS_LABELS, latest_status, public_items

    items = list(real_only(public_items().filter(plan=plan, said_on__lte=period.end)))
    if not items:
        return []
    statuses = Counter(latest_status(item) for item in items)
    # With the total shown, one small status count could be worked out from the others:
    # secondary suppression, as in the annual report.
    limit = settings.CYPLAN_DISCLOSURE_THRESHOLD
    shown = suppress_one_way(dict(statuses.most_common()), limit, public)
    counts = ", ".join(
        f"{STATUS_LABELS[status].lower()} {shown[status].shown}"
        for status, _ in statuses.most_common()
    )
    rows = []
    for item in items[:MAX_ITEMS]:
        responses = item.public_responses
        did = responses[-1].text if responses else "No response yet"
        # The month only, as on the public pages: an exact day narrows down who said it.
        rows.append([item.said_on.strftime("%B %Y"), item.group_label, item.published_text, did,
                     STATUS_LABELS[latest_status(item)]])  # fmt: skip
    return [
        Section(
            title='"You said, we did": highlights',
            paragraphs=[
                f"{shown['Total'].shown} published items up to {period.end:%-d %B %Y}. "
                f"By the status of their latest response: {counts}.",
                "Only moderated, approved items appear; nothing flagged for safeguarding ever does.",
            ],
            headers=["Said in", "Who said it", "You said", "We did", "Status"],
            rows=rows,
            label="Example data" if any(getattr(i, "is_example", False) for i in items) else "",
            revealed=not public and any(0 < n < limit for n in [*statuses.values(), len(items)]),
        )
    ]


def disproportionality_highlights(plan, period, public: bool) -> list[Section]:
    """For each cohort that concerns this plan (or its area), the groups that differ significantly."""
    from cyplan.analytics.disproportionality import OVER, UNDER
    from cyplan.disproportionality import services
    from cyplan.disproportionality.models import Cohort

    linked = Cohort.objects.filter(nodes__plan_slug=plan.slug).distinct()
    cohorts = list(linked) or list(Cohort.objects.all())
    if not shows_demo_data():  # a real instance never reports synthetic figures
        cohorts = [c for c in cohorts if not services.is_synthetic(c)]
    rows, synthetic, sentences, revealed = [], False, [], False
    for cohort in cohorts:
        try:
            page = services.cohort_page(
                cohort, characteristic="ethnicity", area_code=plan.area.code, public=public
            )
        except services.NoData:
            continue
        synthetic = synthetic or page.synthetic
        revealed = revealed or page.any_revealed
        sentences.extend(page.headline[:3])
        for row in page.rows:
            if row.is_reference or row.significance not in (OVER, UNDER):
                continue
            rows.append(
                [cohort.title, page.year, row.label, row.rri, row.interval, row.significance]
            )
    if not rows and not sentences:
        return []
    return [
        Section(
            title="Disproportionality: groups over- or under-represented",
            paragraphs=sentences or ["No group differs significantly from the reference group."],
            headers=[
                "Cohort",
                "Year",
                "Group",
                "Relative rate index",
                "95% interval",
                "Significance",
            ],
            rows=rows,
            label="Synthetic data" if synthetic else "",
            revealed=revealed,
        )
    ]
