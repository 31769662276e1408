"""Hostile XML is refused with a clear problem, never expanded or followed."""

from __future__ import annotations

import time

import pytest

from cyplan.analytics.returns import read_cin_census, read_ssda903

from .conftest import TODAY

LAUGHS = "\n".join(
    [
        '<?xml version="1.0"?>',
        "<!DOCTYPE lolz [",
        ' <!ENTITY lol0 "lol">',
        *(f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)),
        "]>",
    ]
)
CIN_BODY = "<Message><Children><Child><ChildIdentifiers><LAchildID>{}</LAchildID>" + (
    "</ChildIdentifiers></Child></Children></Message>"
)
SSDA903_BODY = "<EXPSSDA903><CHILD><HEADER><CHILDID>{}</CHILDID></HEADER></CHILD></EXPSSDA903>"


def _readers():
    return [
        pytest.param(read_cin_census, CIN_BODY, id="cin"),
        pytest.param(read_ssda903, SSDA903_BODY, id="ssda903"),
    ]


@pytest.mark.parametrize(("reader", "body"), _readers())
def test_a_billion_laughs_entity_bomb_is_refused(tmp_path, pseudonymiser, reader, body):
    """Nested entities are not expanded: the file is refused quickly, with one problem."""
    path = tmp_path / "bomb.xml"
    path.write_text(LAUGHS + body.format("&lol9;"))
    started = time.perf_counter()
    result = reader(path, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    assert time.perf_counter() - started < 5
    assert not result.ok and result.tables == {}
    [problem] = result.problems
    assert (problem.rule, problem.row, problem.file) == ("unsafe_xml", "/", str(path))
    assert "billion laughs" in problem.message and "lol" * 3 not in problem.message


@pytest.mark.parametrize(("reader", "body"), _readers())
def test_an_external_entity_is_never_followed(tmp_path, pseudonymiser, reader, body):
    """An XXE pointing at a local file is refused; the file's content appears nowhere."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.xml"
    doctype = f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    path.write_text(doctype + body.format("&xxe;"))
    result = reader(path, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    assert not result.ok and result.tables == {}
    assert [p.rule for p in result.problems] == ["unsafe_xml"]
    assert "TOP-SECRET" not in repr(result)


@pytest.mark.parametrize(("reader", "body"), _readers())
def test_an_external_dtd_is_refused(tmp_path, pseudonymiser, reader, body):
    """A DOCTYPE naming an external DTD is refused before anything is fetched."""
    path = tmp_path / "dtd.xml"
    path.write_text('<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">\n' + body.format("1"))
    result = reader(path, pseudonymiser=pseudonymiser, today=TODAY)
    assert [p.rule for p in result.problems] == ["unsafe_xml"] and not result.ok


@pytest.mark.parametrize(("reader", "body"), _readers())
def test_malformed_xml_is_a_problem_with_its_line(tmp_path, pseudonymiser, reader, body):
    """A truncated document is refused with the line where parsing stopped."""
    path = tmp_path / "cut.xml"
    text = body.format("1")
    path.write_text(text[: len(text) // 2].replace("><", ">\n<"))
    result = reader(path, pseudonymiser=pseudonymiser, skip_invalid=True, today=TODAY)
    [problem] = result.problems
    assert problem.rule == "malformed_xml" and "line" in problem.message
    assert not result.ok and result.tables == {}
