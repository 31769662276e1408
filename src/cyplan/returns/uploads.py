"""Loading a statutory return from the site: keep the files, check them, load them, recompute.

The same steps as ``cyplan returns load`` then ``cyplan returns compute``, as plain functions
the task worker runs for an upload:

1. :func:`save_files` keeps the uploaded files in a private folder of the data directory;
2. :func:`validate` reads and checks them (the readers of ``cyplan.analytics.returns``: every
   problem with its file, row or XML path, field and rule); :func:`report` groups the problems
   by rule and lists them by row;
3. :func:`load` puts the rows into the analytical store, and :func:`recompute` computes every
   indicator for the years loaded and stores the figures as outcome values.

:func:`validate` is the one place the site asks whether a return is good: a better check
(more rules) plugs in there and the pages show it unchanged.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cyplan.analytics.returns import (
    Pseudonymiser,
    ReadResult,
    key_from_environment,
    read_annex_a,
    read_cin_census,
    read_ssda903,
)

READERS = {"ssda903": read_ssda903, "cin": read_cin_census, "annex-a": read_annex_a}
SUFFIXES = {"ssda903": (".csv", ".xml"), "cin": (".xml",), "annex-a": (".xlsx",)}
ARTICLE_NAMES = {"ssda903": "an SSDA903", "cin": "a CIN census", "annex-a": "an Annex A"}
MAX_FILES = 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

Progress = Callable[[int, str], None]


class UploadError(ValueError):
    """The files cannot be used as this return; the message says why."""


def store_path() -> Path:
    """The analytical store the command uses too: ``<CYPLAN_DATA_DIR>/analytics.duckdb``."""
    return Path(settings.DATA_DIR) / "analytics.duckdb"


def upload_folder(upload_id) -> Path:
    """Where an upload's files wait: private to the server, outside MEDIA_ROOT."""
    return Path(settings.DATA_DIR) / "return-uploads" / str(upload_id)


def safe_name(name: str) -> str:
    """The file's own name, without folders, with only plain characters."""
    base = Path(name.replace("\\", "/")).name
    return _SAFE_NAME.sub("_", base).strip("._") or "file"


def check_files(kind: str, names: list[str]) -> list[str]:
    """Problems with the names and number of files for this return, before anything is kept."""
    problems = []
    if kind not in READERS:
        return [f"Choose the return: {', '.join(READERS)}"]
    if not names:
        return ["Choose the file or files of the return"]
    if len(names) > MAX_FILES:
        problems.append(f"Upload at most {MAX_FILES} files at once")
    if kind == "annex-a" and len(names) != 1:
        problems.append("An Annex A return is one Excel workbook (.xlsx): upload just that file")
    for name in names:
        if not name.lower().endswith(SUFFIXES[kind]):
            problems.append(
                f"{name}: {ARTICLE_NAMES[kind]} return is made of "
                + " or ".join(SUFFIXES[kind])
                + " files"
            )
    if len({safe_name(n).lower() for n in names}) != len(names):
        problems.append("Two of the files have the same name")
    return problems


