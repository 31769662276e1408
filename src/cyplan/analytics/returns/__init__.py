"""Readers of the statutory returns: SSDA903, CIN census and Ofsted Annex A.

Each reader validates at the door and pseudonymises before anything leaves it, and returns
a :class:`ReadResult` of pyarrow tables and :class:`Problem` records; see docs/returns.md.
"""

from .annex_a import read_annex_a
from .cin import read_cin_census
from .problems import Problem, ReadResult, SkippedRow
from .pseudonymise import PseudonymisationKeyError, Pseudonymiser, key_from_environment
from .ssda903 import read_ssda903

__all__ = [
    "Problem",
    "PseudonymisationKeyError",
    "Pseudonymiser",
    "ReadResult",
    "SkippedRow",
    "key_from_environment",
    "read_annex_a",
    "read_cin_census",
    "read_ssda903",
]
