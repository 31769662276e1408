"""A plain text progress bar on stderr: no dependency, and nothing on stdout to break --json."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    """``[#####.....] 5/10 label`` redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, label: str = "") -> None:
        """One more step done; show it."""
        self.done = min(self.done + 1, self.total)
        filled = round(self.width * self.done / self.total)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {label}"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width + 40))
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
