"""Indicator engine benchmark: the full indicator set on a synthetic national data set.

150 local authorities, about 520,000 SSDA903 episodes and 1.3 million CIN census records
(``cyplan.analytics.synthetic``). Times ``AnalyticalStore.compute`` (every registered
indicator, DuckDB) against a straightforward pandas implementation of the same SSDA903
definitions measured in the same run, checks that both give the same numerators and
denominators for every LA, and prints the times and the ratio.

Budget: the whole indicator set under 10 s on 2 cores, at least 10 times faster than pandas.
The pandas baseline is written the way such code usually is (merges, boolean filters and
``groupby().apply()`` over each child's episodes for placements); CIN indicators have no
pandas twin here, so the ratio compares the SSDA903 indicators on both sides, and the CIN
ones are timed on the engine side only.
"""

from __future__ import annotations

import os
import sys
import time

BUDGET_S = 10.0
MIN_RATIO = 10.0
YEAR = 2024
SSDA903_CODES = (
    "cla-count",
    "cla-rate",
    "cla-starts",
    "cla-ceases",
    "cla-3plus-placements",
    "cla-long-term-stability",
    "care-leavers-count",
    "care-leavers-eet",
    "care-leavers-suitable-accommodation",
    "cla-health-checks",
    "cla-dental-checks",
)


# --- the pandas baseline --------------------------------------------------------------------


def _age(dob, on):
    """Whole years from ``dob`` (a datetime Series) to the Timestamp ``on``."""
    return (
        on.year * 10000
        + on.month * 100
        + on.day
        - (dob.dt.year * 10000 + dob.dt.month * 100 + dob.dt.day)
    ) // 10000


TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
BEFORE_ADOPTION = {"U1", "U2", "U3", "U4", "U5", "U6", "A3", "A4", "A5", "A6"}


def _number(group):
    """Placement and period-of-care numbers of one child's episodes (the baseline's loop).

    The DfE rules of docs/indicators-returns.md: a period starts at S, after a gap or after a
    cease; a placement at a new period or RNE P/B/T/U, except a temporary placement (T0-T4),
    the return from one to the same placement, and A3/A5 straight after U1-U6 or A3-A6.
    """
    import pandas as pd

    placement = period = 0
    prev_dec = prev_rec = prev_place = prev_key = None
    first = True
    numbers = []
    for decom, dec, rne, place, rec, urn, post in zip(
        group["DECOM"], group["DEC"], group["RNE"], group["PLACE"], group["REC"],
        group["URN"], group["PL_POST"], strict=True,
    ):  # fmt: skip
        temporary = place in TEMPORARY
        new_period = rne == "S" or (
            not first
            and (
                (prev_dec is not None and not pd.isna(prev_dec) and decom > prev_dec)
                or (prev_rec is not None and not pd.isna(prev_rec) and prev_rec != "X1")
            )
        )
        key = (place, urn or "", post or "")
        back = prev_place in TEMPORARY and key == prev_key
        adoption = place in ("A3", "A5") and prev_place in BEFORE_ADOPTION
        new_placement = not temporary and (
            new_period or (rne in ("S", "P", "B", "T", "U") and not back and not adoption)
        )
        placement += new_placement
        period += new_period
        numbers.append((placement, period, temporary))
        if not temporary:
            prev_key = key
        prev_dec, prev_rec, prev_place, first = dec, rec, place, False
    return pd.DataFrame(numbers, index=group.index, columns=["placement_no", "period_no", "temp"])


