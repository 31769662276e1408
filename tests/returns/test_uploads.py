"""Returns in the site: a data officer uploads a return, reads its check, loads it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cyplan.accounts.models import Role
from cyplan.outcomes.models import IndicatorValue
from cyplan.returns.models import ReturnUpload
from cyplan.returns.uploads import upload_folder
from tests.factories import make_user
from tests.returns.test_command import EPISODES, GOOD, HEADER

pytestmark = pytest.mark.django_db
LA = "E09000006"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Child 2's episode ends before it starts: one problem, on row 3 of episodes.csv.
BAD = "1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n2,01/05/2023,S,C2,N1,U1,PR1,01/02/2023,E11,,,,\n"


@pytest.fixture
def officer(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.TASKS = IMMEDIATE
    monkeypatch.setenv("CYPLAN_PSEUDONYMISATION_KEY", "ab" * 16)
    client = Client()
    client.force_login(make_user("officer", Role.DATA_OFFICER))
    return client


def files(episodes: str):
    return [
        SimpleUploadedFile(
            "header.csv",
            (HEADER + "1,1,01/06/2012,WBRI,UN1,,\n2,2,01/06/2010,BAFR,UN1,,\n").encode(),
        ),
        SimpleUploadedFile("episodes.csv", (EPISODES + episodes).encode()),
    ]


def post(client, episodes, **data):
    return client.post(
        "/returns/",
        {"kind": "ssda903", "la": LA, "year": "2024", "files": files(episodes), **data},
    )


def test_a_good_return_is_checked_then_loaded_and_the_indicators_recomputed(officer):
    response = post(officer, GOOD)
    upload = ReturnUpload.objects.get()
    assert response["Location"] == f"/returns/{upload.pk}/"
    assert upload.state == "checked" and upload.ok and upload.problems == []
    page = officer.get(response["Location"]).content.decode()
    assert "The return passed every check" in page and "Load the return" in page
    assert not IndicatorValue.objects.exists()  # nothing loaded before the officer says so
    officer.post(f"/returns/{upload.pk}/load/")
    upload.refresh_from_db()
    assert upload.state == "loaded"
    # As in tests/returns/test_command.py: child 1 only is looked after on 31 March 2024.
    count = IndicatorValue.objects.get(indicator__code="cla-count", area_code=LA, period="2024")
    assert count.value == 1
    assert {"code": "cla-count", "year": 2024, "value": 1}.items() <= next(
        f for f in upload.figures if f["code"] == "cla-count"
    ).items()
    page = officer.get(f"/returns/{upload.pk}/").content.decode()
    assert "The return is loaded" in page and "Indicators recomputed" in page
    assert not upload_folder(upload.pk).exists()  # the child-level files are gone


def test_a_return_with_problems_shows_them_by_rule_and_row_and_loads_nothing(officer):
    post(officer, BAD)
    upload = ReturnUpload.objects.get()
    assert upload.state == "checked" and not upload.ok
    # Child 2's episode ends (1 Feb 2023) before it starts (1 May 2023), and so also before
    # the 2024 collection year begins (1 April 2023): two problems, both on that row's DEC.
    problems = upload.problems
    assert {(p["file"], p["row"], p["field"]) for p in problems} == {("episodes.csv", 3, "DEC")}
    assert {p["rule"] for p in problems} == {"end_before_start", "outside_collection_year"}
    page = officer.get(f"/returns/{upload.pk}/").content.decode()
    assert "The return has problems" in page and "By rule" in page and "By row" in page
    assert "2 problems on 1 row" in page
    officer.post(f"/returns/{upload.pk}/load/")  # refused: not every row passed
    upload.refresh_from_db()
    assert upload.state == "checked" and not IndicatorValue.objects.exists()


def test_the_rows_that_passed_can_be_loaded_leaving_out_the_others(officer):
    post(officer, BAD)
    upload = ReturnUpload.objects.get()
    assert upload.ok_without_invalid
    officer.post(f"/returns/{upload.pk}/load/", {"skip_invalid": "1"})
    upload.refresh_from_db()
    assert upload.state == "loaded" and upload.skip_invalid
    count = IndicatorValue.objects.get(indicator__code="cla-count", area_code=LA, period="2024")
    assert count.value == 1  # child 1; child 2's only episode was left out


def test_bad_input_is_refused_with_every_problem_and_nothing_kept(officer, tmp_path):
    response = officer.post(
        "/returns/",
        {
            "kind": "annex-a",
            "la": "Bromley",
            "files": [SimpleUploadedFile("list.csv", b"a,b\n")],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "A local authority code is a letter and 8 digits" in page
    assert "An Annex A return needs its collection year" in page
    assert "list.csv: an Annex A return is made of .xlsx files" in page
    assert not ReturnUpload.objects.exists()
    assert not (tmp_path / "return-uploads").exists()


@pytest.mark.parametrize("role", [Role.PLAN_MANAGER, Role.ACTION_LEAD, Role.BOARD_MEMBER])
def test_only_data_officers_and_administrators_load_returns(role, officer):
    client = Client()
    client.force_login(make_user("someone", role))
    assert client.get("/returns/").status_code == 403
    assert client.post("/returns/", {"kind": "cin"}).status_code == 403
    admin = Client()
    admin.force_login(make_user("admin", Role.ADMINISTRATOR))
    assert admin.get("/returns/").status_code == 200
    assert "Returns</a>" in officer.get("/").content.decode()  # in the data officer's menu
    assert "Returns</a>" not in client.get("/").content.decode()
