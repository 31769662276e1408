"""Demonstration data is flagged in the database and stays out of a real instance's outputs;
a demo instance says so on every page."""

import csv
import io

import pytest

from cyplan.core.demo import create_demo_accounts, create_example_updates
from cyplan.delivery.models import ProgressUpdate
from cyplan.disproportionality.demo import load_synthetic_data
from cyplan.disproportionality.models import Cohort
from cyplan.reports import content, render
from cyplan.voice.models import Feedback

pytestmark = pytest.mark.django_db
PORTFOLIO = "bromley-cef-portfolio-2024-2025"
# An approved example update of the demo (cyplan.core.demo.EXAMPLE_UPDATES), Q4 2024/25.
EXAMPLE = "Example: first-time entrants rose this year"
BANNER = "This is a demonstration of cyplan"


@pytest.fixture
def demo_data(builtin_plans):
    create_demo_accounts()
    assert create_example_updates() > 0
    assert load_synthetic_data() > 0


def test_what_the_demo_makes_is_flagged_in_the_database(demo_data):
    assert ProgressUpdate.objects.exists()
    assert not ProgressUpdate.objects.filter(is_example=False).exists()
    assert not Feedback.objects.filter(is_example=False).exists()
    assert Cohort.objects.exists() and not Cohort.objects.filter(is_synthetic=False).exists()


def test_a_real_instance_keeps_demo_data_out_of_packs_csv_and_api(demo_data, client, settings):
    settings.CYPLAN_DEMO = False
    pack = content.board_pack("cef-pds-committee", "Q4 2024/25", public=False)
    html = render.pack_html(pack)
    assert EXAMPLE not in html and "Example data" not in html
    assert "Synthetic data" not in html and "Disproportionality" not in html
    assert all(a.status == "no_update" for a in pack.plans[0].actions)
    ceb = render.pack_html(
        content.board_pack("childrens-executive-board", "Q4 2023/24", public=False)
    )
    assert "Example:" not in ceb
    assert client.get(f"/api/plans/{PORTFOLIO}/updates/").json()["updates"] == []
    actions = client.get(f"/plans/{PORTFOLIO}/?format=csv").content.decode()
    assert "Off track" not in actions and "Complete" not in actions
    node_csv = client.get(f"/plans/{PORTFOLIO}/a1-c13-a/?format=csv").content.decode()
    assert EXAMPLE not in node_csv
    assert (
        client.get("/disproportionality/cohorts/synthetic-children-in-care/?format=csv").status_code
        == 404
    )
    overview = client.get("/disproportionality/by/ethnicity/?format=csv")
    assert not list(csv.DictReader(io.StringIO(overview.content.decode())))
    voice = client.get("/you-said-we-did/?format=csv").content.decode()
    assert len(voice.strip().splitlines()) == 1  # the header only
    assert BANNER not in client.get("/").content.decode()


def test_a_demo_instance_shows_it_labelled_and_says_so_on_every_page(demo_data, client, settings):
    settings.CYPLAN_DEMO = True
    pack = content.board_pack("cef-pds-committee", "Q4 2024/25", public=False)
    html = render.pack_html(pack)
    assert EXAMPLE in html and "Example data" in html
    updates = client.get(f"/api/plans/{PORTFOLIO}/updates/").json()["updates"]
    assert updates and all(u["example"] for u in updates)
    assert "Off track" in client.get(f"/plans/{PORTFOLIO}/?format=csv").content.decode()
    assert (
        client.get("/disproportionality/cohorts/synthetic-children-in-care/?format=csv").status_code
        == 200
    )
    for url in ("/", f"/plans/{PORTFOLIO}/", "/disproportionality/", "/accounts/sign-in/"):
        assert BANNER in client.get(url).content.decode(), url
