"""Issue 16, finding 10: the plans' own picture of the area, governance as a diagram,
strategies past their period marked."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from cyplan.plans.models import Board, KeyFigure
from cyplan.plans.strategies import end_year, has_ended

pytestmark = pytest.mark.django_db


def test_about_the_area_groups_the_key_figures_as_the_plan_does(client, builtin_plans):
    html = client.get("/plans/bromley-cypp-2021-2024/area/").content.decode()
    assert '<h1 class="govuk-heading-xl">About the area</h1>' in html
    assert "describe London Borough of Bromley" in html
    groups = re.findall(r'<h2 class="govuk-heading-l" id="[^"]*">([^<]+)</h2>', html)
    # The CYPP groups its figures under its sections "About Bromley" and "Understanding
    # need", and under priorities 1 to 3, in that order in the plan file.
    assert groups[:2] == ["About Bromley", "Understanding need"]
    assert any(g.startswith("Priority 1:") for g in groups)
    # Every figure of the plan is on the page, each once.
    plan = builtin_plans["bromley-cypp-2021-2024"]
    figures = KeyFigure.objects.filter(plan=plan)
    assert html.count('<th scope="row" class="govuk-table__header">') == figures.count()
    # A benchmark the plan gives: employment 78% in Bromley against 74% in London (2017).
    figure = next(f for f in figures if f.benchmarks and f.benchmarks[0].get("area") == "London")
    assert f"London: {figure.benchmarks[0]['value_text']}" in html
    csv = client.get("/plans/bromley-cypp-2021-2024/area/?format=csv").content.decode()
    assert csv.count("\n") == figures.count() + 1
    assert 'role="region"' in html and 'tabindex="0"' in html


def test_governance_is_drawn_from_who_reports_to_whom(client, builtin_plans):
    plan = builtin_plans["bromley-cypp-2021-2024"]
    parent = Board.objects.get(area=plan.area, key="corporate-parenting-board")
    # The CYPP states no reporting line (its structure diagram did not survive extraction), so
    # give it one to draw: the Living in Care Council reporting to the Corporate Parenting Board.
    Board.objects.filter(area=plan.area, key="living-in-care-council").update(reports_to=parent)
    html = client.get("/plans/bromley-cypp-2021-2024/governance/").content.decode()
    svg = re.search(r"<svg .*?</svg>", html, re.S)[0]
    root = ET.fromstring(svg)  # well-formed
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.find(f"{ns}title") is not None
    texts = [t.text for t in root.iter(f"{ns}text")]
    boards = list(Board.objects.filter(plans=plan))
    # One box per board of the plan; one connector per board that reports to one of them.
    assert len(root.findall(f"{ns}rect")) == len(boards)
    ids = {b.id for b in boards}
    reporting = [b for b in boards if b.reports_to_id in ids]
    assert len(root.findall(f"{ns}path")) == len(reporting) >= 1
    assert "Corporate Parenting Board" in " ".join(texts)
    # Children are drawn below and indented from the board they report to.
    boxes, current = [], None
    for element in root:
        if element.tag == f"{ns}rect":
            current = [float(element.get("x")), float(element.get("y")), ""]
            boxes.append(current)
        elif element.tag == f"{ns}text" and element.get("font-weight") and current is not None:
            current[2] += " " + element.text
    by_name = {name.strip(): (x, y) for x, y, name in boxes}
    child = next(b for b in reporting if b.reports_to_id == parent.id)
    (px, py), (cx, cy) = by_name[parent.name], by_name[child.name]
    assert cx > px and cy > py  # indented, and below
    # The text alternative: the same tree as a list after the diagram.
    assert "The structure as a list" in html
    listed = html.split("The structure as a list")[1]
    assert f"<strong>{parent.name}</strong>" in listed
    assert listed.index(parent.name) < listed.index(child.name.replace("'", "&#x27;"))


def test_strategy_period_end():
    assert end_year("2020 to 2022") == 2022
    assert end_year("2019-2029") == 2029
    assert end_year("2022/23") == 2023
    assert end_year("") is None and end_year("Annual") is None
    today = date(2024, 6, 1)
    assert has_ended("2020 to 2022", today)
    assert not has_ended("2021 to 2024", today)  # runs to the end of 2024
    assert not has_ended("", today)


def test_strategies_past_their_period_are_marked(client, builtin_plans):
    html = client.get("/plans/bromley-cypp-2021-2024/strategies/").content.decode()
    # The CYPP names strategies of 2020 to 2022 (among others): ended in any year from 2023.
    assert "Period ended" in html
    assert "have run past their period" in html or "has run past its period" in html
    csv = client.get("/plans/bromley-cypp-2021-2024/strategies/?format=csv").content.decode()
    assert csv.splitlines()[0].startswith("Strategy,Period,Ended")
