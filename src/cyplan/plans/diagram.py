"""The governance structure drawn as a diagram (SVG made on the server, no script).

Boards are drawn as an indented tree, as an organisation chart is on a narrow page: each
board a box, the boards that report to it below it, indented, joined to it by a line. The
drawing is a fixed ``viewBox`` that scales to the width of the screen; its text
alternative is the nested list the page shows beside it (same tree, same order).
"""

from __future__ import annotations

import textwrap
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
INDENT = 24
PAD = 8
LINE = 17  # text line height, for a 14px font
CHARS_PER_PX = 1 / 7.4  # a conservative width of an average character at 14px
GAP = 10


def _rows(tree: list[dict], depth: int = 0, parent: int | None = None):
    for item in tree:
        yield item, depth, parent
        yield from _rows(item["children"], depth + 1, id(item))


def governance_svg(tree: list[dict], *, title: str, owner_id: int | None = None) -> SafeString:
    """An SVG of ``tree`` (``[{"board": Board, "children": [...]}, ...]``)."""
    shapes, y = [], GAP
    boxes: dict[int, tuple[float, float, float]] = {}  # id(item) -> (x, top, bottom)
    for item, depth, parent in _rows(tree):
        board = item["board"]
        x = PAD + depth * INDENT
        width = WIDTH - x - PAD
        per_line = max(12, int((width - 2 * PAD) * CHARS_PER_PX))
        label = board.name + (" (owns this plan)" if board.id == owner_id else "")
        lines = textwrap.wrap(label, per_line)[:3] or [""]
        kind = board.get_kind_display().capitalize()
        height = (len(lines) + 1) * LINE + 2 * PAD - 4
        owner = board.id == owner_id
        shapes.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="3" '
            f'fill="{"#f3f2f1" if not owner else "#d2e2f1"}" stroke="#0b0c0c" '
            f'stroke-width="{3 if owner else 1}"/>'
        )
        for n, line in enumerate(lines):
            shapes.append(
                f'<text x="{x + PAD}" y="{y + PAD + LINE * (n + 1) - 4}" font-weight="700">'
                f"{escape(line)}</text>"
            )
        shapes.append(
            f'<text x="{x + PAD}" y="{y + PAD + LINE * (len(lines) + 1) - 4}" '
            f'fill="#505a5f">{escape(kind)}</text>'
        )
        if parent is not None:
            px, _, pbottom = boxes[parent]
            mid = y + height / 2
            shapes.append(
                f'<path d="M{px + INDENT / 2} {pbottom} V{mid} H{x}" fill="none" '
                f'stroke="#0b0c0c" stroke-width="1.5"/>'
            )
        boxes[id(item)] = (x, y, y + height)
        # Later siblings' connectors start from the parent's bottom: run them behind boxes.
        y += height + GAP
    connectors = [s for s in shapes if s.startswith("<path")]
    others = [s for s in shapes if not s.startswith("<path")]
    body = "".join(connectors + others)
    return mark_safe(
        f'<svg class="cyplan-diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y}" '
        f'width="{WIDTH}" height="{y}" role="img" aria-labelledby="governance-diagram-title '
        f'governance-diagram-desc" font-family="Arial, sans-serif" font-size="14" fill="#0b0c0c">'
        f'<title id="governance-diagram-title">{escape(title)}</title>'
        f'<desc id="governance-diagram-desc">Each board, with the boards and forums that report '
        f"to it below it and joined to it. The same structure is listed after the diagram.</desc>"
        f"{body}</svg>"
    )
