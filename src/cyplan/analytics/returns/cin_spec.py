"""The CIN census XML: where each output column comes from, and its rules.

Columns keep the DfE element names, so they read like the census guide; ``CHILD`` is the
pseudonymised ``LAchildID``, ``Sex`` holds ``Sex`` (2026 layout) or ``GenderCurrent``
(earlier layouts) normalised to M/F/U, and ``*_SEQ`` columns number repeated elements
within their parent (1-based), which is how the tables join:
children -> cin_details (CHILD, YEAR) -> assessments, cin_plans, section47, cp_plans
(CHILD, YEAR, REFERRAL_SEQ) -> cp_reviews (... CPP_SEQ).
"""

from __future__ import annotations

from . import codes as c
from ._engine import Field

CHILD = Field("CHILD", "id", required=True)
YEAR = Field("YEAR", "int")
LIST_SEPARATOR = "\x1f"

# column -> (field, element path(s) relative to the record; alternatives separated by "|")
CHILDREN = (
    (CHILD, "ChildIdentifiers/LAchildID"),
    (Field("UPN", "upn"), "ChildIdentifiers/UPN"),
    (Field("FormerUPN", "upn"), "ChildIdentifiers/FormerUPN"),
    (Field("UPNunknown", "code", codes=c.UPN_UNKNOWN), "ChildIdentifiers/UPNunknown"),
    (Field("PersonBirthDate", "dob"), "ChildIdentifiers/PersonBirthDate"),
    (
        Field("ExpectedPersonBirthDate", "dob", future_ok=True),
        "ChildIdentifiers/ExpectedPersonBirthDate",
    ),
    (Field("Sex", "code", required=True, codes=c.SEX_CIN), "ChildIdentifiers/Sex|GenderCurrent"),
    (Field("PersonDeathDate", "dob"), "ChildIdentifiers/PersonDeathDate"),
    (
        Field("Ethnicity", "code", required=True, codes=c.ETHNICITY),
        "ChildCharacteristics/Ethnicity",
    ),
    (Field("Disabilities", "text"), "ChildCharacteristics/Disabilities/Disability*"),
    (Field("LA", "text"), ""),
)

CIN_DETAILS = (
    (Field("CINreferralDate", "date", required=True), "CINreferralDate"),
    (
        Field("ReferralSource", "code", required=True, codes=c.REFERRAL_SOURCE),
        "ReferralSource",
    ),
    (Field("PrimaryNeedCode", "code", codes=c.PRIMARY_NEED), "PrimaryNeedCode"),
    (Field("CINclosureDate", "date"), "CINclosureDate"),
    (Field("ReasonForClosure", "code", codes=c.REASON_FOR_CLOSURE), "ReasonForClosure"),
    (Field("DateOfInitialCPC", "date"), "DateOfInitialCPC"),
    (Field("ReferralNFA", "code", required=True, codes=c.YES_NO), "ReferralNFA"),
)

ASSESSMENTS = (
    (Field("AssessmentActualStartDate", "date", required=True), "AssessmentActualStartDate"),
    (Field("AssessmentInternalReviewDate", "date"), "AssessmentInternalReviewDate"),
    (Field("AssessmentAuthorisationDate", "date"), "AssessmentAuthorisationDate"),
    (
        Field("AssessmentFactors", "text"),
        "FactorsIdentifiedAtAssessment/AssessmentFactors*",
    ),
)

CIN_PLANS = (
    (Field("CINPlanStartDate", "date", required=True), "CINPlanStartDate"),
    (Field("CINPlanEndDate", "date"), "CINPlanEndDate"),
)

SECTION47 = (
    (Field("S47ActualStartDate", "date", required=True), "S47ActualStartDate"),
    (Field("InitialCPCtarget", "date", future_ok=True), "InitialCPCtarget"),
    (Field("DateOfInitialCPC", "date"), "DateOfInitialCPC"),
    (Field("ICPCnotRequired", "code", required=True, codes=c.YES_NO), "ICPCnotRequired"),
)

CP_PLANS = (
    (Field("CPPstartDate", "date", required=True), "CPPstartDate"),
    (Field("CPPendDate", "date"), "CPPendDate"),
    (
        Field("InitialCategoryOfAbuse", "code", required=True, codes=c.CATEGORY_OF_ABUSE),
        "InitialCategoryOfAbuse",
    ),
    (
        Field("LatestCategoryOfAbuse", "code", required=True, codes=c.CATEGORY_OF_ABUSE),
        "LatestCategoryOfAbuse",
    ),
    (Field("NumberOfPreviousCPP", "int", required=True, lo=0, hi=99), "NumberOfPreviousCPP"),
)

CP_REVIEWS = ((Field("CPPreviewDate", "date", required=True), ""),)

SEQ = {
    "cin_details": ("REFERRAL_SEQ",),
    "assessments": ("REFERRAL_SEQ", "ASSESSMENT_SEQ"),
    "cin_plans": ("REFERRAL_SEQ", "CIN_PLAN_SEQ"),
    "section47": ("REFERRAL_SEQ", "S47_SEQ"),
    "cp_plans": ("REFERRAL_SEQ", "CPP_SEQ"),
    "cp_reviews": ("REFERRAL_SEQ", "CPP_SEQ", "REVIEW_SEQ"),
}

TABLES = {
    "children": CHILDREN,
    "cin_details": CIN_DETAILS,
    "assessments": ASSESSMENTS,
    "cin_plans": CIN_PLANS,
    "section47": SECTION47,
    "cp_plans": CP_PLANS,
    "cp_reviews": CP_REVIEWS,
}

LISTS = {
    "Disabilities": c.DISABILITY,
    "AssessmentFactors": c.ASSESSMENT_FACTORS,
}

ORDER = {
    "cin_details": (("CINreferralDate", "CINclosureDate"),),
    "assessments": (("AssessmentActualStartDate", "AssessmentAuthorisationDate"),),
    "cin_plans": (("CINPlanStartDate", "CINPlanEndDate"),),
    "cp_plans": (("CPPstartDate", "CPPendDate"),),
}


def fields(table: str) -> tuple[Field, ...]:
    """All fields of a table in output order: CHILD, YEAR, the sequence numbers, the rest."""
    own = tuple(f for f, _ in TABLES[table] if f.name != "CHILD")
    seq = tuple(Field(name, "int") for name in SEQ.get(table, ()))
    return (CHILD, YEAR, *seq, *own)
