"""The readings a line-by-line audit of the built-in plans rejected, checked against the seeds.

Each test reads the seed text itself (not the YAML) for the fact it checks, so a wrong
transcription shows up as a difference.
"""

import re

import pytest

from cyplan.plans import models as m
from cyplan.plans.exporter import plan_json
from tests.conftest import CYPP_SEED, PORTFOLIO_SEED, normalise

pytestmark = pytest.mark.django_db
CYPP = "bromley-cypp-2021-2024"
PORTFOLIO = "bromley-cef-portfolio-2024-2025"


def cypp_seed() -> str:
    return normalise(CYPP_SEED.read_text(encoding="utf-8"))


def portfolio_seed() -> str:
    return normalise(PORTFOLIO_SEED.read_text(encoding="utf-8"))


def seed_row(starts: str) -> list[str]:
    """The tab-separated cells of the portfolio seed's table line that contains ``starts``."""
    raw = PORTFOLIO_SEED.read_text(encoding="utf-8")
    line = next(line for line in raw.splitlines() if starts in line)
    return [" ".join(cell.split()) for cell in line.split("\t")]


@pytest.fixture
def cypp(builtin_plans):
    return plan_json(builtin_plans[CYPP])


@pytest.fixture
def portfolio(builtin_plans):
    return plan_json(builtin_plans[PORTFOLIO])


def boards(plan):
    return {b["id"]: b for b in plan["boards"]}


def nodes(plan):
    return {n["id"]: n for n in plan["nodes"]}


def test_care_councils_report_to_no_board(cypp):
    """LinCC and CfCL: the seed only speaks of their involvement in the strategic boards."""
    seed = cypp_seed()
    assert (
        "involvement of the Living in Care Council and the Change for Care Leavers Forum in the strategic boards"
        in seed
    )
    assert "reports to the Corporate Parenting Board" not in seed
    for key in ("living-in-care-council", "change-for-care-leavers"):
        assert boards(cypp)[key]["reports_to"] is None


def test_only_the_ceb_is_stated_to_monitor_the_cypp(cypp):
    """The seed names only the Children's Executive Board as monitoring the plan; any other
    board's monitoring is a reading, of a commitment at most, never a whole priority."""
    assert "The Children's Executive Board will monitor progress" in cypp_seed()
    for board in cypp["boards"]:
        for row in board["monitoring"]:
            if board["id"] == "childrens-executive-board":
                assert row == {"target": "plan", "basis": "stated", "note": ""}
            else:
                assert row["basis"] == "inferred", board["id"]
                assert row["note"], board["id"]
    # SEND Governance Board: named only for adopting 'Better Together'.
    assert "SEND Governance Board adopted the 'Better Together' engagement strategy" in cypp_seed()
    assert boards(cypp)["send-governance-board"]["monitoring"] == []
    # The CAMHS board, the MEGA panel and the Inclusion Partnership: a commitment each.
    kinds = {n["id"]: n["kind"] for n in cypp["nodes"]}
    for key in ("camhs-transformation-board", "mega-panel", "bromley-inclusion-partnership"):
        targets = [row["target"] for row in boards(cypp)[key]["monitoring"]]
        assert targets and all(kinds[t] == "commitment" for t in targets), key


def test_inferred_memberships_say_so(cypp):
    """The BSCP's members are listed by kind only in the seed: each membership is a reading."""
    members = boards(cypp)["bromley-safeguarding-children-partnership"]["member_links"]
    assert members and {x["basis"] for x in members} == {"inferred"}
    ceb = boards(cypp)["childrens-executive-board"]["member_links"]
    assert len(ceb) == 10 and {x["basis"] for x in ceb} == {"stated"}


def test_1_14_b_has_no_measure(portfolio):
    """1.14 b)'s MEASURES cell is empty in the seed: no measure copied from a)."""
    row = seed_row("Identify young people post 16")
    # cells: commitment, detail, measures, target date, lead; the measures cell is blank
    detail = next(i for i, cell in enumerate(row) if "Identify young people post 16" in cell)
    assert row[detail + 1].strip() == ""
    assert nodes(portfolio)["a1-c14-b"]["measures"] == []
    assert nodes(portfolio)["a1-c14-b"]["inferred"]["leads"]


def test_1_6_d_is_the_adolescents_action(portfolio):
    """1.6 d): the action is "Protect vulnerable adolescents ... modern-day slavery"."""
    cell = next(c for c in seed_row("modern-day slavery") if "modern-day slavery" in c)
    assert cell.startswith("d) Children and Family Act 2014 Assessments carried out prompt")
    node = nodes(portfolio)["a1-c6-d"]
    assert node["title"].startswith("Protect Vulnerable adolescents")
    assert node["title"].endswith("modern-day slavery.")
    assert "Children and Family Act" not in node["title"]
    assert node["measures"] == ["Children and Family Act 2014 Assessments carried out promptly"]
    assert "measures" in node["inferred"]


