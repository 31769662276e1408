"""Run the benchmarks: ``python -m bench`` (or ``make bench``). ``python -m bench pages`` runs one."""

import sys

from bench import pages

BENCHMARKS = {"pages": pages.main}


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
