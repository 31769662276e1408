"""A longer random attack on disclosure control than the test suite runs.

``python -m bench.disclosure_attack [SEED]`` suppresses 400 random one-way tables, 150 two-way
tables and 80 realistic disproportionality cohorts (each with and without merging, every
reference published together), runs the brute-force attacker of ``tests/analytics/attacker.py``
on each, and prints how many tables of each kind it recovered anything from (want 0).
"""

import random
import sys
import time

from tests.analytics.attacker import Published, recoveries, shown, sums_one_way, sums_two_way
from tests.analytics.test_disclosure_attack import attack_every_reference

from cyplan.analytics import disproportionality as dp
from cyplan.analytics.disclosure import suppress_one_way, suppress_two_way

CODES = ["WBRI", "WOTH", "WIRI", "MWBC", "MOTH", "AIND", "APKN", "BCRB", "BAFR", "BOTH", "OOTH"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rng = random.Random(int(argv[0]) if argv else 0)

    def count() -> int:
        return rng.choice([rng.randint(0, 6), rng.randint(0, 6), rng.randint(5, 60)])

    tally = {"one-way": [0, 0], "two-way": [0, 0], "disproportionality": [0, 0]}
    start = time.perf_counter()
    for _ in range(400):
        labels = [f"g{i}" for i in range(rng.randint(1, 8))]
        now = shown(suppress_one_way({label: count() for label in labels}))
        tally["one-way"][0] += 1
        tally["one-way"][1] += bool(recoveries(Published(now, sums_one_way(labels)), {}))
    for _ in range(150):
        rows = [f"r{i}" for i in range(rng.randint(2, 4))]
        cols = [f"c{j}" for j in range(rng.randint(2, 4))]
        table = {
            r: {c: rng.choice([rng.randint(0, 5), rng.randint(0, 25)]) for c in cols} for r in rows
        }
        out = suppress_two_way(table)
        now = {(r, c): cell.shown for r, row in out.items() for c, cell in row.items()}
        tally["two-way"][0] += 1
        tally["two-way"][1] += bool(recoveries(Published(now, sums_two_way(rows, cols)), {}))
    for _ in range(80):
        cohort, population = {}, {}
        for code in ["WBRI", *rng.sample(CODES[1:], rng.randint(1, 6))]:
            cohort[code] = rng.randint(20, 120) if code == "WBRI" else count()
            population[code] = cohort[code] + rng.choice([rng.randint(0, 6), rng.randint(30, 400)])
        if rng.random() < 0.5:
            cohort["NOBT"] = count()
        for merge in (dp.MERGE_AUTO, dp.MERGE_NONE):
            found = attack_every_reference(cohort, population, merge=merge)
            tally["disproportionality"][0] += 1
            tally["disproportionality"][1] += bool(found)
            if found:
                print("recovered", merge, cohort, population, found)
    for kind, (tables, leaked) in tally.items():
        print(f"{kind}: {tables} tables, {leaked} with a recovery")
    print(f"{time.perf_counter() - start:.0f} s")
    return int(any(leaked for _, leaked in tally.values()))


if __name__ == "__main__":
    sys.exit(main())