def test_5_7_is_funding_as_printed(portfolio):
    """5.7: the seed reads "Funding Childrens Community Health Service with Bromley Healthcare"."""
    assert "Funding Childrens Community Health Service with Bromley Healthcare" in portfolio_seed()
    assert "Jointly Funding" not in portfolio_seed()
    node = nodes(portfolio)["a5-c7"]
    assert node["title"] == "Funding Childrens Community Health Service with Bromley Healthcare"


def test_no_words_filled_in_beyond_the_text(portfolio):
    """1.7 b), 1.12 b) and 5.4: lost words are shown as "…", not guessed."""
    seed = portfolio_seed()
    assert "e education, employment ining outcomes." in seed
    n = nodes(portfolio)
    assert n["a1-c7-b"]["title"] == "…e education, employment …ining outcomes."
    assert "Reduce the numbe children and young A&E" in seed
    assert "children and young people" not in n["a1-c12-b"]["title"]
    assert "children and young …" in n["a1-c12-b"]["title"]
    measure_cell = next(c for c in seed_row("Reduce the numbe") if "refreshed analysis" in c)
    assert measure_cell.endswith("cases for children and")  # the measure is cut after "and"
    assert n["a1-c12-b"]["measures"][0].endswith("for children and …")
    assert "ssion ently with" in seed  # 5.4: only "ently" is printed
    assert "intelligently with clear outcomes" not in n["a5-c4"]["text"]
    assert "…ently with clear outcomes" in n["a5-c4"]["text"]


def test_5_6_a_is_one_measure_naming_three_boards(portfolio):
    """5.6 a): the MEASURES cell is one measure: "Including; <three boards>"."""
    cells = seed_row("Maintain effective strategic and operational partnership")
    measure = next(c for c in cells if c.startswith("Including;"))
    names = (
        "Children's Executive Board",
        "Bromley Safeguarding Children Partnership",
        "Corporate Parenting Board",
    )
    assert all(name in measure for name in names)
    got = nodes(portfolio)["a5-c6-a"]["measures"]
    assert len(got) == 1 and got[0].startswith("Including;")
    assert all(name in got[0] for name in names)


def test_population_as_printed_in_each_plan(builtin_plans):
    """The portfolio says "more than 330,000"; the CYPP prints "330,000+"."""
    assert "We have more than 330,000 people living here" in portfolio_seed()
    assert "330,000+" in cypp_seed()
    figure = builtin_plans[PORTFOLIO].key_figures.get(key="population")
    assert figure.value_text == "more than 330,000"
    assert builtin_plans[CYPP].key_figures.get(key="population").value_text == "330,000+"


def test_sources_are_where_each_plan_was_published(builtin_plans):
    """The CYPP names its own address; the portfolio names only the corporate strategy's."""
    assert "www.bromley.gov.uk/cypplan" in cypp_seed()
    assert builtin_plans[CYPP].source == "www.bromley.gov.uk/cypplan"
    assert "www.bromely.gov.uk/corporatestrategy" in portfolio_seed()  # the seed's own typo
    assert builtin_plans[PORTFOLIO].source == ""


def test_what_was_missing_is_there(builtin_plans):
    """The largest London borough, the Education Business Partnership, text-only benchmarks,
    the February 2020 figure of its own, and the CYPP's link to the borough plan."""
    seed = portfolio_seed()
    assert "we are the largest London borough" in seed
    largest = builtin_plans[PORTFOLIO].key_figures.get(key="largest-london-borough")
    assert largest.value_text == "Largest" and largest.value is None

    cypp_text = cypp_seed()
    assert "Bromley Education Business Partnership" in cypp_text
    area = builtin_plans[CYPP].area
    assert m.Board.objects.get(area=area, key="bromley-education-business-partnership").name == (
        "Bromley Education Business Partnership"
    )

    figures = {f.key: f for f in builtin_plans[CYPP].key_figures.all()}
    assert "higher than the national and London average" in cypp_text
    assert (
        figures["employment-rate"].comparison_text == "higher than the national and London average"
    )
    assert re.search(
        r"substance misuse for 15-24 year\s+olds remains higher than the London and England averages",
        cypp_text,
    )
    substance = figures["substance-misuse-admissions-15-24"]
    assert substance.comparison_text == "higher than the London and England averages"
    assert substance.value is None

    assert "from 95 per 10,000 in February 2020" in cypp_text
    before = figures["s47-rate-february-2020"]
    assert (before.value, before.date_text, before.unit) == (95, "February 2020", "rate per 10,000")
    s47 = figures["s47-rate"]
    assert s47.benchmarks == [] and s47.baseline["value"] == 95

    assert "the Borough plan, Making Bromley Even Better" in cypp_text
    link = builtin_plans[CYPP].links.get()
    assert (link.to_plan_slug, link.basis, link.from_node) == (
        "making-bromley-even-better",
        "stated",
        None,
    )


def test_area_units_name_their_sub_unit(builtin_plans):
    """150km², 59 square miles and 7,000 hectares keep what they are measured in."""
    assert "150km²" in cypp_seed() and "59 square miles" in portfolio_seed()
    assert builtin_plans[CYPP].key_figures.get(key="borough-area").sub_unit == "km²"
    assert builtin_plans[PORTFOLIO].key_figures.get(key="borough-area").sub_unit == "square miles"
    assert (
        builtin_plans[PORTFOLIO].key_figures.get(key="green-spaces-hectares").sub_unit == "hectares"
    )


