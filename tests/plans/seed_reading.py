"""An independent reading of the seed documents, for checking the built-in plans against them.

This code reads the seed text directly (not the YAML), so a transcription mistake in the
built-in plan shows up as a difference.
"""

from __future__ import annotations

import re

from tests.conftest import CYPP_SEED, normalise


def cypp_lines() -> list[str]:
    return CYPP_SEED.read_text(encoding="utf-8").splitlines()


def strategy_ticks() -> list[tuple[str, list[int]]]:
    """The 'Delivering this Plan' table: each strategy with the numbers of the priorities ticked."""
    rows = []
    for line in cypp_lines():
        if "<input" not in line:
            continue
        cells = line.split("\t")
        ticks = [number for number, cell in enumerate(cells[1:], start=1) if "checked" in cell]
        rows.append((cells[0].strip(), ticks))
    return rows


def ceb_partners() -> list[str]:
    lines = cypp_lines()
    start = next(
        i for i, line in enumerate(lines) if "partnership of the following organisations" in line
    )
    partners = []
    for line in lines[start + 1 :]:
        if line.startswith("- "):
            partners.append(line[2:].strip())
        elif partners and line.strip():
            break
    return partners


def promises() -> list[tuple[int, str]]:
    found = []
    for line in cypp_lines():
        match = re.match(r"^- Promise (\d) - (.+)$", line.strip())
        if match:
            found.append((int(match[1]), match[2].strip()))
    return found


def next_steps() -> dict[int, list[str]]:
    """Each priority's 'What are we going to do next?' items, in order.

    Bulleted lines are items; unbulleted paragraphs are items too (Priorities 3 and 4 use
    paragraphs), except a lead-in that ends with a colon.
    """
    lines = cypp_lines()
    items: dict[int, list[str]] = {}
    priority = None
    collecting = False
    for line in lines:
        text = line.strip()
        heading = re.fullmatch(r"Priority (\d)", text)
        if heading:
            priority = int(heading[1])
            collecting = False
            continue
        if text == "Delivering this Plan" and collecting:
            break
        if text == "What are we going to do next?":
            collecting = True
            items[priority] = []
            continue
        if collecting and text:
            text = re.sub(r"^-\s+", "", text)
            if not text.endswith(":"):
                items[priority].append(normalise(text))
    return items


def priority_titles() -> dict[int, str]:
    lines = [line.strip() for line in cypp_lines()]
    titles = {}
    for i, text in enumerate(lines):
        heading = re.fullmatch(r"Priority (\d)", text)
        if heading and int(heading[1]) not in titles:
            following = [t for t in lines[i + 1 : i + 6] if t]
            titles[int(heading[1])] = following[0]
    return titles
