"""The ``cyplan returns`` command: load, population and compute into outcome values."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cyplan.outcomes.models import IndicatorValue

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SSDA903 = SHARED / "formats" / "ssda903"
POPULATION = SHARED / "ons" / "mid_year_population_2023_persons.csv"
LA = "E09000006"

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def write_return(folder: Path, episodes: str) -> Path:
    """A two-child SSDA903 CSV return for the year ending 31 March 2024."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text(
        HEADER + "1,1,01/06/2012,WBRI,UN1,,\n2,2,01/06/2010,BAFR,UN1,,\n"
    )
    (folder / "episodes.csv").write_text(EPISODES + episodes)
    return folder


GOOD = (
    "1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n"  # child 1: looked after on 31 March, a start
    "2,01/05/2023,S,C2,N1,U1,PR1,01/02/2024,E11,,,,\n"  # child 2: started and ceased
)


@pytest.fixture(autouse=True)
def pseudonymisation_key(monkeypatch):
    """A test key, so the readers do not fall back to the development key with a warning."""
    monkeypatch.setenv("CYPLAN_PSEUDONYMISATION_KEY", "ab" * 16)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("returns", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_load_and_compute_store_outcome_values(tmp_path):
    """Loading a return and computing stores one total value per indicator, updated in place."""
    store = str(tmp_path / "a.duckdb")
    folder = write_return(tmp_path / "903", GOOD)
    out, err = run("load", "ssda903", str(folder), "--la", LA, "--store", store)
    assert "Loaded" in out and "3/3" in err  # the progress bar is on stderr
    run("compute", "--year", "2024", "--store", store)
    count = IndicatorValue.objects.get(indicator__code="cla-count", area_code=LA, period="2024")
    # Child 1 only is looked after on 31 March 2024; both children started in the year.
    assert (count.value, count.is_total, count.source) == (1, True, "Computed from SSDA903 2024")
    starts = IndicatorValue.objects.get(indicator__code="cla-starts", area_code=LA)
    assert starts.numerator == 2
    total = IndicatorValue.objects.count()
    run("compute", "--year", "2024", "--store", store)
    assert IndicatorValue.objects.count() == total  # re-run updates in place


@pytest.mark.django_db
def test_compute_with_a_breakdown_and_json(tmp_path):
    """--by stores breakdown rows (not totals) and --json prints every figure."""
    store = str(tmp_path / "a.duckdb")
    run("load", "ssda903", str(write_return(tmp_path / "903", GOOD)), "--la", LA, "--store", store)
    out, _ = run("compute", "--year", "2024", "--by", "sex", "--json", "--store", store)
    figures = json.loads(out)
    starts = {f["group"]: f["numerator"] for f in figures if f["code"] == "cla-starts"}
    assert starts == {"": 2, "M": 1, "F": 1}  # child 1 male (1), child 2 female (2)
    boys = IndicatorValue.objects.get(
        indicator__code="cla-starts", dimensions__group="M", period="2024"
    )
    assert not boys.is_total and boys.dimensions == {"breakdown": "sex", "group": "M"}


@pytest.mark.django_db
def test_a_bad_file_is_refused_with_every_problem(tmp_path):
    """A return with problems loads nothing unless --skip-invalid, which lists the skipped rows."""
    store = str(tmp_path / "a.duckdb")
    bad = GOOD + "2,01/03/2024,P,XX,N1,U1,PR1,,,,,,\n"  # row 4: LS XX is not a legal status
    folder = write_return(tmp_path / "903", bad)
    with pytest.raises(CommandError, match="nothing was loaded"):
        run("load", "ssda903", str(folder), "--la", LA, "--store", store)
    out, err = run("load", "ssda903", str(folder), "--la", LA, "--store", store, "--skip-invalid")
    assert "episodes.csv:4: LS: [invalid_code]" in err
    assert "skipped" in err and "skipped 1 rows" in out


@pytest.mark.django_db
def test_real_files_and_population(tmp_path):
    """The shared SSDA903 sample and ONS estimates load; cla-rate gets a denominator and a name."""
    store = str(tmp_path / "a.duckdb")
    run("load", "ssda903", str(SSDA903), "--la", LA, "--store", store, "--skip-invalid")
    run("population", str(POPULATION), "--year", "2017", "--store", store)
    run("compute", "--year", "2018", "--store", store)
    rate = IndicatorValue.objects.get(indicator__code="cla-rate", area_code=LA, period="2018")
    assert rate.denominator > 0 and rate.area_name == "Bromley"


def test_every_subcommand_has_help_with_an_example(capsys):
    """`cyplan returns ACTION --help` shows an example in its epilog."""
    for action in ("validate", "load", "population", "compute"):
        with pytest.raises(SystemExit):
            call_command("returns", action, "--help")
        assert "cyplan returns" in capsys.readouterr().out


def test_validate_lists_problems_writes_nothing_and_exits_1(tmp_path, settings):
    """`returns validate` prints each problem with its rule, exits 1 on errors, creates no store."""
    settings.DATA_DIR = str(tmp_path / "data")
    # Child 2's second episode (row 4) starts before the first ends (01/02/2024): DfE rule 501.
    folder = write_return(tmp_path / "903", GOOD + "2,01/01/2024,P,C2,N1,U3,PR1,,,,,,\n")
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("returns", "validate", "ssda903", str(folder), "--la", LA, "--year", "2024",
                     stdout=out)  # fmt: skip
    assert exit_info.value.code == 1
    assert "episodes.csv:4: DECOM: [501] A new episode has started before the end date" in (
        out.getvalue()
    )
    assert not (tmp_path / "data").exists()  # nothing written


def test_validate_json_and_a_clean_return(tmp_path):
    """--json gives file, row, field, rule, message and severity; a clean return exits 0."""
    folder = write_return(tmp_path / "903", GOOD)
    out, _ = run("validate", "ssda903", str(folder), "--la", LA, "--year", "2024", "--json")
    assert json.loads(out) == []
    folder = write_return(tmp_path / "bad", GOOD.replace("01/02/2024,E11", "01/02/2025,E11"))
    buffer = StringIO()
    with pytest.raises(SystemExit):
        call_command("returns", "validate", "ssda903", str(folder), "--la", LA, "--year", "2024",
                     "--json", stdout=buffer)  # fmt: skip
    (problem,) = json.loads(buffer.getvalue())
    assert (problem["row"], problem["field"], problem["rule"], problem["severity"]) == (
        "3", "DEC", "385", "error",
    )  # fmt: skip


@pytest.mark.django_db
def test_compute_for_a_year_without_its_return_stops(tmp_path):
    """Only 2024 is loaded: computing 2023 says which return is missing; --revised is accepted."""
    store = str(tmp_path / "a.duckdb")
    run("load", "ssda903", str(write_return(tmp_path / "903", GOOD)), "--la", LA, "--store", store)
    with pytest.raises(CommandError, match="return for 2023"):
        run("compute", "--year", "2023", "--indicator", "cla-count", "--store", store)
    out, _ = run("compute", "--year", "2024", "--revised", "--store", store)
    assert "Computed" in out


def test_the_command_breakdowns_match_the_indicators():
    """The command lists the breakdowns without importing the indicators; they must agree."""
    from cyplan.analytics.indicators import BREAKDOWNS as INDICATOR_BREAKDOWNS
    from cyplan.returns.management.commands.returns import BREAKDOWNS

    assert BREAKDOWNS == INDICATOR_BREAKDOWNS
