"""Forms for staff: upload a file of counts, or type one year's counts by ethnic group."""

from __future__ import annotations

from django import forms

from cyplan.analytics import ethnicity as eth
from cyplan.disproportionality.importing import AREA_CODE, YEAR
from cyplan.disproportionality.models import Cohort, Denominator

MAX_UPLOAD = 5 * 1024 * 1024


def target_choices() -> list[tuple[str, str]]:
    return [(f"cohort:{c.code}", f"Cohort: {c.title}") for c in Cohort.objects.all()] + [
        (f"denominator:{d.code}", f"Denominator: {d.title}") for d in Denominator.objects.all()
    ]


class ImportForm(forms.Form):
    target = forms.ChoiceField(
        label="What the counts are",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the cohort or denominator the counts are for"},
    )
    file = forms.FileField(
        label="File of counts (CSV or Excel .xlsx)",
        error_messages={"required": "Choose a CSV or .xlsx file to upload"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = target_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a .csv or .xlsx file")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return upload

    def owner(self) -> dict:
        kind, code = self.cleaned_data["target"].split(":", 1)
        if kind == "cohort":
            return {"cohort": Cohort.objects.get(code=code)}
        return {"denominator": Denominator.objects.get(code=code)}


class EntryForm(forms.Form):
    """One area and year of a cohort's counts by ethnicity code; blank means not given."""

    area_code = forms.CharField(
        label="Area code",
        max_length=12,
        error_messages={"required": "Enter the area's code, like E09000006"},
    )
    area_name = forms.CharField(label="Area name", max_length=200, required=False)
    year = forms.CharField(
        label="Year",
        max_length=20,
        error_messages={"required": "Enter the year, like 2024 or 2023/24"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, (label, _main) in eth.CODES.items():
            self.fields[f"count_{code}"] = forms.IntegerField(
                label=f"{label} ({code})",
                required=False,
                min_value=0,
                error_messages={
                    "invalid": f"{label}: enter a whole number, like 12",
                    "min_value": f"{label}: the count cannot be negative",
                },
            )

    def clean_area_code(self):
        code = self.cleaned_data["area_code"].strip().upper()
        if not AREA_CODE.fullmatch(code):
            raise forms.ValidationError("Enter the area's code: letters and digits, like E09000006")
        return code

    def clean_year(self):
        year = self.cleaned_data["year"].strip()
        if not YEAR.fullmatch(year):
            raise forms.ValidationError("Enter the year as 2024 or 2023/24")
        return year

    def clean(self):
        data = super().clean()
        if not self.errors and all(data.get(f"count_{c}") is None for c in eth.CODES):
            raise forms.ValidationError("Enter at least one count")
        return data

    def counts(self) -> dict[str, int]:
        return {
            code: self.cleaned_data[f"count_{code}"]
            for code in eth.CODES
            if self.cleaned_data.get(f"count_{code}") is not None
        }

    def main_group_fields(self):
        """The count fields grouped under their main group, for fieldsets."""
        for main in eth.MAIN_GROUPS:
            yield main, [self[f"count_{c}"] for c, (_, m) in eth.CODES.items() if m == main]


def node_choices(user=None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The priorities and commitments of the plans ``user`` may read, grouped by plan, as
    ``slug:key`` choices. A draft plan is offered only to those who may read it, and named
    as a draft: its titles appear on the public cohort page only once it is published."""
    from cyplan.plans.models import Plan, PlanNode
    from cyplan.plans.queries import visible_plans

    groups: dict[str, list[tuple[str, str]]] = {}
    nodes = PlanNode.objects.filter(
        kind__in=["ambition", "priority", "commitment"], plan__in=visible_plans(user)
    )
    for node in nodes.select_related("plan").order_by("plan__title", "position"):
        label = f"{node.get_kind_display()} {node.number}: {node.title[:100]}"
        group = node.plan.title
        if node.plan.status == Plan.Status.DRAFT:
            group += " (draft: not shown to the public until it is published)"
        groups.setdefault(group, []).append((f"{node.plan.slug}:{node.key}", label))
    return list(groups.items())


class CohortForm(forms.Form):
    code = forms.SlugField(
        label="Code", max_length=100,
        error_messages={"required": "Enter a short code, like children-in-care",
                        "invalid": "Use lower-case letters, digits and hyphens only, like children-in-care"},
    )  # fmt: skip
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "Enter the cohort's title"}
    )
    phrase = forms.CharField(
        label="How the summary sentence ends", max_length=200,
        error_messages={"required": 'Enter how the sentence ends, like "to be in care"'},
    )  # fmt: skip
    compared_with = forms.ChoiceField(
        label="Compared with",
        error_messages={"required": "Choose what the cohort is compared with"},
    )
    source = forms.CharField(label="Source (optional)", max_length=300, required=False)
    nodes = forms.MultipleChoiceField(
        label="Which priorities and commitments it concerns (optional)", required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compared_with"].choices = (
            [("", "Choose")]
            + [
                (f"denominator:{d.code}", f"Population: {d.title}")
                for d in Denominator.objects.all()
            ]
            + [(f"cohort:{c.code}", f"Another cohort: {c.title}") for c in Cohort.objects.all()]
        )
        self.node_groups = node_choices(user)
        self.fields["nodes"].choices = [c for _, choices in self.node_groups for c in choices]

    def cohort_input(self):
        from cyplan.disproportionality.cohorts import CohortInput

        data = self.cleaned_data
        kind, _, code = data["compared_with"].partition(":")
        return CohortInput(
            code=data["code"], title=data["title"], phrase=data["phrase"],
            denominator=code if kind == "denominator" else "",
            base_cohort=code if kind == "cohort" else "", source=data["source"],
            nodes=[tuple(v.split(":", 1)) for v in data["nodes"]],
        )  # fmt: skip
