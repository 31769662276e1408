"""The readers belong to the Django-free analytics core."""

from __future__ import annotations

import subprocess
import sys


def test_the_readers_import_without_django():
    """Importing cyplan.analytics.returns in a fresh interpreter does not load Django."""
    code = (
        "import sys, cyplan.analytics.returns as r; "
        "assert 'django' not in sys.modules, 'django was imported'; "
        "assert callable(r.read_ssda903) and callable(r.read_cin_census) and callable(r.read_annex_a)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
