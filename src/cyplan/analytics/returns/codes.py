"""Code lists of the SSDA903 and CIN census returns (DfE guides; checked against the public
validators data-to-insight/csc-validator-be-903 and -be-cin and SocialFinance liia-tools).

Where a list changed between years the union is accepted, so one reader handles 2017 to 2026
returns (for example OC3 activity F3/P3 before 2019, F4/F5/P4/P5 after). Extend a list here
when the DfE adds a code; the readers pick it up.
"""

from __future__ import annotations


def _codes(*values: str) -> frozenset[str]:
    return frozenset(values)


def _numbered(prefix: str, first: int, last: int) -> frozenset[str]:
    return frozenset(f"{prefix}{n}" for n in range(first, last + 1))


ETHNICITY = _codes(
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip

ETHNICITY_NAMES = {
    "WHITE BRITISH": "WBRI", "WHITE IRISH": "WIRI", "TRAVELLER OF IRISH HERITAGE": "WIRT",
    "ANY OTHER WHITE BACKGROUND": "WOTH", "GYPSY/ROMA": "WROM", "GYPSY ROMA": "WROM",
    "WHITE AND BLACK CARIBBEAN": "MWBC", "WHITE AND BLACK AFRICAN": "MWBA",
    "WHITE AND ASIAN": "MWAS", "ANY OTHER MIXED BACKGROUND": "MOTH", "INDIAN": "AIND",
    "PAKISTANI": "APKN", "BANGLADESHI": "ABAN", "ANY OTHER ASIAN BACKGROUND": "AOTH",
    "CARIBBEAN": "BCRB", "AFRICAN": "BAFR", "ANY OTHER BLACK BACKGROUND": "BOTH",
    "CHINESE": "CHNE", "ANY OTHER ETHNIC GROUP": "OOTH", "REFUSED": "REFU",
    "INFORMATION NOT YET OBTAINED": "NOBT",
}  # fmt: skip

# --- SSDA903 ---------------------------------------------------------------------------

SEX_903 = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
"""SSDA903 sex: 1 (male) and 2 (female) until 2024; M, F and U (unknown) from 2025."""

LEGAL_STATUS = _codes("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
REASON_NEW_EPISODE = _codes("S", "L", "P", "T", "B", "U")
CATEGORY_OF_NEED_903 = _numbered("N", 1, 8)
"""N9 ("cases other than children in need") and N0 exist only in the CIN census."""

PLACEMENT = _codes(
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
    "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
)  # fmt: skip
PLACEMENT_PROVIDER = _numbered("PR", 0, 5)
REASON_EPISODE_CEASED = _codes(
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44",
    "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9",
)  # fmt: skip
REASON_PLACE_CHANGE = _codes(
    "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
    "PLACE", "CUSTOD", "OTHER",
)  # fmt: skip
REVIEW_CODE = _numbered("PN", 0, 7)
SDQ_REASON = _numbered("SDQ", 1, 5)
MISSING_TYPE = _codes("M", "A")
PREVIOUS_PERMANENCE = _codes("P1", "P2", "P3", "P4", "Z1")
SEX_ADOPTER = _codes("M1", "F1", "MM", "FF", "MF")
LEGAL_STATUS_ADOPTER = _codes("L0", "L11", "L12", "L2", "L3", "L4")
REASON_PLACED_CEASED = _numbered("RD", 1, 4)
SOCIAL_WORKER_CHANGE = _codes(
    "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN",
    "SWDIED", "OTHERS",
)  # fmt: skip

OC3_IN_TOUCH = _codes("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
OC3_ACTIVITY = _codes(
    "F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"
)
OC3_ACCOMMODATION = frozenset(
    {f"{letter}{n}" for letter in "BCDEGHKRSTUVWXYZ" for n in (1, 2)} | {"0"}
)

UPN_UNKNOWN = _numbered("UN", 1, 10)
"""Reasons a UPN is unknown. Kept as they are: they identify no one."""

FLAGS = {"0": False, "1": True, "0.0": False, "1.0": True, "FALSE": False, "TRUE": True}
"""0/1 indicators; "1.0" and TRUE/FALSE are spreadsheet artefacts, accepted."""

# --- CIN census ------------------------------------------------------------------------

SEX_CIN = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F", "U": "U"}
"""GenderCurrent 1/2/0 (not recorded)/9 (indeterminate) until 2025; Sex M/F/U after."""

YES_NO = {
    "TRUE": True, "FALSE": False, "1": True, "0": False,
    "Y": True, "N": False, "YES": True, "NO": False,
}  # fmt: skip

REFERRAL_SOURCE = _codes(
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
    "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
)  # fmt: skip
PRIMARY_NEED = _numbered("N", 0, 9)
REASON_FOR_CLOSURE = _numbered("RC", 1, 9)
CATEGORY_OF_ABUSE = _codes("NEG", "PHY", "SAB", "EMO", "MUL")
DISABILITY = _codes(
    "NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"
)
ASSESSMENT_FACTORS = frozenset(
    {f"{n}{s}" for n in range(1, 7) for s in "ABC"}
    | {"7A", "8A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A"}
    | {"15A", "16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "20", "21", "22A"}
    | {"23A", "24A"}
)

# --- Ofsted Annex A ----------------------------------------------------------------------

SEX_ANNEX_A = {
    "M": "M", "MALE": "M", "A) MALE": "M", "1": "M",
    "F": "F", "FEMALE": "F", "B) FEMALE": "F", "2": "F",
    "U": "U", "UNKNOWN": "U", "NOT STATED/RECORDED": "U", "C) NOT STATED/RECORDED": "U",
    "NOT STATED": "U", "NOT RECORDED": "U", "INDETERMINATE": "U", "NEITHER": "U",
    "D) NEITHER": "U", "0": "U", "9": "U",
}  # fmt: skip
