"""Indicators computed from the statutory returns held in the analytical store.

Importing this package registers every indicator in :data:`base.REGISTRY`.
"""

from .base import BREAKDOWNS, REGISTRY, RESULT_SCHEMA, register

__all__ = ["BREAKDOWNS", "REGISTRY", "RESULT_SCHEMA", "register"]
