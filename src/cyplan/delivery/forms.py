"""The progress update form, in GOV.UK style (error messages say what to do)."""

from __future__ import annotations

from django import forms

from cyplan.delivery.models import Rag, Status


class UpdateForm(forms.Form):
    period = forms.ChoiceField(
        label="Reporting period", error_messages={"required": "Choose a reporting period"}
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )
    rag = forms.ChoiceField(
        label="RAG rating (optional)",
        choices=[("", "Use the status")] + [c for c in Rag.choices if c[0]],
        required=False,
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(
        label="What happened this period",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter a short narrative: what happened this period",
            "max_length": "The narrative must be 5,000 characters or fewer",
        },
    )
    link_url_1 = forms.CharField(
        label="Link to evidence (optional)", required=False, max_length=500
    )
    link_title_1 = forms.CharField(
        label="What the link shows (optional)", required=False, max_length=200
    )
    link_url_2 = forms.CharField(label="Another link (optional)", required=False, max_length=500)
    link_title_2 = forms.CharField(
        label="What the link shows (optional)", required=False, max_length=200
    )
    evidence_file = forms.FileField(label="Attach a file (optional)", required=False)
    on_behalf_of = forms.CharField(
        label="Entered on behalf of (plan managers only)", required=False, max_length=300
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]

    def evidence_links(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"url": data.get(f"link_url_{i}", ""), "title": data.get(f"link_title_{i}", "")}
            for i in (1, 2)
            if data.get(f"link_url_{i}")
        ]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Your question or what to change",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say what the lead should change or answer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