def pandas_indicators(tables, population):
    """The SSDA903 indicators in pandas: {(code, la): (numerator, denominator)}."""
    import pandas as pd

    start, end = pd.Timestamp(YEAR - 1, 4, 1), pd.Timestamp(YEAR, 3, 31)
    eps = tables["episodes"].to_pandas()
    for col in ("DECOM", "DEC"):
        eps[col] = pd.to_datetime(eps[col])
    eps = eps.sort_values("YEAR").drop_duplicates(["LA", "CHILD", "DECOM"], keep="last")
    eps = eps[eps["DECOM"] <= end]
    header = tables["header"].to_pandas()
    header["DOB"] = pd.to_datetime(header["DOB"])
    out = {}

    def store(code, frame, num, den=None):
        grouped = frame.groupby("LA")
        nums = grouped[num].sum()
        dens = grouped[den].sum() if den else None
        for la, n in nums.items():
            out[(code, la)] = (int(n), None if den is None else int(dens[la]))

    not_sb = ~eps["LS"].isin(["V3", "V4"])
    eps["open"] = (eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] > end)) & not_sb
    eps["start"] = (eps["RNE"] == "S") & eps["DECOM"].between(start, end) & not_sb
    eps["cease"] = (
        eps["DEC"].between(start, end) & eps["REC"].notna() & (eps["REC"] != "X1") & not_sb
    )
    per_child = eps.groupby(["LA", "CHILD"])[["open", "start", "cease"]].any().reset_index()
    store("cla-count", per_child, "open")
    store("cla-starts", per_child, "start")
    store("cla-ceases", per_child, "cease")
    pop = population.to_pandas()
    pop = pop[pop["age"] <= 17].groupby("la")["count"].sum()
    for la, n in per_child.groupby("LA")["open"].sum().items():
        out[("cla-rate", la)] = (int(n), int(pop[la]))

    # Placements: each child's episodes in order (V3/V4 included), numbered in a Python
    # function per child.
    eps = eps.sort_values(["LA", "CHILD", "DECOM"])
    numbered = eps.groupby(["LA", "CHILD"], group_keys=False).apply(_number, include_groups=False)
    eps = eps.join(numbered)
    far = pd.Timestamp.max.floor("D")
    real = eps[~eps["temp"]]
    placements = (
        real.assign(p_end=real["DEC"].fillna(far))
        .groupby(["LA", "CHILD", "placement_no"])
        .agg(p_start=("DECOM", "min"), p_end=("p_end", "max"), period_no=("period_no", "min"))
        .reset_index()
    )
    in_year = placements[(placements["p_start"] <= end) & (placements["p_end"] > start)]
    counts = in_year.groupby(["LA", "CHILD"]).size().rename("placements").reset_index()
    is_open = (eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] > end))
    current = eps[is_open].sort_values("DECOM").groupby(["LA", "CHILD"]).tail(1)
    current = current[~current["LS"].isin(["V3", "V4"])]
    cohort = current[["LA", "CHILD"]].merge(counts, on=["LA", "CHILD"], how="left")
    cohort["num"] = cohort["placements"].fillna(0) >= 3
    cohort["den"] = True
    store("cla-3plus-placements", cohort, "num", "den")

    # Long-term stability.
    placements["prev_start"] = placements.groupby(["LA", "CHILD"])["p_start"].shift()
    placements["prev_period"] = placements.groupby(["LA", "CHILD"])["period_no"].shift()
    periods = (
        eps.groupby(["LA", "CHILD", "period_no"])["DECOM"]
        .min()
        .rename("period_start")
        .reset_index()
    )
    current = current.merge(periods, on=["LA", "CHILD", "period_no"])
    stable = current.merge(placements, on=["LA", "CHILD", "placement_no"], suffixes=("", "_p"))
    dob = header.groupby(["LA", "CHILD"])["DOB"].first().reset_index()
    stable = stable.merge(dob, on=["LA", "CHILD"], how="left")
    two_years, two_half = pd.Timestamp(YEAR - 2, 3, 31), pd.Timestamp(YEAR - 3, 9, 30)
    stable["den"] = (stable["period_start"] <= two_half) & (_age(stable["DOB"], end) < 16)
    stable["num"] = stable["den"] & (
        (stable["p_start"] <= two_years)
        | (
            stable["PLACE"].isin(["A3", "A4", "A5", "A6"])
            & (stable["prev_period"] == stable["period_no_p"])
            & (stable["prev_start"] <= two_years)
        )
    )
    store("cla-long-term-stability", stable, "num", "den")

    # Care leavers (OC3) and health (OC2).
    oc3 = tables["oc3"].to_pandas()
    oc3 = oc3[oc3["YEAR"] == YEAR].drop_duplicates(["LA", "CHILD"])
    age = _age(pd.to_datetime(oc3["DOB"]), end)
    oc3["all"] = age.between(17, 21)
    store("care-leavers-count", oc3, "all")
    oc3["den"] = age.between(19, 21) & (oc3["IN_TOUCH"] != "DIED")
    in_touch = oc3["IN_TOUCH"] == "YES"
    oc3["eet"] = oc3["den"] & in_touch & oc3["ACTIV"].str[0].isin(["F", "P"])
    oc3["suitable"] = (
        oc3["den"] & in_touch & (oc3["ACCOM"].str[-1] == "1") & (oc3["ACCOM"].str.len() == 2)
    )
    store("care-leavers-eet", oc3, "eet", "den")
    store("care-leavers-suitable-accommodation", oc3, "suitable", "den")
    # Health: the cohort is the children looked after for 12 months (from the episodes).
    oc2 = tables["oc2"].to_pandas()
    oc2 = oc2[oc2["YEAR"] == YEAR].drop_duplicates(["LA", "CHILD"])
    twelve = current[current["period_start"] <= start][["LA", "CHILD"]]
    twelve = twelve.merge(oc2, on=["LA", "CHILD"], how="left")
    twelve["den"] = True
    twelve["health"] = twelve["HEALTH_ASSESSMENT"].astype("boolean").fillna(False).astype(bool)
    twelve["teeth"] = twelve["TEETH_CHECK"].astype("boolean").fillna(False).astype(bool)
    store("cla-health-checks", twelve, "health", "den")
    store("cla-dental-checks", twelve, "teeth", "den")
    return out


