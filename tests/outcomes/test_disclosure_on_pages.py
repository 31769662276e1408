"""No public page or export shows a count from 1 to 4 for a suppressed figure; staff see them marked."""

import csv
import io
import re

import pytest
from django.test import Client

from cyplan.accounts.models import Role
from tests.factories import make_plan, make_user

from .helpers import ENGLAND, value

pytestmark = pytest.mark.django_db
AREA = "E06000099"  # Testshire, the test plan's area


@pytest.fixture
def small_counts():
    make_plan()
    # cp-count is a count; cla-rate a rate whose numerator is small; ehcp a percentage on 3 of 7.
    value("cp-count", AREA, "2024", 3.0, name="Testshire")
    value("cla-rate", AREA, "2024", 4.1, 3, 7300, name="Testshire")
    value("ehcp-issued-20-weeks", AREA, "2024", 42.9, 3, 7, name="Testshire")
    value(
        "ehcp-issued-20-weeks",
        ENGLAND,
        "2024",
        46.4,
        24000,
        51700,
        name="England",
        level="national",
    )


def cells(html: str, caption: str) -> list[list[str]]:
    table = re.search(rf"<caption[^>]*>\s*{caption}.*?</table>", html, re.S)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>", " ", c).split()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


@pytest.mark.parametrize("code", ["cp-count", "cla-rate", "ehcp-issued-20-weeks"])
def test_public_indicator_page_and_csv_show_c(client, small_counts, code):
    """The page's values table and its CSV show 'c' for the figure, its numerator and denominator."""
    html = client.get(f"/indicators/{code}/?area={AREA}").content.decode()
    rows = cells(html, "Values by period")
    assert rows[1][0] == ["2024"] and rows[1][1][0] == "c"
    assert "Suppressed" in html
    data = list(
        csv.reader(
            io.StringIO(client.get(f"/indicators/{code}/?area={AREA}&format=csv").content.decode())
        )
    )
    mine = [row for row in data[1:] if row[1] == AREA]
    assert mine and all(row[3] == "c" for row in mine)
    # The denominator may be published (7,300 children; 7 plans): with the numerator and the
    # figure hidden, neither the count nor its complement can be worked out from it.
    assert all(row[4] in ("", "c") and row[5] in ("", "c", "7300", "7") for row in mine)
    assert not any(cell in {"1", "2", "3", "4"} for row in mine for cell in row[3:8])


def test_scorecard_and_node_panel_show_c(client, small_counts):
    """The plan's scorecard and its CSV never show the small figures."""
    html = client.get("/plans/test-plan/scorecard/").content.decode()
    assert "c" in [
        cell[0] for row in cells(html, "Latest figures")[1:] for cell in row[2:3] if cell
    ]
    data = list(
        csv.reader(
            io.StringIO(client.get("/plans/test-plan/scorecard/?format=csv").content.decode())
        )
    )
    for row in data[1:]:
        assert row[2] not in {"1", "2", "3", "4", "4.1", "42.9"}


def test_staff_see_unsuppressed_figures_marked(small_counts):
    """A plan manager sees the real figures, marked 'not suppressed'."""
    client = Client()
    client.force_login(make_user("manager", Role.PLAN_MANAGER))
    html = client.get(f"/indicators/cp-count/?area={AREA}").content.decode()
    rows = cells(html, "Values by period")
    assert rows[1][1][:3] == ["3", "(not", "suppressed)"]
    assert "Not suppressed: you are signed in as staff" in html


def test_zero_and_five_are_shown(client, small_counts):
    """0 and 5 are not small counts: they are published."""
    value("cp-count", AREA, "2023", 0.0, name="Testshire")
    value("cp-count", AREA, "2022", 5.0, name="Testshire")
    rows = cells(
        client.get(f"/indicators/cp-count/?area={AREA}").content.decode(), "Values by period"
    )
    shown = {row[0][0]: row[1][0] for row in rows[1:]}
    assert shown == {"2022": "5", "2023": "0", "2024": "c"}


def test_a_small_complement_is_not_published(client, small_counts):
    """98 of 100 plans within 20 weeks publishes the 2 that were not (issue 14, finding 4):
    the percentage and the numerator are c, the denominator (100) stays."""
    value("ehcp-issued-20-weeks", AREA, "2023", 98.0, 98, 100, name="Testshire")
    url = f"/indicators/ehcp-issued-20-weeks/?area={AREA}&format=csv"
    data = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    row = next(r for r in data[1:] if r[1] == AREA and r[0] == "2023")
    assert row[3:6] == ["c", "c", "100"]
    # 5 of 100 not counted is not small: 95 of 100 is shown as it is.
    value("ehcp-issued-20-weeks", AREA, "2022", 95.0, 95, 100, name="Testshire")
    data = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    row = next(r for r in data[1:] if r[1] == AREA and r[0] == "2022")
    assert row[3:6] == ["95%", "95", "100"]
