"""Ofsted Annex A lists 1 to 11: canonical columns and the header spellings they accept.

Headers are compared after lower-casing and turning punctuation into spaces ("Child's
Legal Status" -> "child s legal status"). Each canonical column lists regular expressions
searched in that text; a header takes the first column (in the order below) that matches,
so specific columns come before general ones ("reason ceased" before "ceased"). Known
variants are taken from SocialFinance liia-tools' Annex A schema. Headers that match
nothing, and those marked ``drop`` (names, workers, ages), are never read.
"""

from __future__ import annotations

import re

from . import codes as c
from ._engine import Field

DROP = "drop"
Column = tuple[Field | str, tuple[str, ...]]


def _date(name: str, *patterns: str, required: bool = False, must_exist: bool = False) -> Column:
    return Field(name, "date", required=required, must_exist=must_exist or required), patterns


def _int(name: str, *patterns: str) -> Column:
    return Field(name, "int", lo=0), patterns


def _text(name: str, *patterns: str) -> Column:
    return Field(name, "text"), patterns


CHILD_ID: Column = (
    Field("child_id", "id", required=True),
    (r"\bchild\b.*\bid\b", r"child unique", r"unique id", r"^id$", r"child identifier"),
)
PERSON: tuple[Column, ...] = (
    (Field("sex", "code", codes=c.SEX_ANNEX_A), (r"^gender", r"^sex\b")),
    (Field("ethnicity", "code", codes=c.ETHNICITY), (r"^ethnic",)),
    (Field("date_of_birth", "dob"), (r"date of birth", r"\bdob\b", r"birth date")),
    (DROP, (r"^age\b", r"\bworker\b", r"\bname\b", r"forename", r"surname")),
    _text("disability", r"disabilit"),
    _text("allocated_team", r"allocated team", r"^team\b"),
)

LISTS: dict[int, tuple[Column, ...]] = {
    1: (
        _date("date_of_contact", r"date.*contact", required=True),
        _text("contact_source", r"source"),
    ),
    2: (
        _date("assessment_start_date", r"start", required=True),
        _date("assessment_completion_date", r"complet"),
        _text("organisation", r"organi[sz]ation"),
    ),
    3: (
        _date("date_of_referral", r"date.*referral", required=True),
        _text("referral_source", r"source"),
        _text("referral_nfa", r"\bnfa\b", r"no further action"),
        _int("referrals_last_12_months", r"number of referrals", r"referrals in"),
    ),
    4: (
        _date("assessment_start_date", r"start", required=True),
        _text("child_seen", r"\bseen\b"),
        _date("assessment_authorisation_date", r"authori[sz]", r"complet"),
        _text("requires_social_care_support", r"requiring", r"social care support"),
    ),
    5: (
        _date("strategy_discussion_date", r"strategy", r"s(ection )?47.*start", required=True),
        _text("icpc_not_required", r"unnecessary", r"not required"),
        _date("icpc_date", r"date.*(initial child protection conference|icpc)"),
        _text("icpc_resulted_in_cpp", r"result"),
        _int("s47_enquiries_last_12_months", r"s(ection )?47 enquiries"),
        _int("icpcs_last_12_months", r"number of icpcs", r"icpcs in"),
    ),
    6: (
        _date("cin_start_date", r"cin start", r"child in need start", r"start date"),
        _text("primary_need_code", r"need"),
        _date("date_child_last_seen", r"last seen", r"child (was )?seen", must_exist=True),
        _text("reason_for_closure", r"^reason"),
        _date("cin_closure_date", r"clos"),
        _text("case_status", r"status"),
    ),
    7: (
        _date("cpp_start_date", r"plan start", r"cpp start", r"start date", required=True),
        _text("initial_category_of_abuse", r"initial category"),
        _text("latest_category_of_abuse", r"latest category"),
        _date("date_of_last_statutory_visit", r"statutory visit", r"last visit", must_exist=True),
        _text("child_seen_alone", r"seen alone"),
        _date("date_of_latest_review_conference", r"review conference", r"latest review"),
        _date("cpp_end_date", r"plan end", r"cpp end", r"end date"),
        _text("emergency_protection", r"emergency protection", r"police powers"),
        _int("previous_cpps", r"previous (child protection plans|cpps?)"),
    ),
    8: (
        _text("uasc", r"unaccompanied", r"\buasc\b"),
        _text("reason_ceased", r"^reason ceased"),
        _date("date_ceased_looked_after", r"ceased to be looked after", r"date ceased"),
        _date("date_started_looked_after", r"start(ed)? to be looked after", r"entered care"),
        _text("category_of_need", r"category of need"),
        _text("second_period_looked_after", r"second or subsequent"),
        _date("legal_status_start_date", r"start date of current legal status", r"legal status st"),
        _text("legal_status", r"legal status"),
        _date("date_of_latest_statutory_review", r"statutory review"),
        _date("date_of_last_social_work_visit", r"social work(er)? visit"),
        _text("permanence_plan", r"permanence plan"),
        _date("date_of_last_iro_visit", r"\biro\b"),
        _date("date_of_last_health_assessment", r"health assessment"),
        _date("date_of_last_dental_check", r"dental"),
        _int("placements_last_12_months", r"number of placements"),
        _date("placement_start_date", r"most recent placement", r"placement start"),
        _text("placement_type", r"placement type"),
        _text("placement_provider", r"placement provider"),
        (Field("placement_postcode", "postcode"), (r"postcode",)),
        _text("placement_urn", r"\burn\b"),
        _text("placement_location", r"placement location"),
        _text("la_of_placement", r"\bla of placement"),
        _text("return_interview_offered", r"offered a return interview"),
        _text("return_interview_accepted", r"accept(ed)? a return interview"),
        _int("missing_episodes_last_12_months", r"missing"),
        _int("absent_episodes_last_12_months", r"absent"),
    ),
    9: (
        _text("eligibility_category", r"eligibility"),
        _text("la_in_touch", r"in touch"),
        _text("accommodation_type", r"type of accommodation", r"accommodation type"),
        _text("accommodation_suitability", r"suitab"),
        _text("activity_status", r"activity"),
    ),
    10: (
        (Field("family_id", "id", domain="family"), (r"family",)),
        _date("date_entered_care", r"entered care"),
        _text("reason_no_longer_placed_for_adoption", r"^reason"),
        _date("date_decision_no_longer_placed_for_adoption", r"no longer be placed"),
        _date("date_decision_placed_for_adoption", r"decision that child should be placed"),
        _date("date_placement_order", r"placement order"),
        _date("date_matched", r"matching", r"matched"),
        _date("date_placed_for_fostering_ffa", r"\bffa\b", r"concurrent"),
        _date("date_placed_for_adoption", r"placed for adoption"),
        _date("date_adoption_order", r"adoption order"),
    ),
    11: (
        (Field("adopter_id", "id", required=True, domain="adopter"), (r"adopter (identifier|id)",)),
        (Field("family_id", "id", domain="family"), (r"family",)),
        _text("fostering_for_adoption", r"fostering for adoption"),
        _date("date_enquiry_received", r"enquiry"),
        _date("date_stage1_started", r"stage 1 start"),
        _date("date_stage1_ended", r"stage 1 end"),
        _date("date_stage2_started", r"stage 2 start"),
        _date("date_stage2_ended", r"stage 2 end"),
        _date("date_application_submitted", r"application submitted"),
        _date("date_application_approved", r"application approved"),
        _date("date_matched", r"matched"),
        _date("date_placed", r"placed with adopter", r"date child.*placed"),
        _int("children_placed", r"(no|number) of children"),
        _date("date_adoption_order", r"adoption order"),
        _text("reason_for_leaving", r"reason for leaving"),
        _date("date_left_process", r"leaving"),
    ),
}

