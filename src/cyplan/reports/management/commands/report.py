"""``cyplan report``: board packs and scrutiny reports from the live plan."""

from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.plans.models import Plan
from cyplan.reports import content, render
from cyplan.voice.report_cli import add_you_said_we_did, run_you_said_we_did

EPILOG = """examples:
  cyplan report board-pack --board childrens-executive-board --period "Q3 2024/25" --format pdf --output ceb-q3.pdf
  cyplan report board-pack --board childrens-executive-board --period 2024-25-Q3 --format docx --output ceb-q3.docx
  cyplan report board-pack --board "Children's Executive Board" --format docx --output pack.docx
  cyplan report scrutiny --plan bromley-cef-portfolio-2024-2025 --format docx --output scrutiny.docx
  cyplan report you-said-we-did --plan bromley-cypp-2021-2024 --year 2024 --format pdf --output ysdw.pdf
"""


class Progress:
    """A progress bar on standard error (a line per step when it is not a terminal)."""

    def __init__(self, stream, steps: int):
        self.stream, self.steps, self.done = stream, steps, 0

    def step(self, text: str) -> None:
        self.done += 1
        filled = round(20 * self.done / self.steps)
        bar = "#" * filled + "-" * (20 - filled)
        end = "\r" if self.stream.isatty() and self.done < self.steps else "\n"
        self.stream.write(f"[{bar}] {self.done}/{self.steps} {text:<60}{end}")
        self.stream.flush()


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Make a report from the live plan: a board pack or a scrutiny report (PDF, Word, Excel "
        "or HTML), or the annual 'you said, we did' report (HTML or PDF)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub = {"formatter_class": RawDescriptionHelpFormatter}
        pack = actions.add_parser(
            "board-pack",
            help="a board's pack: summary, exceptions, priorities, scorecard, appendix",
            epilog='example:\n  cyplan report board-pack --board childrens-executive-board --period "Q3 2024/25" --format pdf --output ceb-q3.pdf',
            **sub,
        )
        pack.add_argument("--board", required=True, metavar="NAME", help="the board's key or name")
        self._common(pack)
        scrutiny = actions.add_parser(
            "scrutiny",
            help="a plan's actions with their latest progress, one row each, for a committee",
            epilog="example:\n  cyplan report scrutiny --plan bromley-cef-portfolio-2024-2025 --format docx --output scrutiny.docx",
            **sub,
        )
        scrutiny.add_argument("--plan", required=True, metavar="SLUG")
        self._common(scrutiny)
        add_you_said_we_did(actions, sub)

    def _common(self, parser):
        parser.add_argument(
            "--period",
            metavar="PERIOD",
            help="a reporting period as the site shows it ('Q3 2024/25', 'H1 2024/25', '2024/25', "
            "'October 2024') or its key ('2024-25-Q3'); default: the current one",
        )
        parser.add_argument("--format", choices=render.FORMATS, default="pdf")
        parser.add_argument(
            "--output", metavar="FILE", help="where to write it (default: standard output)"
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="the public version: approved updates only, small numbers suppressed",
        )

    def handle(self, *args, action, **options):
        if action == "you-said-we-did":
            return run_you_said_we_did(self, **options)
        progress = Progress(sys.stderr, 3)
        try:
            progress.step("Gathering the plan, its updates and its figures")
            if action == "board-pack":
                pack = content.board_pack(
                    options["board"], options["period"], public=options["public"]
                )
                progress.step(
                    f"Drawing the charts and writing the {options['format'].upper()} file"
                )
                data = render.render_pack(pack, options["format"])
            else:
                plan = Plan.objects.filter(slug=options["plan"]).first()
                if plan is None:
                    slugs = (
                        ", ".join(Plan.objects.values_list("slug", flat=True))
                        or "none: import one first"
                    )
                    raise CommandError(f"No plan {options['plan']!r}. Plans: {slugs}")
                period, actions = content.scrutiny_rows(
                    plan, options["period"], public=options["public"]
                )
                progress.step(f"Writing the {options['format'].upper()} file")
                data = render.render_scrutiny(
                    plan, period, actions, options["format"], public=options["public"]
                )
        except content.ReportError as error:
            raise CommandError(str(error)) from None
        output = options["output"]
        if output:
            Path(output).write_bytes(data)
            progress.step(f"Wrote {output} ({len(data):,} bytes)")
        else:
            progress.step("Done")
            sys.stdout.buffer.write(data)
