"""Tables that a page shows and a person can download as CSV.

A page builds a ``Table`` once; the template renders it and ``?format=csv`` downloads the
same rows. Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell's text, neutralised so that a spreadsheet never runs it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    filename: str = "table.csv"

    def csv_response(self) -> HttpResponse:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([safe_cell(h) for h in self.headers])
        for row in self.rows:
            writer.writerow([safe_cell(cell) for cell in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def query_without_format(request) -> str:
    return query_without(request, "format")


def query_without(request, *names: str) -> str:
    """The request's query string without the named parameters."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
