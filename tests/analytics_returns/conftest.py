"""Helpers for the returns readers' tests: the shared sample data and tiny hand-built returns."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from cyplan.analytics.returns import Pseudonymiser

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FORMATS = SHARED / "data" / "formats"
TODAY = date(2026, 11, 23)
KEY = b"tests-only pseudonymisation key"

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]  # fmt: skip


def header_row(child: str, sex: str = "1", dob: str = "14/07/2012", upn: str = "A123456789012"):
    """One valid header row."""
    return [child, sex, dob, "WBRI", upn, "", ""]


def episode_row(child: str, decom: str = "01/05/2022", dec: str = "", **changes: str) -> list[str]:
    """One valid episode row; keyword arguments replace columns by name."""
    row = dict(zip(EPISODE_COLUMNS, [child, decom, "S", "C2", "N1", "U1", "PR1", dec, "", "",
                                     "BR1 3UH", "SE12 9AA", "SC123456"], strict=True))  # fmt: skip
    if dec:
        row["REC"] = "E11" if "REC" not in changes else changes["REC"]
    row.update(changes)
    return [row[c] for c in EPISODE_COLUMNS]


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    """Write a CSV file with the csv module (the readers must not be used to build inputs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def write_return(folder: Path, header: list[list[str]], episodes: list[list[str]]) -> Path:
    """A minimal SSDA903 return: header.csv and episodes.csv."""
    write_csv(folder / "header.csv", HEADER_COLUMNS, header)
    write_csv(folder / "episodes.csv", EPISODE_COLUMNS, episodes)
    return folder


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of a CSV file, read independently with the csv module."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())
        ]


def string_cells(tables) -> list[str]:
    """Every string value in every table (list columns included)."""
    found = []
    for table in tables.values():
        for column in table.columns:
            for value in column.to_pylist():
                if isinstance(value, str):
                    found.append(value)
                elif isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, str))
    return found


@pytest.fixture
def pseudonymiser() -> Pseudonymiser:
    """A pseudonymiser with a fixed test key."""
    return Pseudonymiser(KEY)
