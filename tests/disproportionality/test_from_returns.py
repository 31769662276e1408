"""Child-level cohorts: counts by ethnicity computed from a return in the analytical store."""

import pytest
from django.core.management import CommandError, call_command

from cyplan.analytics.store import AnalyticalStore
from cyplan.disproportionality.models import CohortCount
from tests.analytics_indicators.builders import LA, child, ep, ssda903

from .helpers import make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_file(tmp_path):
    """Five children in the 2024 return: A, B, C (WBRI) and D, E (BCRB) looked after at 31 March;
    F (BAFR) left in January 2024, so is not counted."""
    episodes = [ep(name, "2023-05-01", "S", "U1") for name in "ABCDE"]
    episodes.append(ep("F", "2023-05-01", "S", "U1", "2024-01-10", "E11"))
    header = [
        child("A"),
        child("B"),
        child("C"),
        child("D", ethnic="BCRB"),
        child("E", ethnic="BCRB"),
        child("F", ethnic="BAFR"),
    ]
    path = tmp_path / "analytics.duckdb"
    store = AnalyticalStore(path)
    store.load_ssda903(ssda903(2024, episodes, header), LA)
    store.con.close()
    return path


def test_cohort_counts_come_from_the_store(store_file):
    """cla-count by ethnicity for 2024: WBRI 3, BCRB 2, and BAFR 0 (F is in the return but
    ceased before 31 March: a group with no children in the cohort is a real 0)."""
    cohort = make_cohort()
    call_command(
        "disproportionality",
        "from-returns",
        "--cohort",
        cohort.code,
        "--indicator",
        "cla-count",
        "--year",
        "2024",
        "--store",
        str(store_file),
    )
    counts = dict(
        CohortCount.objects.filter(cohort=cohort, area_code=LA, year="2024").values_list(
            "group", "count"
        )
    )
    assert counts == {"WBRI": 3, "BCRB": 2, "BAFR": 0}
    cohort.refresh_from_db()
    assert cohort.kind == "child-level" and cohort.indicator_code == "cla-count"


def test_a_missing_store_or_cohort_says_what_to_do(tmp_path):
    """No store: load a return first; no cohort: add it first. Nothing is written."""
    make_cohort()
    with pytest.raises(CommandError, match="load a return first"):
        call_command(
            "disproportionality",
            "from-returns",
            "--cohort",
            "children-in-care",
            "--indicator",
            "cla-count",
            "--year",
            "2024",
            "--store",
            str(tmp_path / "none.duckdb"),
        )
    with pytest.raises(CommandError, match="add it first"):
        call_command(
            "disproportionality",
            "from-returns",
            "--cohort",
            "nope",
            "--indicator",
            "cla-count",
            "--year",
            "2024",
            "--store",
            str(tmp_path / "none.duckdb"),
        )
