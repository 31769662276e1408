"""Shared test fixtures: where the shared reference data lives, and loaded plans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CYPP_SEED = SEEDS / "000_3df01a3a572b51c3.txt"
PORTFOLIO_SEED = SEEDS / "002_14c48f49ea96c964.txt"


def normalise(text: str) -> str:
    """Fold white space and typographic quotes so texts can be compared word for word."""
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def builtin_plans(db):
    """Both built-in plans imported into the test database."""
    from cyplan.plans.builtin import builtin_plan_paths
    from cyplan.plans.importer import import_plan_path

    return {result.plan.slug: result.plan for result in map(import_plan_path, builtin_plan_paths())}