# --- the run -------------------------------------------------------------------------------


def _engine_figures(result):
    return {
        (r["code"], r["la"]): (r["numerator"], r["denominator"])
        for r in result.to_pylist()
        if r["breakdown"] == ""
    }


def main() -> int:
    from cyplan.analytics import synthetic
    from cyplan.analytics.indicators import load_all
    from cyplan.analytics.store import AnalyticalStore

    n_las = int(os.environ.get("CYPLAN_BENCH_LAS", "150"))
    started = time.perf_counter()
    ssda903 = synthetic.ssda903_national(n_las)
    cin = synthetic.cin_national(n_las)
    population = synthetic.population_national(n_las)
    generated = time.perf_counter() - started
    episodes = ssda903["episodes"].num_rows
    cin_records = sum(t.num_rows for t in cin.values())
    print(
        f"synthetic data: {n_las} LAs, {episodes:,} episodes, {cin_records:,} CIN records "
        f"(generated in {generated:.2f} s)"
    )

    store = AnalyticalStore(None)
    started = time.perf_counter()
    store.load_tables("ssda903", ssda903)
    store.load_tables("cin", cin)
    store.con.register("_population", population)
    store.con.execute("CREATE TABLE population AS SELECT * FROM _population")
    store.con.unregister("_population")
    loaded = time.perf_counter() - started
    codes = sorted(load_all())
    store.compute(["cla-count"], year=YEAR)  # warm the catalogue of tables and the imports

    started = time.perf_counter()
    full = store.compute(codes, year=YEAR)
    engine_all = time.perf_counter() - started
    started = time.perf_counter()
    engine_903 = store.compute(SSDA903_CODES, year=YEAR)
    engine_903_s = time.perf_counter() - started

    started = time.perf_counter()
    baseline = pandas_indicators(ssda903, population)
    pandas_s = time.perf_counter() - started

    engine = _engine_figures(engine_903)
    mismatched = sorted(k for k in baseline if engine.get(k) != baseline[k])
    missing = sorted(set(engine) ^ set(baseline))
    ratio = pandas_s / engine_903_s if engine_903_s else float("inf")
    print(f"load into the store: {loaded:.2f} s")
    print(
        f"engine, full indicator set ({len(codes)} indicators, {full.num_rows} rows): {engine_all:.2f} s"
    )
    print(f"engine, SSDA903 indicators ({len(SSDA903_CODES)}): {engine_903_s:.2f} s")
    print(f"pandas baseline, same SSDA903 indicators: {pandas_s:.2f} s")
    print(f"ratio pandas / engine: {ratio:.1f}x")
    same = not mismatched and not missing
    print(f"same numbers: {'yes' if same else 'NO'} ({len(baseline)} LA figures compared)")
    for key in (mismatched + missing)[:10]:
        print(f"  {key}: engine {engine.get(key)} pandas {baseline.get(key)}")
    within = engine_all < BUDGET_S and ratio >= MIN_RATIO
    print(f"budget (< {BUDGET_S:.0f} s, >= {MIN_RATIO:.0f}x): {'met' if within else 'NOT met'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
