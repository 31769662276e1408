"""Uploading a statutory return in the site."""

from __future__ import annotations

import re

from django import forms

from cyplan.returns.models import KINDS

_ONS_CODE = re.compile(r"^[EWSN]\d{8}$")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which return",
        choices=KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which return the files are"},
    )
    la = forms.CharField(
        label="Local authority code",
        max_length=9,
        error_messages={"required": "Give the local authority's ONS code, like E09000006"},
    )
    year = forms.IntegerField(
        label="Collection year (optional for SSDA903 and CIN)",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Give the year the collection ends, like 2024",
            "min_value": "Give the year the collection ends, like 2024",
            "max_value": "Give the year the collection ends, like 2024",
        },
    )

    def clean_la(self) -> str:
        code = self.cleaned_data["la"].strip().upper()
        if not _ONS_CODE.match(code):
            raise forms.ValidationError(
                "A local authority code is a letter and 8 digits, like E09000006"
            )
        return code

    def clean(self):
        data = super().clean()
        if data.get("kind") == "annex-a" and not data.get("year"):
            self.add_error("year", "An Annex A return needs its collection year, like 2024")
        return data
