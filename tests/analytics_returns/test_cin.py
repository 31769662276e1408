"""CIN census XML: both layouts, flat tables, and problems located by XML path."""

from __future__ import annotations

import textwrap
from datetime import date

from cyplan.analytics.returns import read_cin_census

from .conftest import FORMATS, TODAY

CIN = FORMATS / "cin-census"
HEADER = """<Header><CollectionDetails><Collection>CIN</Collection><Year>2023</Year>
<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>305</LEA></Source></Header>"""


def _child(child_id: str, sex: str = "<Sex>F</Sex>", details: str = "", birth: str = "2015-03-27"):
    birth_element = f"<PersonBirthDate>{birth}</PersonBirthDate>" if birth else ""
    return f"""<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>
    <UPN>A123456789012</UPN>{birth_element}{sex}</ChildIdentifiers>
    <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
    <Disabilities><Disability>HAND</Disability><Disability>AUT</Disability></Disabilities>
    </ChildCharacteristics>{details or _referral()}</Child>"""


def _referral(referral: str = "2023-06-01", closure: str = "", extra: str = "") -> str:
    closure_element = f"<CINclosureDate>{closure}</CINclosureDate>" if closure else ""
    return f"""<CINdetails><CINreferralDate>{referral}</CINreferralDate>
    <ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>{closure_element}
    {extra}<ReferralNFA>false</ReferralNFA></CINdetails>"""


def _write(tmp_path, *children: str, name: str = "cin.xml", reference: str = "2024-03-31"):
    body = "".join(children)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.replace("2024-03-31", reference)
    path.write_text(f"<Message>{header}<Children>{body}</Children></Message>")
    return path


def test_the_2024_and_2026_samples_are_both_read(pseudonymiser):
    """The two layouts give the same children; 2026's pre-proceedings block is ignored."""
    results = {}
    for year in (2024, 2026):
        path = CIN / f"CIN_Census_{year}.xml"
        results[year] = read_cin_census(
            path, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY
        )
        assert results[year].ok
    assert results[2024].tables["children"].equals(results[2026].tables["children"])
    children = results[2026].tables["children"].to_pylist()
    assert [c["Sex"] for c in children] == ["M", "M"]  # <Sex>1</Sex> and <Sex>M</Sex>
    assert children[0]["Disabilities"] == ["HAND", "HEAR"]
    assert children[0]["YEAR"] == 2024  # ReferenceDate 2024-03-31


def test_gender_current_of_earlier_layouts_is_read_as_sex(pseudonymiser):
    """fake_CIN_data.xml uses GenderCurrent 1/2/9: read as M/F/U."""
    result = read_cin_census(
        CIN / "fake_CIN_data.xml", pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY
    )
    text = (CIN / "fake_CIN_data.xml").read_text()
    sexes = result.tables["children"].column("Sex").to_pylist()
    assert sexes.count("M") == text.count("<GenderCurrent>1</GenderCurrent>")
    assert sexes.count("U") == text.count("<GenderCurrent>9</GenderCurrent>") + text.count(
        "<GenderCurrent>0</GenderCurrent>"
    )


