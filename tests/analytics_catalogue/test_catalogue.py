"""The indicator catalogue: the packaged file is valid, complete for the built-in plans, and
every broken catalogue is refused with each of its problems named."""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from cyplan.analytics.catalogue import (
    MULTIPLIER_FOR_UNIT,
    Catalogue,
    CatalogueError,
    Indicator,
    load_catalogue,
    parse_catalogue,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EHCP_CSV = SHARED / "data" / "dfe-ees" / "sen2_ehcp_timeliness_20_week.csv"
DOC = ROOT / "docs" / "indicators.md"

REQUIRED = {
    # code: (unit, polarity)
    "cla-rate": ("rate per 10,000", "none"),
    "cla-3plus-placements": ("percent", "lower-is-better"),
    "cla-long-term-stability": ("percent", "higher-is-better"),
    "s47-rate": ("rate per 10,000", "none"),
    "icpc-15-days": ("percent", "higher-is-better"),
    "cp-rate": ("rate per 10,000", "none"),
    "cp-reviews-in-timescale": ("percent", "higher-is-better"),
    "ehcp-issued-20-weeks": ("percent", "higher-is-better"),
}

ALSO_REQUIRED = [
    "ehcp-issued-20-weeks-excl-exceptions",
    "s47-to-icpc",
    "icpc-to-cp-plan",
    "cp-visits-10-days",
    "cp-seen-alone",
    "cin-visits-20-days",
    "early-years-good-outstanding",
    "schools-good-outstanding",
    "early-years-funded-take-up",
    "primary-permanent-exclusions",
    "permanent-exclusions-rate",
    "year6-obesity",
    "alcohol-specific-admissions-u18",
    "temporary-accommodation-households",
    "neet-16-17",
    "care-leavers-eet",
    "care-leavers-suitable-accommodation",
    "cla-count",
    "cp-count",
    "care-leavers-count",
    "ehcp-count",
    "sen-support-count",
    "csc-referrals-count",
    "population-0-17",
    "cla-starts",
    "cla-ceases",
    "cla-health-checks",
    "cla-dental-checks",
    "rereferrals-12-months",
    "assessments-45-days",
    "cp-plans-2-years-plus",
    "cp-second-or-later",
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def builtin_plans() -> dict[str, dict]:
    """The built-in plan files, read as plain YAML, by slug."""
    folder = resources.files("cyplan.data").joinpath("plans")
    plans = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            plans[data["plan"]["slug"]] = data
    assert len(plans) >= 2, "expected the built-in plans"
    return plans


def ehcp_header() -> list[str]:
    with EHCP_CSV.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


# ---------------------------------------------------------------------------------------------
# The packaged catalogue
# ---------------------------------------------------------------------------------------------


def test_packaged_catalogue_loads_and_validates(catalogue):
    assert len(catalogue) >= 40
    assert all(isinstance(indicator, Indicator) for indicator in catalogue)
    assert catalogue.codes() == [indicator.code for indicator in catalogue]
    assert len(set(catalogue.codes())) == len(catalogue)


def test_the_file_is_valid_against_the_schema_on_its_own():
    """The schema alone (as another tool would use it) accepts the packaged file."""
    import jsonschema

    schema_text = resources.files("cyplan.data").joinpath("schemas/indicators.schema.json")
    schema = json.loads(schema_text.read_text(encoding="utf-8"))
    data_text = resources.files("cyplan.data").joinpath("indicators.yaml")
    data = yaml.safe_load(data_text.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert schema["$defs"]["indicator"]["additionalProperties"] is False


@pytest.mark.parametrize("code", sorted(REQUIRED))
def test_required_codes_have_the_agreed_unit_and_polarity(catalogue, code):
    unit, polarity = REQUIRED[code]
    indicator = catalogue.get(code)
    assert (indicator.unit, indicator.polarity) == (unit, polarity)
    assert indicator.multiplier == MULTIPLIER_FOR_UNIT[unit]


def test_every_listed_indicator_exists(catalogue):
    missing = [code for code in ALSO_REQUIRED if code not in catalogue]
    assert missing == []
    assert catalogue.get("alcohol-specific-admissions-u18").unit == "rate per 100,000"


def test_every_indicator_is_internally_consistent(catalogue):
    for indicator in catalogue:
        assert indicator.multiplier == MULTIPLIER_FOR_UNIT[indicator.unit], indicator.code
        if indicator.interval == "wilson":
            assert indicator.unit == "percent", indicator.code
        if indicator.unit.startswith("rate"):
            assert indicator.interval == "byar", indicator.code
        if indicator.unit == "percent" or indicator.unit.startswith("rate"):
            assert indicator.denominator, indicator.code
        assert indicator.edge_cases, indicator.code


def test_polarity_none_is_explained_for_rates_of_need(catalogue):
    """Choosing 'none' for the CLA, CP and S47 rates is a judgement, written down."""
    for code in ("cla-rate", "cp-rate", "s47-rate"):
        readings = [case for case in catalogue.get(code).edge_cases if case.startswith("Reading:")]
        assert any("polarity is none" in case for case in readings), code


def test_placement_moves_reading_names_the_rne_codes(catalogue):
    cases = " ".join(catalogue.get("cla-3plus-placements").edge_cases)
    for code in ("S", "L", "P", "T", "B", "U"):
        assert f"{code} " in cases
    assert "same carer" in cases
    assert "placed for adoption with the current foster carer is not a move" in cases.lower()
    assert "de-duplicate" in cases


def test_working_day_rule_says_day_zero_and_the_table_end(catalogue):
    cases = " ".join(catalogue.get("icpc-15-days").edge_cases)
    assert "Day 0" in cases
    assert "bank holiday" in cases
    assert "after the last year the table covers" in cases


# ---------------------------------------------------------------------------------------------
# Against the built-in plans
# ---------------------------------------------------------------------------------------------


def test_every_indicator_quoted_by_the_builtin_plans_exists(catalogue):
    used = {
        figure["indicator"]
        for plan in builtin_plans().values()
        for figure in plan.get("key_figures", [])
        if "indicator" in figure
    }
    assert used, "the built-in plans quote indicators"
    assert sorted(used - set(catalogue.codes())) == []


def test_plan_figures_use_the_catalogue_unit(catalogue):
    for slug, plan in builtin_plans().items():
        for figure in plan.get("key_figures", []):
            if "indicator" in figure:
                indicator = catalogue.get(figure["indicator"])
                assert figure["unit"] == indicator.unit, (slug, figure["id"])


def test_every_plan_node_reference_exists(catalogue):
    plans = builtin_plans()
    node_ids = {slug: {node["id"] for node in plan["nodes"]} for slug, plan in plans.items()}
    references = [(i.code, ref) for i in catalogue for ref in i.plan_nodes]
    assert references
    for code, ref in references:
        slug, node = ref.split("#")
        assert slug in node_ids, (code, ref)
        assert node in node_ids[slug], (code, ref)


def test_for_plan_node(catalogue):
    codes = [i.code for i in catalogue.for_plan_node("bromley-cef-portfolio-2024-2025#a1-c8-a")]
    assert "ehcp-issued-20-weeks" in codes
    assert catalogue.for_plan_node("bromley-cypp-2021-2024#no-such-node") == []


# ---------------------------------------------------------------------------------------------
# EES columns
# ---------------------------------------------------------------------------------------------


def test_ehcp_ees_columns_exist_in_the_real_file(catalogue):
    header = {column.lstrip("\ufeff") for column in ehcp_header()}
    for code in ("ehcp-issued-20-weeks", "ehcp-issued-20-weeks-excl-exceptions"):
        ees = catalogue.get(code).ees
        assert ees is not None
        assert ees.columns() <= header, (code, sorted(ees.columns() - header))
    main = catalogue.get("ehcp-issued-20-weeks").ees
    assert (main.numerator, main.denominator) == (
        "plans_issued_within_20_weeks",
        "plans_issued_den",
    )
    assert main.value == "pc_plans_issued_within_20_weeks"


def test_ehcp_filters_select_a_row_with_the_published_percentage(catalogue):
    ees = catalogue.get("ehcp-issued-20-weeks").ees
    with EHCP_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if all(row[name] == value for name, value in ees.filters.items())
            and row["la_name"] == "Bromley"
            and row["time_period"] == "2024"
        ]
    assert len(rows) == 1
    row = rows[0]
    computed = 100 * int(row[ees.numerator]) / int(row[ees.denominator])
    assert round(computed, 1) == float(row[ees.value])


def test_for_ees_columns_finds_the_ehcp_indicators_from_the_header(catalogue):
    found = [i.code for i in catalogue.for_ees_columns(ehcp_header())]
    assert found == ["ehcp-issued-20-weeks", "ehcp-issued-20-weeks-excl-exceptions"]
    assert catalogue.for_ees_columns({"time_period", "la_name"}) == []


def test_by_source(catalogue):
    assert {i.code for i in catalogue.by_source("SEN2")} >= {"ehcp-issued-20-weeks", "ehcp-count"}
    assert all(i.source.startswith("EES: ") for i in catalogue.by_source("EES"))
    assert catalogue.by_source("EES")
    assert catalogue.by_source("no such source") == []


def test_as_list_json(catalogue):
    listing = catalogue.as_list_json()
    assert len(listing) == len(catalogue)
    assert listing[0].keys() == {"code", "title", "unit", "polarity"}
    json.dumps(listing)


def test_get_suggests_close_codes(catalogue):
    with pytest.raises(KeyError, match="cla-rate"):
        catalogue.get("cla-rates")


def test_loading_the_catalogue_does_not_import_django():
    code = (
        "import sys; from cyplan.analytics.catalogue import load_catalogue; load_catalogue(); "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ---------------------------------------------------------------------------------------------
# Broken catalogues
# ---------------------------------------------------------------------------------------------

GOOD = {
    "code": "test-rate",
    "title": "A test rate",
    "definition": "How many things per 10,000 children.",
    "numerator": "Things.",
    "denominator": "Children aged 0 to 17.",
    "unit": "rate per 10,000",
    "multiplier": 10000,
    "polarity": "none",
    "confidence": 0.95,
    "interval": "byar",
    "source": "CIN census",
    "official_definition": "A test definition.",
    "period_type": "financial-year",
    "edge_cases": ["None."],
}


def catalogue_text(*entries: dict) -> str:
    return yaml.safe_dump(
        {"format": "cyplan-indicators/1", "indicators": list(entries)}, sort_keys=False
    )


def variant(code: str, **changes) -> dict:
    entry = copy.deepcopy(GOOD)
    entry["code"] = code
    for name, value in changes.items():
        if value is ...:
            del entry[name]
        else:
            entry[name] = value
    return entry


def problems_of(text: str, tmp_path: Path) -> list:
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)
    return raised.value.problems


def test_a_small_good_catalogue_loads_with_a_target(tmp_path):
    entry = variant("good-one", target={"value": 30, "period": "2025-26", "note": "Plan aim"})
    path = tmp_path / "indicators.yaml"
    path.write_text(catalogue_text(entry), encoding="utf-8")
    loaded = load_catalogue(path)
    assert loaded.codes() == ["good-one"]
    target = loaded.get("good-one").target
    assert (target.value, target.period, target.note) == (30.0, "2025-26", "Plan aim")


def test_a_broken_catalogue_names_every_problem(tmp_path):
    text = catalogue_text(
        variant("dup-code"),
        variant("dup-code"),
        variant("bad-unit", unit="per thousand"),
        variant("wrong-multiplier", multiplier=100),
        variant("no-definition", definition=...),
    )
    problems = problems_of(text, tmp_path)
    found = {(p.code, p.field) for p in problems}
    assert ("dup-code", "code") in found
    assert ("bad-unit", "unit") in found
    assert ("wrong-multiplier", "multiplier") in found
    assert ("no-definition", "definition") in found
    assert len(problems) == 4, [str(p) for p in problems]
    message = str(CatalogueError(problems))
    for code in ("dup-code", "bad-unit", "wrong-multiplier", "no-definition"):
        assert code in message
    assert "used twice" in message
    assert "'per thousand' is not one of" in message
    assert "needs 10000" in message
    assert "is missing" in message


def test_problems_carry_line_numbers(tmp_path):
    text = catalogue_text(variant("first"), variant("second", multiplier=1))
    problems = problems_of(text, tmp_path)
    assert len(problems) == 1
    line = text.splitlines()[problems[0].line - 1]
    assert line.strip().startswith("multiplier:")
    assert f":{problems[0].line}: second: multiplier:" in str(problems[0])


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"code": "Not_Kebab"}, "code", "kebab-case"),
        (
            {"unit": "count", "multiplier": 1, "denominator": None, "interval": "wilson"},
            "interval",
            "'wilson' is for proportions",
        ),
        ({"interval": "wilson"}, "interval", "uses 'byar', not 'wilson'"),
        (
            {"unit": "percent", "multiplier": 100, "interval": "byar"},
            "interval",
            "'byar' is for rates",
        ),
        ({"interval": "none"}, "interval", "uses 'byar'"),
        ({"denominator": None}, "denominator", "needs a denominator"),
        ({"source": "Somewhere"}, "source", "not a known source"),
        ({"polarity": "up"}, "polarity", "'up' is not one of"),
        ({"confidence": 0.9}, "confidence", "0.9 is not one of"),
        ({"colour": "red"}, "", "unknown field 'colour'"),
        (
            {
                "unit": "percent",
                "multiplier": 100,
                "interval": "wilson",
                "target": {"value": 120, "period": "2025"},
            },
            "target",
            "between 0 and 100",
        ),
        ({"ees": {"value": "x", "numerator": "n", "denominator": "n"}}, "ees", "same column"),
    ],
)
def test_each_rule_is_enforced(tmp_path, changes, field, words):
    entry = variant("the-one")
    entry.update(changes)
    problems = problems_of(catalogue_text(entry), tmp_path)
    assert any(p.field == field and words in p.message for p in problems), [
        str(p) for p in problems
    ]


