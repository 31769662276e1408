"""Run the benchmarks: ``python -m bench`` (or ``make bench``). ``python -m bench pages`` or ``python -m bench engine`` or ``python -m bench reports`` or ``python -m bench load`` or ``python -m bench workbook`` runs one."""

import sys

from bench import engine, load, pages, reports, workbook

BENCHMARKS = {
    "pages": pages.main,
    "engine": engine.main,
    "reports": reports.main,
    "load": load.main,
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
