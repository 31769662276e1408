"""``cyplan report you-said-we-did``: its arguments and its run, for the ``report`` command
(``cyplan.reports.management.commands.report``), which holds every report as a sub-action."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from cyplan.plans.models import Plan


def _write(path: str, data: bytes) -> None:
    """Write the whole file or nothing (a temporary file renamed into place)."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def add_you_said_we_did(actions, sub):
    parser = actions.add_parser(
        "you-said-we-did",
        help="the annual 'you said, we did' report of a plan (HTML or PDF)",
        epilog="examples:\n"
        "  cyplan report you-said-we-did --plan bromley-cypp-2021-2024 --year 2024 --output r.html\n"
        "  cyplan report you-said-we-did --plan bromley-cypp-2021-2024 --year 2024 "
        "--format pdf --output r.pdf",
        **sub,
    )
    parser.add_argument("--plan", required=True, metavar="SLUG", help="the plan's slug")
    parser.add_argument(
        "--year", required=True, type=int, metavar="YYYY", help="the calendar year said in"
    )
    parser.add_argument("--format", choices=["html", "pdf"], default="html")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="where to write it (needed for pdf; html: stdout)"
    )


def run_you_said_we_did(command, plan, year, format, output, **options):
    from cyplan.voice.report import build_report, render_html, render_pdf

    problems = []
    found = Plan.objects.filter(slug=plan).first()
    if found is None:
        known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "none"
        problems.append(f"--plan: no plan with slug {plan!r} (plans: {known})")
    if not 1900 <= year <= 2200:
        problems.append(f"--year: {year} is not a year like 2024")
    if format == "pdf" and not output:
        problems.append("--output: a PDF needs a file to write to")
    if output and not Path(output).resolve().parent.is_dir():
        problems.append(f"--output: the folder of {output} does not exist")
    if problems:
        raise CommandError("\n".join(problems))
    report = build_report(found, year)
    html = render_html(report)
    data = render_pdf(html) if format == "pdf" else html.encode("utf-8")
    if output:
        _write(output, data)
        command.stdout.write(
            command.style.SUCCESS(
                f"Wrote the {year} 'you said, we did' report of {found.slug} "
                f"({report.total} published items) to {output}"
            )
        )
    else:
        sys.stdout.write(html)
