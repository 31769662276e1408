"""Indicators computed from the statutory returns held in the analytical store.

Each module of this package registers its indicators in :data:`base.REGISTRY` when imported;
:func:`load_all` imports them all (including modules added later, found by name).
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import BREAKDOWNS, REGISTRY, RESULT_SCHEMA, register

__all__ = ["BREAKDOWNS", "REGISTRY", "RESULT_SCHEMA", "load_all", "register"]


def load_all() -> dict:
    """Import every indicator module so that all indicators are registered; return REGISTRY."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_") and module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY
