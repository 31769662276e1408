"""Every importer, fed mangled files: a clear error (CommandError, one message with where the
problem is) or a clean import, never a stack trace; a refused file writes nothing, to the
database or to the analytical store.

Each fuzzer starts from a real sample (the built-in test plan, the shared DfE, ONS and
statutory-return samples, cut to their first rows to keep the run fast) and mangles it with
tests/security/mutations.py. tests/analytics_returns/test_corruptions.py already checks that
the SSDA903 reader reports specific corruptions of the episodes file; these go through the
whole ``cyplan`` command, for every format.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cyplan.ops.archive import table_counts
from cyplan.plans.models import Plan
from tests.factories import PLAN, make_plan
from tests.security.conftest import fuzz, ran
from tests.security.mutations import HOSTILE, head, hostile_text, mangled_lines

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FORMATS = SHARED / "formats"
LA = "E09000006"
CURRENT = [""]  # the fuzzer running now, for the count of cases


@pytest.fixture
def folder(tmp_path, settings, monkeypatch):
    """A data folder for the store; a test plan in the database; a pseudonymisation key."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("CYPLAN_PSEUDONYMISATION_KEY", "ab" * 32)
    make_plan()
    return tmp_path


def store_counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
        ]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def run(*args: str) -> tuple[bool, str]:
    """Run a cyplan command: (True, output) if it worked, (False, message) if it refused.
    Any other exception is a stack trace a person would see: the test fails with it."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        message = str(error)
        assert message.strip(), "a refusal must say why"
        assert "Traceback" not in message
        return False, message + err.getvalue()
    return True, out.getvalue()


def check_atomic(folder: Path, attempt) -> None:
    """Run ``attempt``; if it refused, nothing in the database or the store changed."""
    store = folder / "analytics.duckdb"
    before_db, before_store = table_counts(), store_counts(store)
    worked, message = attempt()
    ran(CURRENT[0], "imported" if worked else "refused")
    if not worked:
        assert table_counts() == before_db, message
        assert store_counts(store) == before_store, message


def test_plan_yaml(folder):
    """``cyplan plan import`` of a mangled plan file (YAML)."""

    @fuzz("plan YAML", 100)
    @given(data=mangled_lines(PLAN.replace("slug: test-plan", "slug: fuzzed-plan")))
    def case(data):
        CURRENT[0] = "plan YAML"
        path = folder / "plan.yaml"
        path.write_bytes(data)
        check_atomic(folder, lambda: run("plan", "import", str(path)))

    case()


def _plan_workbook(folder: Path) -> Path:
    path = folder / "template-plan.xlsx"
    if not path.exists():
        call_command("plan", "export", "test-plan", "--format", "xlsx", "--output", str(path),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    return path


@st.composite
def mangled_cells(draw, sheets: dict[str, tuple[int, int]]):
    """Changes to a workbook's cells: (sheet, row, column, new value)."""
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        sheet = draw(st.sampled_from(sorted(sheets)))
        rows, columns = sheets[sheet]
        value = draw(st.one_of(hostile_text, st.integers(-10, 10**6), st.floats(), st.none()))
        changes.append(
            (sheet, draw(st.integers(1, rows + 1)), draw(st.integers(1, columns + 1)), value)
        )
    return changes


def _apply(source: Path, target: Path, changes) -> None:
    book = openpyxl.load_workbook(source)
    for sheet, row, column, value in changes:
        cell = book[sheet].cell(row=row, column=column)
        if isinstance(value, str):  # Excel itself cannot hold control characters
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    book.save(target)


def test_plan_excel(folder):
    """``cyplan plan import`` of a mangled plan workbook (.xlsx), and of bytes that are not one."""
    template = _plan_workbook(folder)
    book = openpyxl.load_workbook(template, read_only=True)
    shape = {ws.title: (ws.max_row, ws.max_column) for ws in book.worksheets}
    book.close()
    Plan.objects.all().delete()  # the import must create the plan anew

    @fuzz("plan Excel", 50)
    @given(changes=mangled_cells(shape), junk=st.integers(0, 19))
    def case(changes, junk):
        CURRENT[0] = "plan Excel"
        path = folder / "plan.xlsx"
        if junk == 0:  # now and then, not a workbook at all
            path.write_bytes(template.read_bytes()[: len(changes) * 97])
        else:
            _apply(template, path, changes)
        check_atomic(folder, lambda: run("plan", "import", str(path)))

    case()


