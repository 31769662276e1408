"""Synthetic national returns: SSDA903 and CIN census tables for many local authorities.

For the engine benchmark and for demos: no real child is in them. Everything is generated
with numpy in whole arrays (no loop over children or episodes) straight into pyarrow tables
of the readers' cleaned shape (docs/returns.md), with ``LA`` and ``YEAR`` columns, ready for
:meth:`cyplan.analytics.store.AnalyticalStore.load_tables`. The same seed gives the same data.

Example:
    >>> tables = ssda903_national(n_las=150)          # doctest: +SKIP
    >>> store.load_tables("ssda903", tables)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cyplan.analytics.indicators.base import ETHNIC_GROUPS

SEED = 903
YEAR = 2024
_END = np.datetime64(f"{YEAR}-03-31", "D")
_ETHNIC = np.array(sorted(ETHNIC_GROUPS))


def la_codes(n_las: int) -> list[str]:
    """Made-up ONS-shaped LA codes, E06900001 onwards (no real authority has them)."""
    return [f"E069{i:05d}" for i in range(1, n_las + 1)]


def _ids(prefix: str, n: int, offset: int = 0) -> pa.Array:
    """``prefix`` followed by 0..n-1, as a string array, built without a Python loop."""
    numbers = pa.array(np.arange(offset, offset + n)).cast(pa.string())
    return pc.binary_join_element_wise(pa.scalar(prefix), numbers, "")


def _dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Days since 1970 as a date32 array; ``valid`` False gives nulls."""
    return pa.array(days.astype("int32"), pa.int32(), mask=None if valid is None else ~valid).cast(
        pa.date32()
    )


def _choice(rng: np.random.Generator, codes: list[str], probs: list[float], n: int) -> np.ndarray:
    """``n`` codes drawn with the given weights."""
    p = np.asarray(probs, float)
    return np.asarray(codes)[rng.choice(len(codes), size=n, p=p / p.sum())]


