"""``cyplan backup`` and ``cyplan restore``: a populated instance comes back identical."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pytest
from django.core.management import CommandError, call_command

from cyplan.core.models import AuditEntry
from cyplan.delivery.models import ProgressUpdate
from cyplan.ops import archive
from cyplan.plans.models import Plan
from tests.ops.instance import fingerprint, populate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def instance(tmp_path, settings):
    """A populated instance with its media folder and analytical store in a temp folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    populate()
    con = duckdb.connect(str(settings.DATA_DIR / "analytics.duckdb"))
    con.execute("create table ssda903_header (LA varchar, child varchar, year integer)")
    con.execute(
        "insert into ssda903_header values ('E06000099', 'p-1', 2024), ('E06000099', 'p-2', 2024)"
    )
    con.close()
    return tmp_path


def wipe(tmp_path, settings):
    """An empty, migrated instance: flush the database, remove the files."""
    import shutil

    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    (settings.DATA_DIR / "analytics.duckdb").unlink()


def test_round_trip_gives_identical_exports(instance, settings):
    """Backup, empty the instance, restore: every plan export, update, evidence file, value,
    target, audit entry (with its id) and user is as it was, and the store has its rows."""
    before = fingerprint()
    # 2 plans; 2 updates; 1 evidence file; 1 value; 1 target.
    assert len(before["plans"]) == 2 and len(before["updates"]) == 2
    assert len(before["evidence"]) == 1 and len(before["values"]) == 1
    # Audit: 2 saves + 1 evidence + 1 approval + 1 return + value entered + corrected
    # + target = at least 8 entries (the importer adds its own for the 2 plans).
    assert len(before["audit"]) >= 8
    target = instance / "backup.zip"
    out = io.StringIO()
    call_command("backup", str(target), stdout=out)
    assert "1 evidence files" in out.getvalue()
    wipe(instance, settings)
    assert Plan.objects.count() == 0 and AuditEntry.objects.count() == 0

    call_command("restore", str(target), stdout=io.StringIO())

    assert fingerprint() == before
    con = duckdb.connect(str(settings.DATA_DIR / "analytics.duckdb"), read_only=True)
    assert con.execute("select count(*) from ssda903_header").fetchone()[0] == 2
    con.close()


def test_new_rows_after_restore_get_fresh_ids(instance, settings):
    """The id sequences are reset: a new audit entry after a restore takes the next id."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    highest = AuditEntry.objects.order_by("-pk").first().pk
    wipe(instance, settings)
    call_command("restore", str(target), stdout=io.StringIO())
    from cyplan.core.audit import record

    entry = record(None, "test", Plan.objects.first())
    assert entry.pk > highest


def test_manifest_counts_and_checksums(instance):
    """The manifest names the format, version and migrations, counts rows and hashes members."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert manifest["format"] == "cyplan-backup/2"
    assert manifest["cyplan_version"] == "0.1.0"
    from pathlib import Path

    import cyplan.outcomes

    on_disk = Path(cyplan.outcomes.__file__).parent / "migrations"
    assert manifest["migrations"]["outcomes"] == sorted(p.stem for p in on_disk.glob("0*.py"))
    assert manifest["migrations"]["outcomes"][:2] == ["0001_initial", "0002_indicator_target"]
    assert manifest["counts"]["delivery.progressupdate"] == 2
    assert manifest["counts"]["plans.plan"] == 2
    assert "sessions.session" not in manifest["counts"]
    assert set(manifest["checksums"]) == names - {"manifest.json", "manifest.sig"}
    assert "analytics/analytics.duckdb" in names
    assert any(name.startswith("media/evidence") or name.startswith("media/") for name in names)


def test_restore_refuses_a_database_with_data(instance):
    """Without --force, restoring over data is refused and nothing changes."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    ProgressUpdate.objects.filter(period="2024-25-Q3").update(narrative="changed since")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(target))
    assert ProgressUpdate.objects.get(period="2024-25-Q3").narrative == "changed since"


def test_force_replaces_the_data(instance):
    """With --force the data goes back to the archive's."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    before = fingerprint()
    ProgressUpdate.objects.filter(period="2024-25-Q3").update(narrative="changed since")
    from cyplan.core.audit import record

    record(None, "after the backup", Plan.objects.first())
    call_command("restore", "--force", str(target), stdout=io.StringIO())
    assert fingerprint() == before


