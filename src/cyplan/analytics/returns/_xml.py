"""Safe, streaming XML: defusedxml refuses DTDs, entities and external references, and
records are handed over one at a time and then freed, so a national file is never held in
memory as a whole tree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .problems import WHOLE_DOCUMENT, Problem

DOCUMENT_FIELD = "(document)"


class XmlRefused(Exception):
    """The document is unsafe or malformed; ``problem`` says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def local(tag: str) -> str:
    """The tag without any namespace, lower-cased: elements are matched case-insensitively."""
    return tag.rsplit("}", 1)[-1].lower()


def stream(
    path: Path, display: str, record: str, extra: frozenset[str] = frozenset()
) -> Iterator[tuple[str, ET.Element, str]]:
    """Yield ``(tag, element, path)`` for each ``record`` element (and each ``extra`` one).

    Record paths carry a 1-based index: ``/Message/Children/Child[3]``. Once the caller has
    moved on, the element is removed from the tree.
    """
    stack: list[ET.Element] = []
    names: list[str] = []
    counts: list[dict[str, int]] = [{}]
    wanted = {record, *extra}
    try:
        for event, element in iterparse(
            str(path), events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            tag = local(element.tag)
            if event == "start":
                seen = counts[-1]
                seen[tag] = seen.get(tag, 0) + 1
                name = element.tag.rsplit("}", 1)[-1]
                names.append(f"{name}[{seen[tag]}]" if tag == record else name)
                stack.append(element)
                counts.append({})
                continue
            where = "/" + "/".join(names)
            if tag in wanted:
                yield tag, element, where
                if len(stack) > 1:
                    stack[-2].remove(element)
                element.clear()
            stack.pop()
            names.pop()
            counts.pop()
    except DefusedXmlException as error:
        raise XmlRefused(_unsafe(display, error)) from None
    except ET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        text = f"the XML is malformed at line {line}, column {column}: {error}"
        problem = Problem(display, WHOLE_DOCUMENT, DOCUMENT_FIELD, "malformed_xml", text)
        raise XmlRefused(problem) from None


def _unsafe(display: str, error: Exception) -> Problem:
    text = (
        f"refused: the document contains a DTD, an entity declaration or an external "
        f"reference ({type(error).__name__}). These can expand into huge amounts of data "
        f"('billion laughs') or read other files (XXE), so they are never processed. "
        f"Export the return again without a <!DOCTYPE> section."
    )
    return Problem(display, WHOLE_DOCUMENT, DOCUMENT_FIELD, "unsafe_xml", text)


def text_of(element: ET.Element | None) -> str | None:
    """The stripped text of an element; None if absent or empty."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def children_by_tag(element: ET.Element) -> dict[str, list[ET.Element]]:
    """Child elements grouped by their (lower-case, namespace-free) tag, in order."""
    grouped: dict[str, list[ET.Element]] = {}
    for child in element:
        grouped.setdefault(local(child.tag), []).append(child)
    return grouped


class Collector:
    """Rows of one output table gathered from XML, kept as compact Arrow chunks.

    Each row remembers its record path (for problem locations) and its child's path.
    """

    CHUNK = 65536

    def __init__(self, columns: tuple[str, ...]):
        self.columns = columns
        self._pending: dict[str, list[str | None]] = {c: [] for c in columns}
        self._chunks: dict[str, list[pa.Array]] = {c: [] for c in columns}
        self.paths: list[str] = []
        self.child_paths: list[str] = []

    def __len__(self) -> int:
        return len(self.paths)

    def add(self, values: dict[str, str | None], path: str, child_path: str) -> None:
        for column in self.columns:
            self._pending[column].append(values.get(column))
        self.paths.append(path)
        self.child_paths.append(child_path)
        if len(self._pending[self.columns[0]]) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        for column in self.columns:
            self._chunks[column].append(pa.array(self._pending[column], pa.string()))
            self._pending[column] = []

    def arrays(self) -> dict[str, pa.ChunkedArray]:
        self._flush()
        return {c: pa.chunked_array(self._chunks[c], pa.string()) for c in self.columns}
