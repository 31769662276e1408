"""Statutory returns benchmark: `cyplan returns validate`, `load` and `compute` as whole processes.

On the shared synthetic SSDA903 return (../shared/data/formats/ssda903, about 2,700 children
and 5,000 episodes, the year ending 31 March 2018), each command runs 5 times as a separate
`python -m cyplan` process, as a council would run it; the median wall time and the peak
memory (maximum resident set size of the process, from wait4) are reported, with
`cyplan returns --help` as the start-up baseline. The public Data to Insight SSDA903
validator takes about 7.2 s and 277 MiB on the same file (issue 13). Aim: the whole job
(validate, load, compute) in under 0.5 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SSDA903 = ROOT.parent.parent / "shared" / "data" / "formats" / "ssda903"
if not SSDA903.exists():  # run from /work/main
    SSDA903 = ROOT.parent / "shared" / "data" / "formats" / "ssda903"
LA, YEAR, RUNS = "E09000006", "2018", 5
D2I = (7.2, 277)  # seconds, MiB: the public Data to Insight validator on the same file


def timed(args: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak memory (MiB) of one process.

    CPU time is reported too because on a shared machine the wall time mostly measures the
    other processes: CPU time is what the command itself cost."""
    import time

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "cyplan", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # validate exits 1 when the return has errors
        raise RuntimeError(f"cyplan {' '.join(args)} failed ({process.returncode})")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run() -> int:
    if not SSDA903.exists():
        print(f"the shared sample return is missing: {SSDA903}")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="cyplan-bench-returns-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "CYPLAN_DATA_DIR": str(folder),
        "CYPLAN_PSEUDONYMISATION_KEY": "ab" * 16,
        "PYTHONPATH": str(ROOT / "src"),
    }
    subprocess.run([sys.executable, "-m", "cyplan", "migrate", "-v", "0"], env=env, check=True)
    store = str(folder / "analytics.duckdb")
    commands = {
        "start-up (returns --help)": ["returns", "--help"],
        "validate": ["returns", "validate", "ssda903", str(SSDA903), "--la", LA, "--year", YEAR],
        "load (--skip-invalid)": [
            "returns", "load", "ssda903", str(SSDA903), "--la", LA, "--year", YEAR,
            "--skip-invalid", "--store", store,
        ],
        "compute (11 SSDA903 indicators)": [
            "returns", "compute", "--year", YEAR, "--store", store,
        ],
    }  # fmt: skip
    results = {}
    for label, args in commands.items():
        runs = [timed(args, env) for _ in range(RUNS)]
        results[label] = (
            statistics.median(t for t, _, _ in runs),
            statistics.median(c for _, c, _ in runs),
            max(m for _, _, m in runs),
        )
    print(f"{'command':38} {'median s':>9} {'CPU s':>7} {'peak MiB':>9}")
    for label, (seconds, cpu, mib) in results.items():
        print(f"{label:38} {seconds:9.2f} {cpu:7.2f} {mib:9.0f}")
    later = list(commands)[1:]
    job, job_cpu = (sum(results[k][i] for k in later) for i in (0, 1))
    print(f"{'whole job (validate + load + compute)':38} {job:9.2f} {job_cpu:7.2f}")
    print(f"{'Data to Insight validator (issue 13)':38} {D2I[0]:9.2f} {'':7} {D2I[1]:9.0f}")
    return 0


def main() -> int:
    return run()


if __name__ == "__main__":
    sys.exit(main())
