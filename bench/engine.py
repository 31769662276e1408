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


def _count_placements(group, start, end):
    """Placements of one child overlapping the year (the per-child loop of the baseline)."""
    count, prev_place, p_start, p_end, current = 0, None, None, None, None
    placements = []
    for decom, dec, rne, place in zip(
        group["DECOM"], group["DEC"], group["RNE"], group["PLACE"], strict=True
    ):
        new = rne in ("S", "P", "B", "T", "U") and not (
            rne != "S"
            and place in ("A3", "A5")
            and prev_place in ("U1", "U2", "U3", "U4", "U5", "U6")
        )
        if new or current is None:
            if current is not None:
                placements.append((p_start, p_end))
            p_start, current = decom, True
        p_end = dec
        prev_place = place
    placements.append((p_start, p_end))
    for s, e in placements:
        if s <= end and (e is None or e != e or e > start):
            count += 1
    return count


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

    # Placements: each child's episodes in order, counted in a Python function per child.
    eps_nb = eps[not_sb].sort_values(["LA", "CHILD", "DECOM"])
    counts = eps_nb.groupby(["LA", "CHILD"]).apply(
        lambda g: _count_placements(g, start, end), include_groups=False
    )
    counts = counts.rename("placements").reset_index()
    looked_after = per_child[per_child["open"]][["LA", "CHILD"]]
    cohort = looked_after.merge(counts, on=["LA", "CHILD"], how="left")
    cohort["num"] = cohort["placements"].fillna(0) >= 3
    cohort["den"] = True
    store("cla-3plus-placements", cohort, "num", "den")

    # Long-term stability.
    eps_nb = eps_nb.copy()
    eps_nb["prev_place"] = eps_nb.groupby(["LA", "CHILD"])["PLACE"].shift()
    eps_nb["new_placement"] = eps_nb["RNE"].isin(["S", "P", "B", "T", "U"]) & ~(
        (eps_nb["RNE"] != "S")
        & eps_nb["PLACE"].isin(["A3", "A5"])
        & eps_nb["prev_place"].isin(["U1", "U2", "U3", "U4", "U5", "U6"])
    )
    eps_nb["placement_no"] = eps_nb.groupby(["LA", "CHILD"])["new_placement"].cumsum()
    eps_nb["period_no"] = eps_nb.groupby(["LA", "CHILD"])["RNE"].transform(
        lambda r: (r == "S").cumsum()
    )
    placements = (
        eps_nb.groupby(["LA", "CHILD", "placement_no"])
        .agg(p_start=("DECOM", "min"), period_no=("period_no", "min"))
        .reset_index()
    )
    placements["prev_start"] = placements.groupby(["LA", "CHILD"])["p_start"].shift()
    placements["prev_period"] = placements.groupby(["LA", "CHILD"])["period_no"].shift()
    periods = (
        eps_nb.groupby(["LA", "CHILD", "period_no"])["DECOM"]
        .min()
        .rename("period_start")
        .reset_index()
    )
    current = eps_nb[eps_nb["open"]].sort_values("DECOM").groupby(["LA", "CHILD"]).tail(1)
    current = current.merge(placements, on=["LA", "CHILD", "placement_no"], suffixes=("", "_p"))
    current = current.merge(periods, on=["LA", "CHILD", "period_no"])
    dob = header.groupby(["LA", "CHILD"])["DOB"].first().reset_index()
    current = current.merge(dob, on=["LA", "CHILD"], how="left")
    two_years, two_half = pd.Timestamp(YEAR - 2, 3, 31), pd.Timestamp(YEAR - 3, 9, 30)
    current["den"] = (current["period_start"] <= two_half) & (_age(current["DOB"], end) < 16)
    current["num"] = current["den"] & (
        (current["p_start"] <= two_years)
        | (
            current["PLACE"].isin(["A3", "A4", "A5", "A6"])
            & (current["prev_period"] == current["period_no"])
            & (current["prev_start"] <= two_years)
        )
    )
    store("cla-long-term-stability", current, "num", "den")

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
    oc2 = tables["oc2"].to_pandas()
    oc2 = oc2[oc2["YEAR"] == YEAR].drop_duplicates(["LA", "CHILD"])
    oc2["den"] = True
    oc2["health"] = oc2["HEALTH_ASSESSMENT"].fillna(False).astype(bool)
    oc2["teeth"] = oc2["TEETH_CHECK"].fillna(False).astype(bool)
    store("cla-health-checks", oc2, "health", "den")
    store("cla-dental-checks", oc2, "teeth", "den")
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
