"""Run the benchmarks: ``python -m bench`` (or ``make bench``)."""

import sys


def main() -> int:
    print("No benchmarks yet: the first arrive with the site (page times) and the returns engine.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
