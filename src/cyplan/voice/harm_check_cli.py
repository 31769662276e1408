"""``cyplan voice check``: its arguments and its run, for the ``voice`` command.

Staff use it to test the harm check's lexicon: does a text (or each line of a file) look
urgent, and which categories matched?
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from cyplan.voice import harm_model
from cyplan.voice.harm_check import categories, check

EXAMPLES = """examples:
  cyplan voice check "i dont feel safe at home"
  cyplan voice check "my dad hits my mum" --json
  cyplan voice check --file messages.txt --json
"""


def add_check(actions, sub):
    parser = actions.add_parser(
        "check",
        help="would a text be urgent for the safeguarding leads, and which categories matched",
        description="Run the harm check on a text, or on each line of a file, and print whether "
        "it would be urgent and which categories of harm matched. Nothing is stored.",
        epilog=EXAMPLES,
        **sub,
    )
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the text to check")
    parser.add_argument(
        "--file",
        metavar="FILE",
        help="check each line of FILE (UTF-8; '-' for standard input), one result a line, in order",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"urgent": true, "categories": [...]} (one object a line with --file)',
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="with --json, also list what matched ('matches') and the learned model's score ('model', 0 to 1); the plain output always shows them",
    )


def _read_lines(path: str) -> list[str]:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"--file: cannot read {path}: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CommandError(
            f"--file: {path}, line {line}: not UTF-8 text (byte {error.start + 1}); "
            "save the file as UTF-8"
        ) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _describe(result, labels, explain: bool) -> str:
    if not result.urgent:
        return "not urgent: no harm phrases matched"
    if result.by_model:
        return (
            f"URGENT: no lexicon phrase matched; the learned model scores it {result.model:.2f}"
            f" (urgent above {harm_model.THRESHOLD})"
        )
    names = ", ".join(f"{slug} ({labels[slug]})" for slug in result.categories)
    text = f"URGENT: {names}"
    if explain:
        found = "; ".join(f"'{m.phrase}' ({m.category})" for m in result.matches)
        text += f"\n  matched: {found}\n  model: {result.model:.2f}"
    return text


def run_check(command, text=None, file=None, json=False, explain=False, **options):
    if (text is None) == (file is None):
        raise CommandError(
            'give a TEXT or --file FILE (not both), e.g. cyplan voice check "i hurt myself"'
        )
    out = command.stdout
    labels = categories()
    if file is None:
        result = check(text)
        if json:
            out.write(_dumps(result.as_dict(explain)))
        else:
            out.write(_describe(result, labels, True))
        return
    for number, line in enumerate(_read_lines(file), start=1):
        result = check(line)
        if json:
            out.write(_dumps(result.as_dict(explain)))
        else:
            out.write(f"{number}: {_describe(result, labels, True)}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
