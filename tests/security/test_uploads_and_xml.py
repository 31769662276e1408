"""Uploads and parsers under attack: evidence files of the wrong type or size, XML entity
bombs and external entities inside Excel workbooks, and YAML alias bombs.

(The CIN census and SSDA903 XML readers' own bomb and external-entity tests are in
tests/analytics_returns/test_xml_safety.py.)
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from cyplan.delivery.services import MAX_EVIDENCE_BYTES
from cyplan.ops.archive import table_counts
from cyplan.plans.plan_file import check_plan_text
from tests.security.world import build_world, signed_in, state

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
URL = "/plans/test-plan/p1-c1-a/update/"
FORM = {"period": "2024-25-Q3", "status": "on_track", "narrative": "Done.", "submit": "1"}


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("run.exe", b"MZ\x90\x00rest", "The file must be one of"),
        ("page.html", b"<html><script>alert(1)</script>", "The file must be one of"),
        ("image.svg", b"<svg onload=alert(1)>", "The file must be one of"),
        ("no-extension", b"%PDF-1.4", "The file must be one of"),
        ("report.pdf", b"MZ\x90\x00 an executable named .pdf", "not a real PDF file"),
        ("report.pdf.exe", b"%PDF-1.4", "The file must be one of"),
        ("photo.png", b"%PDF-1.4 not a png", "not a real PNG file"),
        ("notes.txt", b"\x00\x01\x02\x03 binary", "not a text file"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_EVIDENCE_BYTES, "smaller than 10 MB"),
    ],
    ids=[
        "exe",
        "html",
        "svg",
        "no-ext",
        "fake-pdf",
        "double-ext",
        "fake-png",
        "binary-txt",
        "empty",
        "10MB+9",
    ],  # fmt: skip
)
def test_bad_evidence_is_refused_and_nothing_is_saved(world, name, body, message):
    """The update form refuses the file with a message by the file field; neither the update
    nor the file is saved."""
    client = signed_in(world["lead"])  # signing in writes a login record: before counting
    before = state()
    files_before = sorted(Path(world_media()).rglob("*"))
    response = client.post(URL, {**FORM, "evidence_file": SimpleUploadedFile(name, body)})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'href="#id_evidence_file"' in page
    assert state() == before
    assert sorted(Path(world_media()).rglob("*")) == files_before


def world_media():
    from django.conf import settings

    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    return settings.MEDIA_ROOT


def test_evidence_is_downloaded_never_rendered(world):
    """An evidence file comes back as an attachment with nosniff, so a browser never runs it."""
    evidence = world["update"].files.get()
    response = signed_in(world["manager"]).get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"


BOMB = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""
EXTERNAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""


def _with_sheets(source: Path, target: Path, xml: bytes) -> Path:
    """The workbook with every worksheet's XML replaced by ``xml``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            sheet = info.filename.startswith("xl/worksheets/sheet")
            zout.writestr(info, xml if sheet else data)
    return target


def _plan_workbook(tmp_path) -> Path:
    path = tmp_path / "plan.xlsx"
    call_command("plan", "export", "test-plan", "--format", "xlsx", "--output", str(path),
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    return path


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_plan_workbook_with_hostile_xml_is_refused(world, tmp_path, xml):
    """``cyplan plan import`` of a workbook with an entity bomb or an external entity: a clear
    refusal within seconds, nothing written, /etc/passwd never read into the plan."""
    hostile = _with_sheets(_plan_workbook(tmp_path), tmp_path / "hostile.xlsx", xml)
    before = table_counts()
    started = time.monotonic()
    with pytest.raises(CommandError) as refused:
        call_command("plan", "import", str(hostile), stdout=io.StringIO(), stderr=io.StringIO())
    assert time.monotonic() - started < 10
    assert "root:" not in str(refused.value)
    assert table_counts() == before


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_annex_a_workbook_with_hostile_xml_is_refused(tmp_path, settings, monkeypatch, xml):
    """``cyplan returns load annex-a`` of such a workbook: refused, no store written."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("CYPLAN_PSEUDONYMISATION_KEY", "ab" * 32)
    sample = SHARED / "formats" / "annex-a" / "Annex_A_sample.xlsx"
    hostile = _with_sheets(sample, tmp_path / "annex.xlsx", xml)
    started = time.monotonic()
    with pytest.raises(CommandError):
        call_command("returns", "load", "annex-a", str(hostile), "--la", "E09000006",
                     "--year", "2024", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert time.monotonic() - started < 10
    assert not (tmp_path / "analytics.duckdb").exists()


def test_yaml_alias_bomb_is_refused_at_once():
    """Nested YAML aliases (9 levels of 9: 387 million strings) are refused, not expanded."""
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = "format: cyplan-plan/1\nextra:\n" + "".join(f"  {line}\n" for line in levels)
    started = time.monotonic()
    result = check_plan_text(text, "bomb.yaml")
    assert time.monotonic() - started < 2
    assert [p.line for p in result.problems] == [4]  # the first alias, on a1's line
    assert "alias" in result.problems[0].message


def test_yaml_python_tags_never_run(tmp_path):
    """YAML tags that would run code under an unsafe loader: never run, and the file is
    refused (a tag on a value is a problem; the plan checks refuse the rest)."""
    marker = tmp_path / "ran"
    for text in (
        f"format: !!python/object/apply:os.system ['touch {marker}']\n",
        f"format: !!python/object/apply:os.system\n  args: ['touch {marker}']\n",
        "format: !!python/name:os.system\n",
    ):
        assert check_plan_text(text, "x.yaml").problems
    assert not marker.exists()