def test_ees_csv(folder):
    """``cyplan data import-ees`` of a mangled Explore Education Statistics file."""
    sample = head(SHARED / "dfe-ees" / "sen2_ehcp_timeliness_20_week.csv", 40)

    @fuzz("EES CSV", 80)
    @given(data=mangled_lines(sample))
    def case(data):
        CURRENT[0] = "EES CSV"
        path = folder / "ees.csv"
        path.write_bytes(data)
        check_atomic(folder, lambda: run("data", "import-ees", str(path)))

    case()


def test_statistical_neighbours(folder):
    """``cyplan data import-neighbours`` with one of its three files mangled."""
    reference = SHARED / "reference"
    names = ["statistical_neighbours.csv", "la_codes.csv", "la_regions.csv"]
    texts = {name: (reference / name).read_text(encoding="utf-8-sig") for name in names[1:]}
    texts[names[0]] = head(reference / names[0], 30)  # every LA's column, 29 rows of them

    @fuzz("statistical neighbours", 50)
    @given(which=st.sampled_from(names), data=st.data())
    def case(which, data):
        CURRENT[0] = "statistical neighbours"
        for name in names:
            content = (
                data.draw(mangled_lines(texts[name])) if name == which else texts[name].encode()
            )
            (folder / name).write_bytes(content)
        check_atomic(
            folder,
            lambda: run("data", "import-neighbours", str(folder / names[0]),
                        "--la-codes", str(folder / names[1]), "--regions", str(folder / names[2])),
        )  # fmt: skip

    case()


def test_ssda903(folder):
    """``cyplan returns load ssda903`` of a return folder with its header or episodes mangled."""
    texts = {name: head(FORMATS / "ssda903" / name, 30) for name in ("header.csv", "episodes.csv")}

    @fuzz("SSDA903 CSV", 80)
    @given(which=st.sampled_from(sorted(texts)), data=st.data())
    def case(which, data):
        CURRENT[0] = "SSDA903 CSV"
        ret = folder / "903"
        shutil.rmtree(ret, ignore_errors=True)
        ret.mkdir()
        for name, text in texts.items():
            (ret / name).write_bytes(
                data.draw(mangled_lines(text)) if name == which else text.encode()
            )
        check_atomic(folder, lambda: run("returns", "load", "ssda903", str(ret), "--la", LA))

    case()


def test_cin_xml(folder):
    """``cyplan returns load cin`` of a mangled CIN census XML file."""
    sample = (FORMATS / "cin-census" / "CIN_Census_2024.xml").read_text(encoding="utf-8")

    @fuzz("CIN census XML", 80)
    @given(data=mangled_lines(sample), skip=st.booleans())
    def case(data, skip):
        CURRENT[0] = "CIN census XML"
        path = folder / "cin.xml"
        path.write_bytes(data)
        flags = ["--skip-invalid"] if skip else []  # the sample has 3 invalid rows
        check_atomic(folder, lambda: run("returns", "load", "cin", str(path), "--la", LA, *flags))

    case()


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")
def test_annex_a(folder):
    """``cyplan returns load annex-a`` of a mangled Annex A workbook."""
    sample = FORMATS / "annex-a" / "Annex_A_sample.xlsx"
    book = openpyxl.load_workbook(sample, read_only=True)
    shape = {ws.title: (min(ws.max_row, 12), min(ws.max_column, 20)) for ws in book.worksheets}
    book.close()

    @fuzz("Annex A workbook", 40)
    @given(changes=mangled_cells(shape), skip=st.booleans())
    def case(changes, skip):
        CURRENT[0] = "Annex A workbook"
        path = folder / "annex_a.xlsx"
        _apply(sample, path, changes)
        flags = ["--skip-invalid"] if skip else []  # the sample has an invalid postcode
        check_atomic(
            folder,
            lambda: run(
                "returns", "load", "annex-a", str(path), "--la", LA, "--year", "2024", *flags
            ),
        )

    case()


def test_ons_population(folder):
    """``cyplan returns population`` of a mangled ONS mid-year estimates file."""
    sample = head(SHARED / "ons" / "mid_year_population_2023_persons.csv", 20)

    @fuzz("ONS population CSV", 60)
    @given(data=mangled_lines(sample))
    def case(data):
        CURRENT[0] = "ONS population CSV"
        path = folder / "population.csv"
        path.write_bytes(data)
        check_atomic(folder, lambda: run("returns", "population", str(path), "--year", "2023"))

    case()


def test_samples_themselves_import():
    """The unmangled samples are good files (so the fuzzers start from something valid)."""
    assert HOSTILE  # the list of hostile strings is not empty
    assert (FORMATS / "annex-a" / "Annex_A_sample.xlsx").exists()
