"""Bad parameters and files get a clear answer, never a stack trace (issue 14, finding 10).

- a year no date can have (0, 10000) on "you said, we did": an empty list;
- a NUL character in ``?q=``, ``?theme=``, ``?board=``, ``?area=``: 400 with a message
  (PostgreSQL refuses a NUL in any text it compares: these were 500s there);
- a plan file nested 500 levels deep: a problem with its line and column (it was a
  RecursionError).
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from cyplan.plans.plan_file import MAX_NESTING, check_plan_text
from cyplan.voice.models import Theme
from tests.voice.helpers import manager, published_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    staff = manager()
    item = published_item(staff)  # said 1 May 2024
    item.themes.add(Theme.objects.first())
    return item


@pytest.mark.parametrize("year", ["0", "10000", "99999999999999999999"])
def test_a_year_no_date_can_have_gives_an_empty_list(site, year):
    response = Client().get("/you-said-we-did/", {"year": year})
    assert response.status_code == 200
    assert site.published_text not in response.content.decode()
    csv = Client().get("/you-said-we-did/", {"year": year, "format": "csv"})
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").count("\n") == 1  # the header row only


def test_a_real_year_still_filters(site):
    """The control: 2024 shows the item said in May 2024, 2023 does not."""
    assert site.published_text in Client().get("/you-said-we-did/?year=2024").content.decode()
    assert site.published_text not in Client().get("/you-said-we-did/?year=2023").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=a%00b",
        "/you-said-we-did/?theme=%00",
        "/plans/test-plan/?board=ceb%00",
        "/indicators/?area=E09000006%00",
        "/disproportionality/?area=%00",
        "/you-said-we-did/?%00=1",
    ],
)
def test_a_nul_in_the_query_is_a_clear_400(site, url):
    response = Client().get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_plan_file_nested_500_levels_is_a_problem_not_a_crash(tmp_path):
    text = "format: cyplan-plan/1\nplan: " + "[" * 500 + "]" * 500 + "\n"
    result = check_plan_text(text, "deep.yaml")
    assert not result.ok
    [problem] = result.problems
    assert problem.line == 2 and "nested more than" in problem.message
    # The top-level mapping is level 1, so the 50th "[" opens level 51, one too many;
    # "plan: " is 6 characters, so that "[" is at column 6 + 50.
    assert problem.column == 6 + MAX_NESTING
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    with pytest.raises(CommandError, match="have problems"):
        call_command("plan", "validate", str(path))
    with pytest.raises(CommandError):
        call_command("plan", "import", str(path))


def test_plan_file_nested_as_json_is_a_problem_too():
    text = '{"format": "cyplan-plan/1", "plan": ' + "[" * 5000 + "]" * 5000 + "}"
    result = check_plan_text(text, "deep.json")
    assert not result.ok and "nested more than" in result.problems[0].message


def test_a_nul_in_a_posted_form_is_a_clear_400_and_changes_nothing():
    """The update form reads ``period`` straight from the form: a NUL there was a 500 on
    PostgreSQL."""
    from cyplan.accounts.models import Role
    from cyplan.delivery.models import ProgressUpdate
    from tests.factories import make_plan, make_user

    make_plan()
    client = Client()
    client.force_login(make_user("lead", Role.ACTION_LEAD, lead_roles=["Head of Early Help"]))
    response = client.post(
        "/plans/test-plan/p1-c1-a/update/",
        {"period": "2024-25-Q2\x00", "status": "on_track", "narrative": "Six courses ran."},
    )
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
