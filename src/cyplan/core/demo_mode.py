"""Demonstration data and demo instances.

What ``cyplan demo`` and the synthetic loaders make is flagged in the database
(``is_example`` on updates, voice items and accounts; ``is_synthetic`` on disproportionality
cohorts and denominators). An instance run as a demo (``CYPLAN_DEMO=1``, which ``make run``
sets) says so on every page and shows that data, labelled. A real instance never puts it in
a pack, report, CSV or API response: every output asks :func:`real_only` first.
"""

from __future__ import annotations

from django.conf import settings


def is_demo() -> bool:
    """True when this instance is run as a demonstration (``CYPLAN_DEMO=1``)."""
    return bool(getattr(settings, "CYPLAN_DEMO", False))


def real_only(queryset, flag: str = "is_example"):
    """The queryset without demonstration rows, unless this instance is a demo."""
    return queryset if is_demo() else queryset.filter(**{flag: False})


def shows_demo_data() -> bool:
    """Whether outputs may include demonstration data (only on a demo instance)."""
    return is_demo()
