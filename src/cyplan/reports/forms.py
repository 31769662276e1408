"""Asking for a board pack or a scrutiny report in the site."""

from __future__ import annotations

from django import forms

from cyplan.delivery.periods import periods_between, short_label
from cyplan.plans.models import Board, Plan
from cyplan.reports.render import FORMATS


def period_choices() -> list[tuple[str, str]]:
    """Every reporting period of the plans, newest first, as (key, label people use)."""
    seen: dict[str, str] = {}
    plans = Plan.objects.exclude(status=Plan.Status.ARCHIVED).values_list(
        "period_start", "period_end", "reporting_period"
    )
    periods = sorted(
        {p for start, end, kind in plans for p in periods_between(start, end, kind)},
        key=lambda p: (p.end, -p.start.toordinal()),
        reverse=True,
    )
    for period in periods:
        seen.setdefault(period.key, short_label(period))
    return list(seen.items())


FORMAT_LABELS = {
    "pdf": "PDF, to circulate",
    "docx": "Word, to edit before circulating",
    "xlsx": "Excel, one sheet per section",
    "html": "Web page, to print",
}


class BoardPackForm(forms.Form):
    board = forms.ChoiceField(
        label="Board", error_messages={"required": "Choose the board the pack is for"}
    )
    period = forms.ChoiceField(
        label="Reporting period",
        required=False,
        error_messages={"invalid_choice": "Choose a reporting period from the list"},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a format"},
    )
    audience = forms.ChoiceField(
        label="Who it is for",
        choices=[
            ("staff", "The board (includes updates not yet approved; small numbers shown, marked)"),
            ("public", "The public (approved updates only; small numbers suppressed)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the pack is for"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        boards = Board.objects.filter(monitoring__isnull=False).distinct().order_by("name")
        self.fields["board"].choices = [("", "Choose a board")] + [(b.key, b.name) for b in boards]
        self.fields["period"].choices = [("", "The current period")] + period_choices()


class ScrutinyForm(forms.Form):
    plan = forms.ChoiceField(label="Plan", error_messages={"required": "Choose the plan"})
    period = forms.ChoiceField(
        label="Reporting period",
        required=False,
        error_messages={"invalid_choice": "Choose a reporting period from the list"},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a format"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "Choose a plan")] + list(
            Plan.objects.order_by("title").values_list("slug", "title")
        )
        self.fields["period"].choices = [("", "The current period")] + period_choices()
