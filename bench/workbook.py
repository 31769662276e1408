"""Workbook benchmark: the quarter's updates workbook for a plan of 500 actions.

Times the export, and the import of the workbook with every row filled in (each row checked,
then 500 updates written in one transaction), on SQLite, beside a baseline measured in the
same run: openpyxl reading the same workbook with nothing else (the floor any import pays).
Budget: the import of 500 actions in under 5 s.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import build_plan, setup_django

BUDGET_S = 5.0
REPEATS = 3


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        import openpyxl

        from cyplan.delivery.update_workbook import (
            HEADERS,
            find_period,
            import_update_workbook,
            write_update_workbook,
        )

        plan, _lead, manager, count = build_plan()
        period = find_period(plan, "Q4 2025/26")
        print(f"A plan of 500 actions and {count} updates; workbook for {period.label}")
        exports, imports, reads = [], [], []
        for run in range(REPEATS):
            started = time.perf_counter()
            book = write_update_workbook(plan, period)
            data = io.BytesIO()
            book.save(data)
            exports.append(time.perf_counter() - started)
            sheet = book["Updates"]
            status, narrative = HEADERS.index("Status") + 1, HEADERS.index("Narrative") + 1
            for row in range(2, sheet.max_row + 1):
                sheet.cell(row, status).value = "On track"
                sheet.cell(row, narrative).value = f"Run {run}: what happened this quarter."
            filled = io.BytesIO()
            book.save(filled)
            started = time.perf_counter()
            reader = openpyxl.load_workbook(io.BytesIO(filled.getvalue()), read_only=True)
            rows = sum(1 for _ in reader["Updates"].iter_rows(values_only=True))
            reader.close()
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            summary = import_update_workbook(io.BytesIO(filled.getvalue()), manager)
            imports.append(time.perf_counter() - started)
            assert len(summary.written) == rows - 1 == 500, (len(summary.written), rows)
        baseline = statistics.median(reads)
        print(f"{'step':<34}{'median s':>10}{'x baseline':>12}{'x budget':>10}")
        print(f"{'baseline: openpyxl reads it':<34}{baseline:>10.2f}{1:>12.1f}{'':>10}")
        export = statistics.median(exports)
        print(f"{'export (500 rows)':<34}{export:>10.2f}{export / baseline:>12.1f}{'':>10}")
        imported = statistics.median(imports)
        print(
            f"{'import (check + write 500)':<34}{imported:>10.2f}{imported / baseline:>12.1f}"
            f"{imported / BUDGET_S:>10.2f}"
        )
        verdict = "within" if imported < BUDGET_S else "OVER"
        print(f"Import median {imported:.2f} s: {verdict} the {BUDGET_S:.0f} s budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
