"""Run the benchmarks: ``python -m bench`` (or ``make bench``). ``python -m bench NAME`` runs one:
pages, engine, reports, load, returns or workbook."""

import sys

from bench import engine, load, pages, reports, returns, workbook

BENCHMARKS = {
    "pages": pages.main,
    "engine": engine.main,
    "reports": reports.main,
    "load": load.main,
    "returns": returns.main,
    "workbook": workbook.main,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    for name in chosen:
        print(f"== {name}")
        status = BENCHMARKS[name]()
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
