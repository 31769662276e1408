"""Fuzzing settings for the hostile-input tests, and a count of the cases each one ran.

``CYPLAN_FUZZ_SCALE=10 pytest tests/security`` runs ten times as many cases. At the end of
the run pytest prints how many cases each fuzzer ran (docs/development.md records them).
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("CYPLAN_FUZZ_SCALE", "1"))
CASES: Counter[str] = Counter()
#: (fuzzer, outcome) -> cases, e.g. ("review form", 302): shows the fuzzers reach both paths.
OUTCOMES: Counter[tuple[str, object]] = Counter()
LIMITS: dict[str, int] = {}


def fuzz(name: str, max_examples: int):
    """Hypothesis settings for one fuzzer; the test calls ``ran(name)`` once per case."""
    LIMITS[name] = max(1, int(max_examples * SCALE))
    return settings(
        max_examples=LIMITS[name],
        deadline=None,
        database=None,
        derandomize=os.environ.get("CYPLAN_FUZZ_RANDOM") != "1",
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def ran(name: str, outcome: object = None) -> None:
    CASES[name] += 1
    if outcome is not None:
        OUTCOMES[name, outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if not CASES:
        return
    terminalreporter.section("hostile input: cases run per fuzzer")
    for name in sorted(CASES):
        outcomes = ", ".join(
            f"{outcome}: {count}"
            for (n, outcome), count in sorted(OUTCOMES.items(), key=str)
            if n == name
        )
        terminalreporter.write_line(
            f"{name:32} {CASES[name]:6} (max_examples {LIMITS[name]}) {outcomes}"
        )
