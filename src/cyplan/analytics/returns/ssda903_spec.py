"""The tables of the SSDA903 (children looked after) return: files, columns and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import codes as c
from ._engine import Field

CHILD = Field("CHILD", "id", required=True)
DOB = Field("DOB", "dob", required=True)
SEX = Field("SEX", "code", required=True, codes=c.SEX_903)
YEAR = Field("YEAR", "int", lo=2000, hi=2100, must_exist=False)
PARTIAL_DATE = r"^([0-9]{2}|ZZ)/([0-9]{2}|ZZ)/[0-9]{4}$"


def _flag(name: str) -> Field:
    return Field(name, "code", codes=c.FLAGS)


def _code(name: str, codes: frozenset[str], required: bool = False) -> Field:
    return Field(name, "code", required=required, codes=codes)


def _date(name: str, required: bool = False, future_ok: bool = False) -> Field:
    return Field(name, "date", required=required, future_ok=future_ok)


@dataclass(frozen=True)
class TableSpec:
    """One table: its output name, accepted file names, fields and date-order rules."""

    name: str
    stems: tuple[str, ...]
    fields: tuple[Field, ...]
    order: tuple[tuple[str, str], ...] = ()

    @property
    def required_columns(self) -> set[str]:
        return {f.name for f in self.fields if f.column_required}

    def canonical(self, header_name: str) -> str | None:
        """The column a header name stands for (case and spaces ignored), or None."""
        name = header_name.strip().lstrip("\ufeff").upper()
        return name if name in {f.name for f in self.fields} else None


def _table(
    name: str,
    stems: tuple[str, ...],
    fields: tuple[Field, ...],
    order: tuple[tuple[str, str], ...] = (),
) -> TableSpec:
    """A table spec; every table may also carry the collection YEAR column."""
    return TableSpec(name, stems, (*fields, YEAR), order)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        _table(
            "header",
            ("header",),
            (
                CHILD,
                SEX,
                DOB,
                _code("ETHNIC", c.ETHNICITY, required=True),
                Field("UPN", "upn", required=True),
                _flag("MOTHER"),
                Field("MC_DOB", "dob"),
            ),
        ),
        _table(
            "episodes",
            ("episodes",),
            (
                CHILD,
                _date("DECOM", required=True),
                _code("RNE", c.REASON_NEW_EPISODE, required=True),
                _code("LS", c.LEGAL_STATUS, required=True),
                _code("CIN", c.CATEGORY_OF_NEED_903, required=True),
                _code("PLACE", c.PLACEMENT, required=True),
                _code("PLACE_PROVIDER", c.PLACEMENT_PROVIDER),
                _date("DEC"),
                _code("REC", c.REASON_EPISODE_CEASED),
                _code("REASON_PLACE_CHANGE", c.REASON_PLACE_CHANGE),
                Field("HOME_POST", "postcode"),
                Field("PL_POST", "postcode"),
                Field("URN", "text"),
            ),
            order=(("DECOM", "DEC"),),
        ),
        _table(
            "reviews",
            ("reviews",),
            (CHILD, DOB, _date("REVIEW", required=True), _code("REVIEW_CODE", c.REVIEW_CODE)),
        ),
        _table(
            "uasc",
            ("uasc",),
            (CHILD, SEX, DOB, _date("DUC", future_ok=True)),
        ),
        _table(
            "oc2",
            ("oc2",),
            (
                CHILD,
                DOB,
                Field("SDQ_SCORE", "int", lo=0, hi=40),
                _code("SDQ_REASON", c.SDQ_REASON),
                *(
                    _flag(name)
                    for name in (
                        "CONVICTED",
                        "HEALTH_CHECK",
                        "IMMUNISATIONS",
                        "TEETH_CHECK",
                        "HEALTH_ASSESSMENT",
                        "SUBSTANCE_MISUSE",
                        "INTERVENTION_RECEIVED",
                        "INTERVENTION_OFFERED",
                    )
                ),
            ),
        ),
        _table(
            "oc3",
            ("oc3",),
            (
                CHILD,
                DOB,
                _code("IN_TOUCH", c.OC3_IN_TOUCH, required=True),
                _code("ACTIV", c.OC3_ACTIVITY, required=True),
                _code("ACCOM", c.OC3_ACCOMMODATION, required=True),
            ),
        ),
        _table(
            "ad1",
            ("ad1",),
            (
                CHILD,
                DOB,
                _date("DATE_INT", required=True),
                _date("DATE_MATCH", required=True),
                _flag("FOSTER_CARE"),
                Field("NB_ADOPTR", "int", lo=1, hi=2),
                _code("SEX_ADOPTR", c.SEX_ADOPTER),
                _code("LS_ADOPTR", c.LEGAL_STATUS_ADOPTER),
            ),
            order=(("DATE_INT", "DATE_MATCH"),),
        ),
        _table(
            "placed_for_adoption",
            ("placedforadoption", "placedadoption", "sbpfa"),
            (
                CHILD,
                DOB,
                _date("DATE_PLACED", required=True),
                _date("DATE_PLACED_CEASED"),
                _code("REASON_PLACED_CEASED", c.REASON_PLACED_CEASED),
            ),
            order=(("DATE_PLACED", "DATE_PLACED_CEASED"),),
        ),
        _table(
            "previous_permanence",
            ("previouspermanence", "prevperm"),
            (
                CHILD,
                DOB,
                _code("PREV_PERM", c.PREVIOUS_PERMANENCE, required=True),
                Field("LA_PERM", "text"),
                Field("DATE_PERM", "pattern", pattern=PARTIAL_DATE),
            ),
        ),
        _table(
            "missing",
            ("missing",),
            (
                CHILD,
                DOB,
                _code("MISSING", c.MISSING_TYPE, required=True),
                _date("MIS_START", required=True),
                _date("MIS_END"),
            ),
            order=(("MIS_START", "MIS_END"),),
        ),
        _table(
            "sw_episodes",
            ("swepisodes", "socialworkerepisodes", "socialworker"),
            (
                CHILD,
                DOB,
                Field("SW_ID", "id", required=True, domain="social_worker"),
                _date("SW_DECOM", required=True),
                _date("SW_DEC"),
                _code("SW_REASON", c.SOCIAL_WORKER_CHANGE),
            ),
            order=(("SW_DECOM", "SW_DEC"),),
        ),
        _table(
            "dolo",
            ("dolo", "deprivationofliberty"),
            (CHILD, DOB, _date("DOLO_START", required=True), _date("DOLO_END")),
            order=(("DOLO_START", "DOLO_END"),),
        ),
    )
}

_STEMS = {stem: spec.name for spec in TABLES.values() for stem in spec.stems}


def table_for_file(file_name: str) -> str | None:
    """The table a CSV file holds, from its name: ``Episodes.csv`` -> ``episodes``."""
    stem = file_name.rsplit(".", 1)[0]
    return _STEMS.get(re.sub(r"[^a-z0-9]", "", stem.lower()))
