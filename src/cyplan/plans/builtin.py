"""The plans that ship with cyplan as worked examples (Bromley's two plans)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BUILTIN_SLUGS = ["bromley-cypp-2021-2024", "bromley-cef-portfolio-2024-2025"]


def builtin_plan_paths() -> list[Path]:
    """Paths of the built-in plan files, in the order they should be imported."""
    folder = resources.files("cyplan.data").joinpath("plans")
    return [Path(str(folder.joinpath(f"{slug}.yaml"))) for slug in BUILTIN_SLUGS]