def test_ees_sources_and_dates_kept_as_text(tmp_path):
    entry = variant("ees-one", source="EES: Some publication")
    entry["target"] = {"value": 5, "period": "2025-03-31"}
    path = tmp_path / "indicators.yaml"
    path.write_text(catalogue_text(entry).replace("'2025-03-31'", "2025-03-31"), encoding="utf-8")
    assert load_catalogue(path).get("ees-one").target.period == "2025-03-31"


def test_yaml_errors_and_duplicate_keys_are_problems():
    with pytest.raises(CatalogueError, match="not valid YAML"):
        parse_catalogue("format: [unclosed", "broken.yaml")
    with pytest.raises(CatalogueError, match="appears twice"):
        parse_catalogue("format: cyplan-indicators/1\nformat: again\n", "twice.yaml")
    with pytest.raises(CatalogueError, match="empty"):
        parse_catalogue("", "empty.yaml")
    with pytest.raises(CatalogueError, match="format"):
        parse_catalogue("format: other/1\nindicators: []\n", "other.yaml")


def test_an_unreadable_path_is_a_catalogue_error(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "missing.yaml")


# ---------------------------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------------------------


def test_every_code_is_documented(catalogue):
    doc = DOC.read_text(encoding="utf-8")
    missing = [code for code in catalogue.codes() if f"`{code}`" not in doc]
    assert missing == []


def test_every_schema_field_is_documented():
    schema = json.loads(
        resources.files("cyplan.data")
        .joinpath("schemas/indicators.schema.json")
        .read_text(encoding="utf-8")
    )
    doc = DOC.read_text(encoding="utf-8")
    indicator = schema["$defs"]["indicator"]["properties"]
    names = [*schema["properties"], *indicator, *indicator["ees"]["properties"]]
    names += list(indicator["target"]["properties"])
    assert [name for name in names if f"`{name}`" not in doc] == []
