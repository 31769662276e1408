"""The form for entering or correcting a figure by hand (GOV.UK style messages)."""

from __future__ import annotations

from django import forms

from cyplan.outcomes.entry import SYMBOLS, ValueInput
from cyplan.outcomes.presentation import SYMBOL_WORDS


def _number(label: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        error_messages={"invalid": f"{label.split(' (')[0]} must be a number, like 43 or 12.5"},
    )


class ValueForm(forms.Form):
    area_code = forms.CharField(
        label="Area code",
        max_length=12,
        error_messages={"required": "Enter the area's official code, like E09000006"},
    )
    area_name = forms.CharField(label="Area name", max_length=200, required=False)
    period = forms.CharField(
        label="Period",
        max_length=100,
        error_messages={"required": "Enter the period, like 2024 or 2023/24"},
    )
    value = _number("Value (optional if you give the counts)")
    numerator = _number("Numerator (optional)")
    denominator = _number("Denominator (optional)")
    symbol = forms.ChoiceField(
        label="Symbol (optional)",
        required=False,
        choices=[("", "None: the figure is a plain number")]
        + [(s, f"{s}: {SYMBOL_WORDS[s]}") for s in SYMBOLS],
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        error_messages={"required": "Say where the figure comes from"},
    )
    note = forms.CharField(
        label="Reason for the change (needed for a correction)",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
    )

    def value_input(self) -> ValueInput:
        data = self.cleaned_data
        return ValueInput(
            area_code=data["area_code"].strip().upper(),
            area_name=data.get("area_name", ""),
            period=data["period"],
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            symbol=data.get("symbol", ""),
            source=data["source"],
            note=data.get("note", ""),
        )


class TargetForm(forms.Form):
    area_code = forms.CharField(
        label="Area code",
        max_length=12,
        error_messages={"required": "Enter the area's official code, like E09000006"},
    )
    period = forms.CharField(
        label="Period (optional: leave blank for every period)", max_length=100, required=False
    )
    value = forms.FloatField(
        label="Target",
        error_messages={
            "required": "Enter the target",
            "invalid": "The target must be a number, like 90",
        },
    )
    note = forms.CharField(
        label="Where the target comes from (optional)", max_length=1000, required=False
    )
