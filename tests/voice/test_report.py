"""The annual report: its counts worked by hand, disclosure control, HTML and PDF."""

import re
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cyplan.voice import services
from cyplan.voice.report import build_report

from .helpers import details, manager, node, promise, published_item, response, voice_plan

pytestmark = pytest.mark.django_db

# 14 published items said in 2024:
#   channels: forum 6, survey 3, public form 5                          -> total 6 + 3 + 5 = 14
#   latest status: done 8, agreed 5, not possible 1                     -> 8 + 5 + 1 = 14
#   priority 1 (via action p1-c1-a, or p1 itself): items 0-9 and 12     -> 11
#   priority 2 (via commitment p2-c1): items 10, 11 and 12              -> 3
#   not linked to a priority: item 13                                   -> 1
#   promise 1: items 0-5                                                -> 6
CHANNELS = ["forum"] * 6 + ["survey"] * 3 + ["public_form"] * 5
STATUSES = ["done"] * 8 + ["agreed"] * 5 + ["not_possible"]


@pytest.fixture
def year_of_items():
    plan = voice_plan()
    staff = manager()
    for index, (channel, status) in enumerate(zip(CHANNELS, STATUSES, strict=True)):
        if index <= 9:
            nodes = [node("p1-c1-a")]
        elif index <= 11:
            nodes = [node("p2-c1")]
        elif index == 12:
            nodes = [node("p1"), node("p2-c1")]
        else:
            nodes = []
        item = published_item(
            staff,
            channel=channel,
            published_text=f"Item {index} words",
            nodes=nodes,
            promises=[promise("promise-1")] if index <= 5 else [],
        )
        if index == 0:  # agreed first, then done: the latest counts
            response(staff, item, status="agreed", on=date(2024, 6, 1))
        response(
            staff,
            item,
            status=status,
            on=date(2024, 7, 1),
            reason="No budget" if status == "not_possible" else "",
        )
        if index == 1:  # a later draft response is not public and does not count
            response(
                staff, item, status="not_possible", on=date(2024, 8, 1), approve=False, reason="x"
            )
    # None of these count: another year, waiting for moderation, flagged.
    published_item(staff, said_on=date(2023, 12, 31), published_text="Last year")
    services.record_feedback(staff, details(published_text="Waiting"))
    flagged = published_item(staff, published_text="Flagged")
    services.flag_for_safeguarding(staff, flagged, "worried")
    return plan


def shown(rows):
    return {row.label: row.shown for row in rows}


def test_counts_by_channel_with_secondary_suppression(year_of_items):
    """Survey 3 is c; then the smallest other non-zero count (public form 5) is c too, so the
    survey cannot be worked out as 14 - 6; forum 6, zeros and the total 14 are shown."""
    report = build_report(year_of_items, 2024)
    assert report.total == 14
    assert shown(report.by_channel) == {
        "A forum or group": 6,
        "A survey": "c",
        "The 'Have your say' form": "c",
        "A practitioner": 0,
        "An event": 0,
        "Other": 0,
    }


def test_counts_by_latest_status(year_of_items):
    """Not possible 1 is c, and agreed 5 (smaller than done 8) is c with it; done 8 is shown."""
    report = build_report(year_of_items, 2024)
    assert shown(report.by_status) == {
        "Considering": 0,
        "Agreed": "c",
        "Done": 8,
        "Not possible": "c",
        "No response yet": 0,
    }


def test_grouping_by_priority_and_promise(year_of_items):
    """Priority 1 holds 11 items, priority 2 holds 3 (shown c), 1 is unlinked (c), promise 1 has 6."""
    report = build_report(year_of_items, 2024)
    assert [(s.title, len(s.items), s.count) for s in report.priorities] == [
        ("Priority 1: Early help", 11, 11),
        ("Priority 2: Voice", 3, "c"),
    ]
    assert (len(report.unlinked.items), report.unlinked.count) == (1, "c")
    assert [(s.title, s.count) for s in report.promises] == [
        ("You will be able to influence how we support you", 6),
        ("We will involve your support network", 0),
    ]


def test_pdf_has_the_headings_and_counts(year_of_items, tmp_path):
    """The PDF, read back with pdftotext, has the title, the sections and the suppressed counts."""
    out = tmp_path / "ysdw.pdf"
    call_command(
        "report",
        "you-said-we-did",
        "--plan",
        "test-plan",
        "--year",
        "2024",
        "--format",
        "pdf",
        "--output",
        str(out),
        stdout=open("/dev/null", "w"),
    )
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for heading in ["You said, we did 2024", "In numbers", "By priority", "By promise"]:
        assert heading in text, heading
    assert re.search(r"A forum or group\s+6\b", text)
    assert re.search(r"A survey\s+c\b", text)
    assert re.search(r"Done\s+8\b", text)
    assert re.search(r"Not possible\s+c\b", text)
    assert re.search(r"Total\s+14\b", text)
    assert "Priority 1: Early help (11)" in text and "Priority 2: Voice (c)" in text
    assert "Last year" not in text and "Waiting" not in text and "Flagged" not in text


def test_html_report_goes_to_a_file(year_of_items, tmp_path):
    """--format html writes the same report as HTML."""
    out = tmp_path / "ysdw.html"
    call_command(
        "report",
        "you-said-we-did",
        "--plan=test-plan",
        "--year=2024",
        f"--output={out}",
        stdout=open("/dev/null", "w"),
    )
    html = out.read_text()
    assert "<h1>You said, we did 2024</h1>" in html and "Item 0 words" in html


def test_bad_arguments_are_all_reported_and_nothing_is_written(tmp_path):
    """An unknown plan, a silly year and a PDF without --output are each named; no file appears."""
    voice_plan()
    with pytest.raises(CommandError) as error:
        call_command("report", "you-said-we-did", "--plan=nope", "--year=12", "--format=pdf")
    message = str(error.value)
    assert "--plan: no plan with slug 'nope' (plans: test-plan)" in message
    assert "--year: 12 is not a year" in message
    assert "--output: a PDF needs a file" in message
    assert list(tmp_path.iterdir()) == []


def test_report_help_has_an_example():
    """`cyplan report --help` shows an example."""
    import sys
    from pathlib import Path

    done = subprocess.run(
        [str(Path(sys.executable).parent / "cyplan"), "report", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "cyplan report you-said-we-did --plan" in done.stdout