def test_measures_with_their_own_dates_and_leads(portfolio):
    """1.1 b), 1.7 c) and 5.5 a) print two dates (and two leads) beside their measures."""
    cells = seed_row("Bed in use of Liquid Logic")
    assert "April 2025 (AP) April 2025 (AP)" in cells
    assert any(
        "Director Children, Families and Education Assistant Director of Specialist Services" in c
        for c in cells
    )
    details = nodes(portfolio)["a5-c5-a"]["measure_details"]
    assert [d["leads"][0]["role"] for d in details] == [
        "Director Children, Families and Education",
        "Assistant Director of Specialist Services",
    ]
    assert [d["target_date"] for d in details] == ["2025-04-30", "2025-04-30"]
    c7c = nodes(portfolio)["a1-c7-c"]["measure_details"]
    assert [d["measure"].split()[0] for d in c7c] == ["Good", "Embed"]
    assert c7c[1]["leads"][0]["role"] == "Assistant Director Specialist Services"
    assert "April 2025 (AP) Sept 2024" in seed_row("Capacity to enable 30 hours")
    c1b = nodes(portfolio)["a1-c1-b"]["measure_details"]
    # the cell's two dates: 30 April 2025 and 30 September 2024 (the last day of each month)
    assert sorted(d["target_date"] for d in c1b) == ["2024-09-30", "2025-04-30"]


def test_lead_roles_are_one_thing_each(builtin_plans, portfolio):
    """ "Director Education" and "Director of Education" are one role; so are the three
    spellings of the director of children, education and families."""
    seed = portfolio_seed()
    for spelling in (
        "Director Education",
        "Director of Education",
        "Director Children, Families and Education",
        "Director Children, Education and Families",
    ):
        assert spelling in seed
    by_role = {}
    for node in portfolio["nodes"]:
        for written, registered in zip(node["leads"], node["lead_roles"], strict=True):
            by_role.setdefault(registered, set()).add(written)
    assert by_role["Director Education"] == {"Director Education", "Director of Education"}
    assert {
        "Director Children, Families and Education",
        "Director Children, Education and Families",
        "Director Children's Education and Families",
    } <= by_role["Director Children, Education and Families"]
    # sixteen spellings, ten roles
    assert len({w for spellings in by_role.values() for w in spellings}) == 16
    assert len(by_role) == 10


def test_pages_say_what_is_a_reading_and_what_became_of_a_board(client, builtin_plans):
    """Inferred links, inherited leads, measure dates and mergers are shown in plain words."""
    from django.urls import reverse

    page = client.get(reverse("plans:governance", args=[PORTFOLIO])).content.decode()
    assert "Merged with InterChairs Board (2023)." in page
    cypp_page = client.get(reverse("plans:governance", args=[CYPP])).content.decode()
    # the BSCP's members are a reading; the CEB's are stated
    assert "Metropolitan Police Service (Bromley) (a reading of the plan" in cypp_page
    assert (
        "Succeeded by South East London Integrated Care Board (30 June 2022), a reading"
        in cypp_page
    )

    node = client.get(reverse("plans:node", args=[PORTFOLIO, "a1-c14-b"])).content.decode()
    assert "Not printed in this row of the plan: The LEAD cell is empty" in node
    node = client.get(reverse("plans:node", args=[PORTFOLIO, "a5-c5-a"])).content.decode()
    assert "Lead: Assistant Director of Specialist Services" in node


def test_a_lead_finds_every_action_under_any_spelling_of_their_role(builtin_plans):
    """ "Director Education" leads 10 portfolio actions and "Director of Education" 2 (counted
    in the seed's LEAD cells); a person with either spelling leads all 12, and the plan
    page's lead filter finds all 12 under either spelling."""
    from cyplan.accounts.models import Role
    from cyplan.accounts.permissions import lead_matcher
    from cyplan.delivery.dashboard import filter_rows, plan_overview
    from tests.factories import make_user

    plan = builtin_plans[PORTFOLIO]
    cells = [
        cell.strip()
        for line in PORTFOLIO_SEED.read_text(encoding="utf-8").splitlines()
        for cell in line.split("\t")
    ]
    # the LEAD cells of rows that print a lead (inherited leads are not printed)
    assert cells.count("Director Education") >= 1 and cells.count("Director of Education") >= 1
    actions = plan.nodes.filter(kind="action").prefetch_related("leads")
    for spelling in ("Director Education", "Director of Education"):
        user = make_user(
            spelling.replace(" ", "-").lower(), Role.ACTION_LEAD, lead_roles=[spelling]
        )
        matches = lead_matcher(user)
        assert sum(matches(node.leads.all()) for node in actions) == 12, spelling
        rows = filter_rows(plan_overview(plan, user), {"lead": spelling})
        assert len(rows) == 12, spelling
