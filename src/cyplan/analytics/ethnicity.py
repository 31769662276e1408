"""Ethnicity codes of the DfE statutory returns (SSDA903, CIN census, school census) and their
main groups, and how a group written in a file is read.

The 20 codes and the main groups follow the DfE's children looked after and children in need
statistics: Chinese (``CHNE``) is counted under "Other" there (Census 2021 puts it under Asian),
and "Refused" and "Information not yet obtained" make the "Unknown" group, which has no
population figure.

Example:
    >>> main_group("BCRB"), label("MWBC"), read_group("ethnicity", " black ")
    ('Black', 'White and Black Caribbean', 'Black')
"""

from __future__ import annotations

ETHNICITY = "ethnicity"

WHITE, MIXED, ASIAN, BLACK, OTHER, UNKNOWN = "White", "Mixed", "Asian", "Black", "Other", "Unknown"
MAIN_GROUPS = (WHITE, MIXED, ASIAN, BLACK, OTHER, UNKNOWN)

# code -> (label, main group), in the DfE's order.
CODES: dict[str, tuple[str, str]] = {
    "WBRI": ("White British", WHITE),
    "WIRI": ("White Irish", WHITE),
    "WOTH": ("Any other White background", WHITE),
    "WIRT": ("Traveller of Irish heritage", WHITE),
    "WROM": ("Gypsy/Roma", WHITE),
    "MWBC": ("White and Black Caribbean", MIXED),
    "MWBA": ("White and Black African", MIXED),
    "MWAS": ("White and Asian", MIXED),
    "MOTH": ("Any other mixed background", MIXED),
    "AIND": ("Indian", ASIAN),
    "APKN": ("Pakistani", ASIAN),
    "ABAN": ("Bangladeshi", ASIAN),
    "AOTH": ("Any other Asian background", ASIAN),
    "BCRB": ("Black Caribbean", BLACK),
    "BAFR": ("Black African", BLACK),
    "BOTH": ("Any other Black background", BLACK),
    "CHNE": ("Chinese", OTHER),
    "OOTH": ("Any other ethnic group", OTHER),
    "REFU": ("Refused", UNKNOWN),
    "NOBT": ("Information not yet obtained", UNKNOWN),
}

# Names a file may use for a main group, folded to lower case.
MAIN_GROUP_NAMES = {
    **{name.lower(): name for name in MAIN_GROUPS},
    "mixed or multiple ethnic groups": MIXED,
    "mixed / multiple ethnic groups": MIXED,
    "asian or asian british": ASIAN,
    "black or black british": BLACK,
    "black, african, caribbean or black british": BLACK,
    "other ethnic group": OTHER,
    "other ethnic groups": OTHER,
    "any other ethnic group": OTHER,
    "refused or information not yet obtained": UNKNOWN,
    "not known": UNKNOWN,
}

# How a group is named in a sentence: "{phrase} are 2.3 times as likely ...".
MAIN_GROUP_CHILDREN = {
    WHITE: "White children",
    MIXED: "children of mixed ethnicity",
    ASIAN: "Asian children",
    BLACK: "Black children",
    OTHER: "children of other ethnic groups",
    UNKNOWN: "children whose ethnicity is not known",
}


def is_code(group: str) -> bool:
    return group in CODES


def main_group(group: str) -> str:
    """The main group of a code, or the group itself when it is a main group."""
    if group in CODES:
        return CODES[group][1]
    if group in MAIN_GROUPS:
        return group
    raise ValueError(f"{group!r} is not an ethnicity code or main group")


def label(group: str) -> str:
    """A code's label ("Black Caribbean"); a main group or any other group is its own label."""
    return CODES[group][0] if group in CODES else group


def children_phrase(group: str) -> str:
    """How the children of a group are named in a sentence ("Black Caribbean children")."""
    if group in MAIN_GROUP_CHILDREN:
        return MAIN_GROUP_CHILDREN[group]
    text = label(group)
    if text.lower().startswith("any other"):
        return "children of " + text[0].lower() + text[1:]
    if group in ("REFU", "NOBT"):
        return f"children whose ethnicity is recorded as '{text}'"
    return f"{text} children"


def read_group(characteristic: str, raw: str) -> str:
    """The group as cyplan keeps it: an ethnicity code in capitals or a main-group name.

    For any other characteristic (sex, age band, ...) the text with spaces trimmed.

    Raises:
        ValueError: an ethnicity group that is neither one of the 20 codes nor a main group.
    """
    text = " ".join(str(raw).split())
    if not text:
        raise ValueError("the group is empty")
    if characteristic != ETHNICITY:
        return text
    if text.upper() in CODES:
        return text.upper()
    if text.lower() in MAIN_GROUP_NAMES:
        return MAIN_GROUP_NAMES[text.lower()]
    raise ValueError(
        f"{text!r} is not a DfE ethnicity code (WBRI, WIRI, ... NOBT) or a main group "
        f"({', '.join(MAIN_GROUPS)})"
    )


def group_order(group: str) -> tuple[int, int, str]:
    """Sort key: the DfE order of codes within main groups, main groups in their order."""
    if group in CODES:
        return (MAIN_GROUPS.index(CODES[group][1]), list(CODES).index(group) + 1, group)
    if group in MAIN_GROUPS:
        return (MAIN_GROUPS.index(group), 0, group)
    return (len(MAIN_GROUPS), 0, group)
