"""Property test: corrupting a valid SSDA903 episodes file never crashes the reader, and
either produces a problem or, if the corruption was harmless, loads every valid row."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyplan.analytics.returns import Pseudonymiser, read_ssda903

from .conftest import (
    EPISODE_COLUMNS,
    HEADER_COLUMNS,
    KEY,
    TODAY,
    episode_row,
    header_row,
    write_csv,
)

BASE = [
    episode_row("1", "01/04/2022", "01/05/2022"),
    episode_row("1", "01/05/2022", RNE="P", PLACE="K2"),
    episode_row("2", "10/06/2022", "11/06/2022", LS="V3"),
    episode_row("2", "12/07/2022", LS="V4", PLACE="R1"),
    episode_row("3", "05/01/2023", RNE="L", CIN="N8"),
]
ODD = '0123456789/-. ,"\nABCXYZaz'


def _render(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def corrupted(draw) -> str:
    columns, rows = list(EPISODE_COLUMNS), [list(r) for r in BASE]
    kind = draw(st.sampled_from(["drop_column", "garble_date", "unknown_code", "truncate"]))
    if kind == "drop_column":
        gone = draw(st.integers(0, len(columns) - 1))
        columns.pop(gone)
        rows = [r[:gone] + r[gone + 1 :] for r in rows]
    elif kind == "garble_date":
        row = draw(st.integers(0, len(rows) - 1))
        column = EPISODE_COLUMNS.index(draw(st.sampled_from(["DECOM", "DEC"])))
        rows[row][column] = draw(st.text(alphabet=ODD, min_size=1, max_size=12))
    elif kind == "unknown_code":
        row = draw(st.integers(0, len(rows) - 1))
        name = draw(st.sampled_from(["RNE", "LS", "CIN", "PLACE", "REC", "REASON_PLACE_CHANGE"]))
        rows[row][EPISODE_COLUMNS.index(name)] = draw(
            st.text(alphabet="ABCLNPSTUVXZ0123456789", min_size=1, max_size=4)
        )
    text = _render(columns, rows)
    if kind == "truncate":
        last_row_starts = text.rstrip("\n").rindex("\n") + 1
        text = text[: draw(st.integers(last_row_starts, len(text)))]
    return text


def _count(text: str) -> tuple[int, int]:
    """Non-blank data rows, and those with as many fields as the header (csv module)."""
    records = list(csv.reader(io.StringIO(text)))
    header, data = records[0], [r for r in records[1:] if any(v.strip() for v in r)]
    return len(data), sum(1 for r in data if len(r) == len(header))


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(text=corrupted())
def test_corruption_is_reported_or_harmless(text):
    """A problem (and no tables when not skipping), or every valid row loaded; never a crash."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_csv(root / "header.csv", HEADER_COLUMNS, [header_row(c) for c in "123"])
        (root / "episodes.csv").write_text(text)
        pseudonymiser = Pseudonymiser(KEY)
        strict = read_ssda903(root, pseudonymiser=pseudonymiser, today=TODAY)
        lenient = read_ssda903(root, pseudonymiser=pseudonymiser, today=TODAY, skip_invalid=True)
    rows, valid_rows = _count(text)
    if strict.problems:
        assert not strict.ok and strict.tables == {}
        assert lenient.problems == strict.problems
        if lenient.ok:  # row problems: those rows are skipped, the rest kept
            skipped = sum(1 for s in lenient.skipped_rows if s.table == "episodes")
            # a bad value in a field no figure keys on keeps its row, with the value unknown
            soft = all(p.field in ("CIN", "REASON_PLACE_CHANGE") for p in lenient.problems)
            assert skipped >= 1 or soft
            assert lenient.tables["episodes"].num_rows + skipped == rows
        else:  # a problem with the file as a whole (a required column gone)
            assert lenient.tables == {} and any(p.row in (0, 1) for p in lenient.problems)
    else:
        assert strict.ok and lenient.ok
        assert strict.tables["episodes"].num_rows == valid_rows == rows