def _rewrite(source, target, change):
    """Change members; a changed manifest is signed again with this instance's key (an
    archive made by another version or at another migration state, not an edited one)."""
    with zipfile.ZipFile(source) as zin:
        members = {info.filename: zin.read(info.filename) for info in zin.infolist()}
    changed = {name: change(name, data) for name, data in members.items()}
    if changed["manifest.json"] != members["manifest.json"]:
        key, _ = archive.signing_key()
        changed["manifest.sig"] = archive.signature_document(changed["manifest.json"], key)
    with zipfile.ZipFile(target, "w") as zout:
        for name, data in changed.items():
            if data is not None:
                zout.writestr(name, data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda name, data: (
                data.replace(b"Six courses", b"Ten courses")
                if name == "db/delivery.progressupdate.json"
                else data
            ),
            "checksum does not match",
        ),
        (lambda name, data: None if name.startswith("media/") else data, "missing from"),
        (
            lambda name, data: (
                data.replace(b"cyplan-backup/2", b"cyplan-backup/9")
                if name == "manifest.json"
                else data
            ),
            "format",
        ),
        (
            lambda name, data: (
                data.replace(b'"0002_indicator_target"', b'"0003_future"')
                if name == "manifest.json"
                else data
            ),
            "different migration state",
        ),
    ],
    ids=["tampered-row", "missing-file", "other-format", "other-migrations"],
)
def test_damaged_archive_is_refused_before_anything_changes(instance, settings, change, message):
    """A damaged or foreign archive is refused with a clear message and the empty instance
    stays empty."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    damaged = instance / "damaged.zip"
    _rewrite(target, damaged, change)
    wipe(instance, settings)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(damaged))
    assert Plan.objects.count() == 0
    assert not (settings.DATA_DIR / "analytics.duckdb").exists()


def test_check_only_reads(instance):
    """``restore --check`` reports on a good archive and changes nothing."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", "--check", str(target), stdout=out)
    assert "a good archive" in out.getvalue() and "1 evidence files" in out.getvalue()


def test_not_a_zip(tmp_path):
    """A file that is not an archive gets a one-line error."""
    bogus = tmp_path / "bogus.zip"
    bogus.write_text("hello")
    with pytest.raises(CommandError, match="not a cyplan backup"):
        call_command("restore", str(bogus))


def test_backed_up_models_cover_every_table():
    """Every model but sessions is in the archive; the audit log comes after users and plans."""
    names = [archive.label(m) for m in archive.backed_up_models()]
    assert "core.auditentry" in names and "sessions.session" not in names
    assert names.index("core.auditentry") > names.index("plans.plan")
    assert names.index("core.auditentry") > names.index("auth.user")


def _rewrite_resigned(source, target, name, change):
    """Change one member and write a manifest whose checksum matches it, signed with the
    key (a consistent but wrong archive, as a buggy version of cyplan might make)."""
    import hashlib

    with zipfile.ZipFile(source) as zin:
        members = {info.filename: zin.read(info.filename) for info in zin.infolist()}
    members[name] = change(members[name])
    manifest = json.loads(members["manifest.json"])
    manifest["checksums"][name] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    key, _ = archive.signing_key()
    members["manifest.sig"] = archive.signature_document(members["manifest.json"], key)
    with zipfile.ZipFile(target, "w") as zout:
        for member, data in members.items():
            zout.writestr(member, data)


def test_a_restore_that_fails_in_the_database_writes_no_files(instance, settings):
    """An update pointing at a node that is not in the archive: the database load fails its
    foreign-key check and rolls back, and no evidence file or store is left behind."""
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    broken = instance / "broken.zip"
    _rewrite_resigned(
        target, broken, "db/delivery.progressupdate.json",
        lambda data: json.dumps(
            [{**row, "fields": {**row["fields"], "node": 999999}} for row in json.loads(data)]
        ).encode(),
    )  # fmt: skip
    wipe(instance, settings)
    with pytest.raises(CommandError, match="could not be loaded.*Nothing was restored"):
        call_command("restore", str(broken), stdout=io.StringIO())
    assert Plan.objects.count() == 0 and AuditEntry.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert not (settings.DATA_DIR / "analytics.duckdb").exists()
    assert list(settings.DATA_DIR.glob("analytics.duckdb*")) == []