def test_nested_records_become_flat_tables_joined_by_sequence_numbers(tmp_path, pseudonymiser):
    """Assessments, plans, section 47s, CP plans and reviews each get their own table."""
    extra = textwrap.dedent("""
        <Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>
        <AssessmentAuthorisationDate>2023-07-01</AssessmentAuthorisationDate>
        <FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors>
        <AssessmentFactors>21</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
        <CINPlanDates><CINPlanStartDate>2023-07-02</CINPlanStartDate></CINPlanDates>
        <Section47><S47ActualStartDate>2023-06-03</S47ActualStartDate>
        <InitialCPCtarget>2023-06-24</InitialCPCtarget><DateOfInitialCPC>2023-06-20</DateOfInitialCPC>
        <ICPCnotRequired>false</ICPCnotRequired></Section47>
        <ChildProtectionPlans><CPPstartDate>2023-06-20</CPPstartDate>
        <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
        <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP>
        <Reviews><CPPreviewDate>2023-09-01</CPPreviewDate><CPPreviewDate>2024-02-01</CPPreviewDate>
        </Reviews></ChildProtectionPlans>""")
    path = _write(tmp_path, _child("A1", details=_referral(extra=extra) + _referral("2024-01-05")))
    result = read_cin_census(path, pseudonymiser=pseudonymiser, today=TODAY)
    assert result.ok, result.problems
    tables = result.tables
    assert tables["cin_details"].column("REFERRAL_SEQ").to_pylist() == [1, 2]
    assert tables["assessments"].column("AssessmentFactors").to_pylist() == [["1A", "21"]]
    assert tables["section47"].column("DateOfInitialCPC").to_pylist() == [date(2023, 6, 20)]
    reviews = tables["cp_reviews"].to_pylist()
    assert [(r["CPP_SEQ"], r["REVIEW_SEQ"], r["CPPreviewDate"]) for r in reviews] == [
        (1, 1, date(2023, 9, 1)), (1, 2, date(2024, 2, 1)),
    ]  # fmt: skip
    child = pseudonymiser.child_id("A1")
    assert {t.column("CHILD")[0].as_py() for t in tables.values()} == {child}
    assert {t.column("YEAR")[0].as_py() for t in tables.values()} == {2024}


def test_problems_carry_the_xml_path(tmp_path, pseudonymiser):
    """A bad referral date in the second child's first referral is located exactly."""
    path = _write(tmp_path, _child("A1"), _child("A2", details=_referral("2023-02-30")))
    result = read_cin_census(path, pseudonymiser=pseudonymiser, today=TODAY)
    [problem] = result.problems
    assert problem.row == "/Message/Children/Child[2]/CINdetails[1]/CINreferralDate"
    assert (problem.field, problem.rule, problem.value) == (
        "CINreferralDate",
        "invalid_date",
        "2023-02-30",
    )
    assert not result.ok and result.tables == {}


def test_cin_rules(tmp_path, pseudonymiser):
    """Unknown sex, closure before referral, no date of birth, a repeated child, a bad code."""
    path = _write(
        tmp_path,
        _child("A1", sex="<Sex>X</Sex>"),
        _child("A2", details=_referral("2023-06-01", "2023-05-01")),
        _child("A3", birth=""),
        _child("A1"),
        _child("A4", sex="<GenderCurrent>2</GenderCurrent>").replace("AUT", "XYZ"),
    )
    result = read_cin_census(path, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    found = sorted((p.rule, p.row) for p in result.problems)
    child = "/Message/Children/Child"
    assert found == [
        ("duplicate_child", f"{child}[4]/ChildIdentifiers/LAchildID"),
        ("end_before_start", f"{child}[2]/CINdetails[1]/CINclosureDate"),
        ("invalid_code", f"{child}[1]/ChildIdentifiers/Sex"),
        ("invalid_code", f"{child}[5]/ChildCharacteristics/Disabilities/Disability"),
        ("required", f"{child}[3]/ChildIdentifiers/PersonBirthDate"),
    ]
    # A bad value in a field no figure keys on (sex, a disability code) keeps the child with
    # that value unknown (issue 13); A3 (no birth date) and the repeated A1 are skipped:
    # 5 children - 2 skipped = 3 kept (A1 with sex unknown, A2, A4 with disability unknown).
    assert result.ok and result.tables["children"].num_rows == 3
    kept = {r["Sex"] for r in result.tables["children"].to_pylist()}
    assert None in kept
    assert result.tables["cin_details"].num_rows == 4


def test_a_folder_of_years_is_read_with_a_year_each(tmp_path, pseudonymiser):
    """cin/2023/a.xml and cin/2024/b.xml: two years, the folder name giving the year."""
    # each census's ReferenceDate is the end of its folder's collection year
    _write(tmp_path / "2023", _child("A1"), name="a.xml", reference="2023-03-31")
    _write(tmp_path / "2024", _child("A1"), name="b.xml")
    result = read_cin_census(tmp_path, pseudonymiser=pseudonymiser, today=TODAY)
    assert result.ok
    assert sorted(result.tables["children"].column("YEAR").to_pylist()) == [2023, 2024]