def save_files(upload_id, files) -> list[str]:
    """Keep uploaded files (Django UploadedFile objects) in the upload's folder; their names."""
    folder = upload_folder(upload_id)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for upload in files:
        name = safe_name(upload.name)
        with open(folder / name, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        names.append(name)
    return names


def discard_files(upload_id) -> None:
    shutil.rmtree(upload_folder(upload_id), ignore_errors=True)


def _source(kind: str, folder: Path, names: list[str]) -> Path:
    return folder / names[0] if kind == "annex-a" else folder


def validate(
    kind: str, folder: Path, names: list[str], *, year: int | None, skip_invalid: bool = False
) -> ReadResult:
    """Read and check a return (pseudonymising as it reads); nothing is stored."""
    pseudonymiser = Pseudonymiser(key_from_environment(production=settings.PRODUCTION))
    kwargs = {"pseudonymiser": pseudonymiser, "skip_invalid": skip_invalid}
    if year and kind != "annex-a":
        kwargs["year"] = year
    return READERS[kind](_source(kind, folder, names), **kwargs)


@dataclass
class RuleCount:
    rule: str
    message: str  # the first problem's message, as an example
    count: int
    rows: int


def problem_rows(result: ReadResult, folder: Path) -> list[dict]:
    """Every problem as a plain dict, file names relative to the upload (no server paths)."""

    def short(path: str) -> str:
        return path.replace(str(folder) + "/", "").replace(str(folder), "")

    return [
        {
            "file": short(p.file),
            "row": p.row,
            "field": p.field,
            "rule": p.rule,
            "message": short(p.message),
            "value": p.value,
        }
        for p in result.problems
    ]


def skipped_rows(result: ReadResult, folder: Path) -> list[dict]:
    return [
        {
            "file": s.file.replace(str(folder) + "/", ""),
            "row": s.row,
            "table": s.table,
            "reasons": "; ".join(f"{p.field}: {p.message}" for p in s.problems),
        }
        for s in result.skipped_rows
    ]


def by_rule(problems: list[dict]) -> list[RuleCount]:
    """How many problems each rule found, and on how many rows, most frequent first."""
    counts: dict[str, RuleCount] = {}
    rows: dict[str, set] = {}
    for p in problems:
        entry = counts.setdefault(p["rule"], RuleCount(p["rule"], p["message"], 0, 0))
        entry.count += 1
        rows.setdefault(p["rule"], set()).add((p["file"], str(p["row"])))
    for rule, entry in counts.items():
        entry.rows = len(rows[rule])
    return sorted(counts.values(), key=lambda c: (-c.count, c.rule))


def load(
    kind: str,
    folder: Path,
    names: list[str],
    *,
    la: str,
    year: int | None,
    skip_invalid: bool,
    progress: Progress,
) -> tuple[dict[str, int], list[int]]:
    """Check the return again and load it into the store: (rows per table, years loaded).

    Raises UploadError when it no longer passes its check (the files are read again, so what
    is loaded is exactly what was checked).
    """
    from cyplan.analytics.store import AnalyticalStore, _years

    progress(10, "Checking the return again")
    result = validate(kind, folder, names, year=year, skip_invalid=skip_invalid)
    if not result.ok:
        raise UploadError(f"{len(result.problems)} problem(s) in the return: nothing was loaded")
    progress(40, "Loading the rows into the analytical store")
    years = _years({k: t for k, t in result.tables.items() if "YEAR" in t.column_names})
    with AnalyticalStore(store_path()) as store:
        if kind == "ssda903":
            loaded = store.load_ssda903(result, la)
        elif kind == "cin":
            loaded = store.load_cin(result, la)
        else:
            if year is None:
                raise UploadError("An Annex A return needs its collection year: give the year")
            loaded = store.load_annex_a(result, la, year)
    return loaded, (years or ([year] if year else []))


def recompute(years: list[int], la: str, progress: Progress) -> list[dict]:
    """Compute every indicator for the years loaded; store them; the area's totals as dicts."""
    import pyarrow as pa

    from cyplan.analytics.indicators import load_all
    from cyplan.analytics.store import AnalyticalStore
    from cyplan.outcomes.models import Indicator
    from cyplan.returns.services import store_results

    codes = sorted(load_all())
    parts = []
    with AnalyticalStore(store_path()) as store:
        steps = max(len(codes) * len(years), 1)
        done = 0
        for year in years:
            for code in codes:
                parts.append(store.compute([code], year=year))
                done += 1
                progress(60 + 35 * done // steps, f"Computing {code} for {year}")
        names = store.area_names()
    results = pa.concat_tables(parts) if parts else None
    if results is None or results.num_rows == 0:
        return []
    store_results(results, names)
    titles = dict(Indicator.objects.values_list("code", "title"))
    return [
        {
            "code": row["code"],
            "title": titles.get(row["code"], row["code"]),
            "year": row["year"],
            "value": row["value"],
            "numerator": row["numerator"],
            "denominator": row["denominator"],
        }
        for row in results.to_pylist()
        if row["la"] == la and not row["breakdown"] and row["value"] is not None
    ]
