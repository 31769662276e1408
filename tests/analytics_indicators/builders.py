"""Tiny SSDA903 returns built in code, in the readers' cleaned shape, for indicator tests."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from cyplan.analytics.returns.problems import ReadResult
from cyplan.analytics.store import AnalyticalStore

LA = "E09000006"

EPISODES = pa.schema(
    [
        ("YEAR", pa.int64()),
        ("CHILD", pa.string()),
        ("DECOM", pa.date32()),
        ("RNE", pa.string()),
        ("LS", pa.string()),
        ("CIN", pa.string()),
        ("PLACE", pa.string()),
        ("PLACE_PROVIDER", pa.string()),
        ("DEC", pa.date32()),
        ("REC", pa.string()),
        ("REASON_PLACE_CHANGE", pa.string()),
        ("HOME_POST", pa.string()),
        ("PL_POST", pa.string()),
        ("URN", pa.string()),
    ]
)
HEADER = pa.schema(
    [
        ("YEAR", pa.int64()),
        ("CHILD", pa.string()),
        ("SEX", pa.string()),
        ("DOB", pa.date32()),
        ("ETHNIC", pa.string()),
        ("UPN", pa.string()),
        ("MOTHER", pa.bool_()),
        ("MC_DOB", pa.date32()),
    ]
)
OC3 = pa.schema(
    [
        ("YEAR", pa.int64()),
        ("CHILD", pa.string()),
        ("DOB", pa.date32()),
        ("IN_TOUCH", pa.string()),
        ("ACTIV", pa.string()),
        ("ACCOM", pa.string()),
    ]
)
UASC = pa.schema(
    [
        ("YEAR", pa.int64()),
        ("CHILD", pa.string()),
        ("SEX", pa.string()),
        ("DOB", pa.date32()),
        ("DUC", pa.date32()),
    ]
)


def d(text: str) -> date:
    """A date from ``yyyy-mm-dd``."""
    return date.fromisoformat(text)


def ep(child, decom, rne, place, dec=None, rec=None, ls="C2") -> dict:
    """One episode row."""
    return {
        "CHILD": child,
        "DECOM": d(decom),
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": "PR1",
        "DEC": d(dec) if dec else None,
        "REC": rec if rec else ("X1" if dec else None),
        "REASON_PLACE_CHANGE": None,
        "HOME_POST": None,
        "PL_POST": None,
        "URN": None,
    }


def child(name, dob="2012-06-01", sex="M", ethnic="WBRI") -> dict:
    """One header row."""
    return {
        "CHILD": name,
        "SEX": sex,
        "DOB": d(dob),
        "ETHNIC": ethnic,
        "UPN": "UN1",
        "MOTHER": None,
        "MC_DOB": None,
    }


def leaver(name, dob, in_touch, activ, accom) -> dict:
    """One OC3 row."""
    return {"CHILD": name, "DOB": d(dob), "IN_TOUCH": in_touch, "ACTIV": activ, "ACCOM": accom}


def table(schema: pa.Schema, year: int, rows: list[dict]) -> pa.Table:
    """Rows (without YEAR) as a table of ``schema`` for return ``year``."""
    return pa.Table.from_pylist([{"YEAR": year, **row} for row in rows], schema=schema)


def ssda903(
    year: int,
    episodes: list[dict],
    header: list[dict] | None = None,
    oc3: list[dict] | None = None,
    uasc: list[str] = (),
) -> ReadResult:
    """A read result for one return year. Without ``header``, every child gets a default row."""
    if header is None:
        names = sorted({e["CHILD"] for e in episodes} | {o["CHILD"] for o in oc3 or []})
        header = [child(n) for n in names]
    by_name = {h["CHILD"]: h for h in header}
    tables = {
        "episodes": table(EPISODES, year, episodes),
        "header": table(HEADER, year, header),
        "oc3": table(OC3, year, oc3 or []),
        "uasc": table(
            UASC,
            year,
            [
                {"CHILD": n, "SEX": by_name[n]["SEX"], "DOB": by_name[n]["DOB"], "DUC": None}
                for n in uasc
            ],
        ),
    }
    return ReadResult(tables=tables, problems=[], skipped_rows=[], ok=True)


def store_with(*results: ReadResult, la: str = LA) -> AnalyticalStore:
    """An in-memory store holding the given returns."""
    store = AnalyticalStore(None)
    for result in results:
        store.load_ssda903(result, la)
    return store


def figure(store: AnalyticalStore, code: str, year: int, group: str = "", by=None) -> dict:
    """The one result row of ``code`` for the LA (and group)."""
    rows = [
        r
        for r in store.compute([code], year=year, by=by).to_pylist()
        if r["group"] == group and r["breakdown"] == ("" if not group else by)
    ]
    assert len(rows) == 1, rows
    return rows[0]