def _within(counts: np.ndarray) -> np.ndarray:
    """Position (1-based) of each item within its group, for groups of ``counts`` items."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(counts.sum()) - starts + 1


def _month_dob(rng: np.random.Generator, first: str, last: str, n: int) -> np.ndarray:
    """Dates of birth as the first of a month (as the pseudonymised readers give them)."""
    lo, hi = np.datetime64(first, "M"), np.datetime64(last, "M")
    months = lo + rng.integers(0, int(hi - lo) + 1, n)
    return months.astype("datetime64[D]").astype("int64")


def ssda903_national(
    n_las: int = 150, children_per_la: int = 1200, seed: int = SEED
) -> dict[str, pa.Table]:
    """A year-2024 SSDA903 for ``n_las`` LAs: header, episodes, uasc, oc2, oc3.

    About 3 episodes a child are kept (later ones fall after 31 March): 150 LAs of 1,200
    children give about 520,000 episodes.
    """
    rng = np.random.default_rng(seed)
    las = np.asarray(la_codes(n_las))
    n = n_las * children_per_la
    child_la = las[np.repeat(np.arange(n_las), children_per_la)]
    children = _ids("C", n)
    dob = _month_dob(rng, "2006-04", "2024-02", n)
    sex = _choice(rng, ["M", "F"], [0.55, 0.45], n)
    ethnic = _choice(rng, list(_ETHNIC), [1.0] * len(_ETHNIC), n)
    ethnic[rng.random(n) < 0.6] = "WBRI"

    # Episodes: a period of care from a random start, episodes back to back.
    k = 1 + rng.poisson(2.5, n)
    total = int(k.sum())
    owner = np.repeat(np.arange(n), k)
    pos = _within(k)
    end = _END.astype("int64")
    earliest = np.maximum(dob, np.datetime64("2015-04-01", "D").astype("int64"))
    start = earliest + (rng.random(n) * np.maximum(end - earliest, 1)).astype("int64")
    duration = 1 + rng.exponential(200, total).astype("int64")
    offsets = np.cumsum(duration) - duration
    decom = start[owner] + offsets - (offsets[np.repeat(np.cumsum(k) - k, k)])
    dec = decom + duration
    last = pos == k[owner]
    leaves = last & (rng.random(total) < 0.45)
    rec = np.where(
        last,
        _choice(rng, ["E11", "E12", "E13", "E41", "E8", "E17"], [3, 1, 2, 1, 2, 1], total),
        "X1",
    )
    keep = decom <= end
    open_ = (dec > end) | (last & ~leaves)
    rne = _choice(rng, ["L", "P", "T", "B", "U"], [0.25, 0.4, 0.1, 0.15, 0.1], total)
    rne[pos == 1] = "S"
    short_break = (rng.random(n) < 0.03)[owner]
    ls = _choice(rng, ["C2", "C1", "V2", "E1", "J2", "L1"], [60, 20, 5, 5, 3, 2], total)
    ls[short_break] = _choice(rng, ["V3", "V4"], [1, 1], int(short_break.sum()))
    place = _choice(
        rng,
        ["U1", "U2", "U3", "U4", "U5", "U6", "R1", "K2", "P1", "H5", "A5", "A6", "T0"],
        [10, 5, 20, 10, 10, 5, 6, 8, 4, 3, 2, 2, 1],
        total,
    )
    idx = np.flatnonzero(keep)
    episodes = pa.table(
        {
            "YEAR": pa.array(np.full(len(idx), YEAR, "int64")),
            "CHILD": children.take(pa.array(owner[idx])),
            "DECOM": _dates(decom[idx]),
            "RNE": pa.array(rne[idx]),
            "LS": pa.array(ls[idx]),
            "CIN": pa.array(_choice(rng, [f"N{i}" for i in range(1, 9)], [1] * 8, len(idx))),
            "PLACE": pa.array(place[idx]),
            "PLACE_PROVIDER": pa.array(_choice(rng, ["PR1", "PR4", "PR5"], [6, 3, 1], len(idx))),
            "DEC": _dates(dec[idx], ~open_[idx]),
            "REC": pa.array(rec[idx], mask=open_[idx]),
            "REASON_PLACE_CHANGE": pa.nulls(len(idx), pa.string()),
            "HOME_POST": pa.nulls(len(idx), pa.string()),
            "PL_POST": pa.nulls(len(idx), pa.string()),
            "URN": pa.nulls(len(idx), pa.string()),
            "LA": pa.array(child_la[owner[idx]]),
        }
    )

    # Care leavers aged 17 to 21 on 31 March, who are in the header too.
    m = n_las * 150
    leaver_la = las[np.repeat(np.arange(n_las), 150)]
    leavers = _ids("L", m)
    leaver_dob = _month_dob(rng, "2002-04", "2007-03", m)
    in_touch = _choice(rng, ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"], [80, 8, 1, 3, 4, 4], m)
    activ = _choice(
        rng, ["F1", "P1", "F2", "P2", "F4", "G4", "G5", "G6"], [15, 5, 15, 5, 15, 10, 25, 10], m
    )
    accom = _choice(
        rng, ["B1", "C1", "D1", "E2", "G1", "K2", "T1", "U2"], [10, 10, 15, 5, 10, 5, 20, 5], m
    )
    not_known = in_touch != "YES"
    activ[not_known], accom[not_known] = "0", "0"
    oc3 = pa.table(
        {
            "YEAR": pa.array(np.full(m, YEAR, "int64")),
            "CHILD": leavers,
            "DOB": _dates(leaver_dob),
            "IN_TOUCH": pa.array(in_touch),
            "ACTIV": pa.array(activ),
            "ACCOM": pa.array(accom),
            "LA": pa.array(leaver_la),
        }
    )
    all_la = np.concatenate([child_la, leaver_la])
    header = pa.table(
        {
            "YEAR": pa.array(np.full(n + m, YEAR, "int64")),
            "CHILD": pa.concat_arrays([children, leavers]),
            "SEX": pa.array(np.concatenate([sex, _choice(rng, ["M", "F"], [1, 1], m)])),
            "DOB": _dates(np.concatenate([dob, leaver_dob])),
            "ETHNIC": pa.array(np.concatenate([ethnic, _choice(rng, list(_ETHNIC), [1] * 20, m)])),
            "UPN": pa.nulls(n + m, pa.string()),
            "MOTHER": pa.nulls(n + m, pa.bool_()),
            "MC_DOB": pa.nulls(n + m, pa.date32()),
            "LA": pa.array(all_la),
        }
    )
    uasc_idx = np.flatnonzero(rng.random(n) < 0.06)
    uasc = pa.table(
        {
            "YEAR": pa.array(np.full(len(uasc_idx), YEAR, "int64")),
            "CHILD": children.take(pa.array(uasc_idx)),
            "SEX": pa.array(sex[uasc_idx]),
            "DOB": _dates(dob[uasc_idx]),
            "DUC": _dates(dob[uasc_idx] + 18 * 365),
            "LA": pa.array(child_la[uasc_idx]),
        }
    )
    oc2_idx = np.flatnonzero(rng.random(n) < 0.4)
    oc2 = pa.table(
        {
            "YEAR": pa.array(np.full(len(oc2_idx), YEAR, "int64")),
            "CHILD": children.take(pa.array(oc2_idx)),
            "DOB": _dates(dob[oc2_idx]),
            "HEALTH_ASSESSMENT": pa.array(rng.random(len(oc2_idx)) < 0.88),
            "TEETH_CHECK": pa.array(rng.random(len(oc2_idx)) < 0.75),
            "LA": pa.array(child_la[oc2_idx]),
        }
    )
    return {"header": header, "episodes": episodes, "uasc": uasc, "oc2": oc2, "oc3": oc3}


def population_national(n_las: int = 150, seed: int = SEED) -> pa.Table:
    """A ``population`` table (la, age 0-90, sex null, count, year 2023) for the LAs."""
    rng = np.random.default_rng(seed + 1)
    las = np.asarray(la_codes(n_las))
    per_age = rng.integers(2_000, 6_000, n_las)
    la = np.repeat(las, 91)
    age = np.tile(np.arange(91, dtype="int32"), n_las)
    return pa.table(
        {
            "la": pa.array(la),
            "age": pa.array(age),
            "sex": pa.nulls(len(la), pa.string()),
            "count": pa.array(np.repeat(per_age, 91).astype("int64")),
            "year": pa.array(np.full(len(la), YEAR - 1, "int32")),
        }
    )


def cin_national(
    n_las: int = 150, children_per_la: int = 2000, seed: int = SEED
) -> dict[str, pa.Table]:
    """A year-2024 CIN census for ``n_las`` LAs: about 1.3 million records in 7 tables."""
    rng = np.random.default_rng(seed + 2)
    las = np.asarray(la_codes(n_las))
    n = n_las * children_per_la
    child_la = las[np.repeat(np.arange(n_las), children_per_la)]
    children = _ids("N", n)
    dob = _month_dob(rng, "2006-04", "2024-02", n)
    year = lambda size: pa.array(np.full(size, YEAR, "int64"))  # noqa: E731
    disabled = rng.random(n) < 0.12
    offsets = np.concatenate([[0], np.cumsum(disabled)]).astype("int32")
    disabilities = pa.ListArray.from_arrays(
        pa.array(offsets), pa.array(np.full(int(disabled.sum()), "LD")), mask=pa.array(~disabled)
    )
    children_t = pa.table(
        {
            "CHILD": children,
            "YEAR": year(n),
            "UPN": pa.nulls(n, pa.string()),
            "FormerUPN": pa.nulls(n, pa.string()),
            "UPNunknown": pa.nulls(n, pa.string()),
            "PersonBirthDate": _dates(dob),
            "ExpectedPersonBirthDate": pa.nulls(n, pa.date32()),
            "Sex": pa.array(_choice(rng, ["M", "F", "U"], [50, 48, 2], n)),
            "PersonDeathDate": pa.nulls(n, pa.date32()),
            "Ethnicity": pa.array(_choice(rng, list(_ETHNIC), [1] * 20, n)),
            "Disabilities": disabilities,
            "LA": pa.array(child_la),
        }
    )

    def rows_per(parent: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.repeat(parent, counts), _within(counts)

    end = _END.astype("int64")
    start_of_year = np.datetime64(f"{YEAR - 1}-04-01", "D").astype("int64")
    r_counts = 1 + rng.poisson(0.2, n)
    r_owner, r_seq = rows_per(np.arange(n), r_counts)
    nr = len(r_owner)
    referral = start_of_year - 200 + rng.integers(0, 566, nr)
    closure = referral + rng.exponential(120, nr).astype("int64")
    closed = (closure <= end) & (rng.random(nr) < 0.7)
    key = {
        "CHILD": children.take(pa.array(r_owner)),
        "YEAR": year(nr),
        "REFERRAL_SEQ": pa.array(r_seq),
    }
    cin_details = pa.table(
        {
            **key,
            "CINreferralDate": _dates(referral),
            "ReferralSource": pa.array(
                _choice(rng, ["1A", "2A", "3A", "5A", "9"], [2, 3, 4, 3, 1], nr)
            ),
            "PrimaryNeedCode": pa.array(_choice(rng, [f"N{i}" for i in range(10)], [1] * 10, nr)),
            "CINclosureDate": _dates(closure, closed),
            "ReasonForClosure": pa.array(np.full(nr, "RC8"), mask=~closed),
            "DateOfInitialCPC": pa.nulls(nr, pa.date32()),
            "ReferralNFA": pa.array(rng.random(nr) < 0.08),
        }
    )

    def child_rows(rate: float, max_extra: int = 0) -> tuple[np.ndarray, np.ndarray]:
        counts = (rng.random(nr) < rate).astype("int64") + (
            rng.poisson(0.1, nr) if max_extra else 0
        )
        return rows_per(np.arange(nr), counts)

    def keyed(parent: np.ndarray, seq_name: str, seq: np.ndarray) -> dict:
        return {
            "CHILD": children.take(pa.array(r_owner[parent])),
            "YEAR": year(len(parent)),
            "REFERRAL_SEQ": pa.array(r_seq[parent]),
            seq_name: pa.array(seq),
        }

    a_ref, a_seq = child_rows(0.85, 1)
    a_start = referral[a_ref] + rng.exponential(4, len(a_ref)).astype("int64")
    a_auth = a_start + rng.exponential(30, len(a_ref)).astype("int64")
    assessments = pa.table(
        {
            **keyed(a_ref, "ASSESSMENT_SEQ", a_seq),
            "AssessmentActualStartDate": _dates(a_start),
            "AssessmentInternalReviewDate": pa.nulls(len(a_ref), pa.date32()),
            "AssessmentAuthorisationDate": _dates(a_auth, a_auth <= end),
            "AssessmentFactors": pa.nulls(len(a_ref), pa.list_(pa.string())),
        }
    )
    p_ref, p_seq = child_rows(0.3)
    p_start = referral[p_ref] + rng.exponential(30, len(p_ref)).astype("int64")
    p_end = p_start + rng.exponential(150, len(p_ref)).astype("int64")
    cin_plans = pa.table(
        {
            **keyed(p_ref, "CIN_PLAN_SEQ", p_seq),
            "CINPlanStartDate": _dates(p_start),
            "CINPlanEndDate": _dates(p_end, p_end <= end),
        }
    )
    s_ref, s_seq = child_rows(0.25)
    s_start = referral[s_ref] + rng.exponential(3, len(s_ref)).astype("int64")
    icpc = s_start + rng.integers(3, 30, len(s_ref))
    has_icpc = (rng.random(len(s_ref)) < 0.35) & (icpc <= end)
    section47 = pa.table(
        {
            **keyed(s_ref, "S47_SEQ", s_seq),
            "S47ActualStartDate": _dates(s_start),
            "InitialCPCtarget": _dates(s_start + 21),
            "DateOfInitialCPC": _dates(icpc, has_icpc),
            "ICPCnotRequired": pa.array(~has_icpc & (rng.random(len(s_ref)) < 0.5)),
        }
    )
    c_ref, c_seq = child_rows(0.12)
    nc = len(c_ref)
    c_start = referral[c_ref] + rng.exponential(20, nc).astype("int64")
    c_end = c_start + rng.exponential(300, nc).astype("int64")
    categories = ["NEG", "PHY", "EMO", "SAB", "MUL"]
    cp_plans = pa.table(
        {
            **keyed(c_ref, "CPP_SEQ", c_seq),
            "CPPstartDate": _dates(c_start),
            "CPPendDate": _dates(c_end, c_end <= end),
            "InitialCategoryOfAbuse": pa.array(_choice(rng, categories, [5, 2, 4, 1, 1], nc)),
            "LatestCategoryOfAbuse": pa.array(_choice(rng, categories, [5, 2, 4, 1, 1], nc)),
            "NumberOfPreviousCPP": pa.array(rng.poisson(0.3, nc).astype("int64")),
        }
    )
    v_counts = 1 + rng.poisson(1.5, nc)
    v_plan, v_seq = rows_per(np.arange(nc), v_counts)
    gaps = np.where(v_seq == 1, 70, 160) + rng.integers(0, 40, len(v_plan))
    offsets = np.cumsum(gaps) - gaps
    first = np.repeat(np.cumsum(v_counts) - v_counts, v_counts)
    review = c_start[v_plan] + (offsets - offsets[first]) + gaps[first]
    keep = review <= end
    v_plan, v_seq, review = v_plan[keep], v_seq[keep], review[keep]
    cp_reviews = pa.table(
        {
            "CHILD": children.take(pa.array(r_owner[c_ref[v_plan]])),
            "YEAR": year(len(v_plan)),
            "REFERRAL_SEQ": pa.array(r_seq[c_ref[v_plan]]),
            "CPP_SEQ": pa.array(c_seq[v_plan]),
            "REVIEW_SEQ": pa.array(v_seq),
            "CPPreviewDate": _dates(review),
        }
    )
    tables = {
        "children": children_t,
        "cin_details": cin_details,
        "assessments": assessments,
        "cin_plans": cin_plans,
        "section47": section47,
        "cp_plans": cp_plans,
        "cp_reviews": cp_reviews,
    }
    by_child = pa.array(child_la)
    for name, table in tables.items():
        if name != "children":
            index = pc.index_in(table["CHILD"], children)
            tables[name] = table.append_column("LA", by_child.take(index))
    return tables