KEYWORDS = (
    (1, r"contact"),
    (2, r"early help"),
    (3, r"referral"),
    (4, r"assessment"),
    (5, r"s(ection )?47"),
    (7, r"child protection|\bcp\b"),
    (6, r"child(ren)? in need|\bcin\b"),
    (8, r"looked after|children in care|\bcla\b"),
    (9, r"care leaver"),
    (11, r"adopters?\b"),
    (10, r"adoption"),
)


def normalise(text: object) -> str:
    """Lower case, punctuation to spaces, spaces collapsed."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def list_number(sheet_name: str) -> int | None:
    """Which list a sheet holds: "List 1", "List_1", "list1 - contacts", or by its subject."""
    name = normalise(sheet_name)
    match = re.search(r"\blist ?(\d{1,2})\b", name)
    if match and 1 <= int(match.group(1)) <= 11:
        return int(match.group(1))
    return next((number for number, pattern in KEYWORDS if re.search(pattern, name)), None)


def columns(number: int) -> tuple[Column, ...]:
    """The columns of a list, in matching order."""
    own = LISTS[number]
    if number == 11:
        return (own[0], own[1], *PERSON, *own[2:])
    return (CHILD_ID, *PERSON, *own)


def fields(number: int) -> tuple[Field, ...]:
    """The output fields of a list."""
    return tuple(f for f, _ in columns(number) if isinstance(f, Field))


def match_header(number: int, header: list[object]) -> dict[str, int]:
    """Canonical column -> position in the header row, for the columns found."""
    found: dict[str, int] = {}
    specs = columns(number)
    for position, cell in enumerate(header):
        if cell is None:
            continue
        text = normalise(cell)
        for spec, patterns in specs:
            name = spec if isinstance(spec, str) else spec.name
            if any(re.search(p, text) for p in patterns):
                if name != DROP and name not in found:
                    found[name] = position
                break
    return found
