"""Signed backups (issue 14, finding 9): an edited, unsigned or wrongly signed archive is
refused by ``restore --check`` and ``restore``; archives are 0600 and the data folder 0700.

The attacks are the issue's: an archive edited to unflag a safeguarding item and approve it
with the child's original words, or to make a user a superuser, with the manifest's SHA-256
brought up to date (the checksums alone were inside the archive, so this passed before).
"""

# ruff: noqa: F811 (the instance fixture is imported from test_backup)
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cyplan.ops import archive
from cyplan.plans.models import Plan
from cyplan.voice import services as voice
from cyplan.voice.models import Feedback
from tests.ops.test_backup import instance, wipe  # noqa: F401 - the fixture
from tests.voice.helpers import details

pytestmark = pytest.mark.django_db(transaction=True)
WORDS = "CHILD-ORIGINAL-WORDS my uncle hits me"
KEY = "a-backup-key-for-the-tests-0123456789abcdef"


@pytest.fixture
def flagged(instance):
    """The populated instance plus a feedback item flagged for safeguarding."""
    manager = get_user_model().objects.get(username="manager")
    item = voice.record_feedback(manager, details(original_text=WORDS, published_text=""))
    # "hits me" makes it urgent, for triage; the safeguarding lead who reads it flags it.
    from django.contrib.auth.models import Group

    from cyplan.voice import conf

    lead = get_user_model().objects.create_user("sg-lead-backup", password="x" * 20)
    lead.groups.add(Group.objects.get_or_create(name=conf.safeguarding_group())[0])
    voice.flag_for_safeguarding(lead, item, "A child says an adult hits them")
    assert Feedback.objects.get(pk=item.pk).safeguarding
    return item


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info.filename) for info in zf.infolist()}


def _write(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _edit_rows(members, name, change) -> None:
    """Change the rows of one table and bring the manifest's checksum up to date, as an
    attacker without the key can."""
    rows = json.loads(members[name])
    for row in rows:
        change(row["fields"])
    members[name] = json.dumps(rows).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["checksums"][name] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()


def _unflag(fields):
    fields.update(safeguarding=False, state="approved", published_text=fields["original_text"])


def _superuser(fields):
    if fields["username"] == "lead":
        fields.update(is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    ("table", "change"),
    [("db/voice.feedback.json", _unflag), ("db/auth.user.json", _superuser)],
    ids=["unflag-and-publish-the-child's-words", "make-a-lead-superuser"],
)
def test_an_edited_archive_is_refused(flagged, settings, table, change):
    target = settings.DATA_DIR.parent / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    members = _members(target)
    _edit_rows(members, table, change)
    edited = settings.DATA_DIR.parent / "edited.zip"
    _write(edited, members)

    with pytest.raises(CommandError, match="signature does not match"):
        call_command("restore", "--check", str(edited), stdout=io.StringIO())
    wipe(settings.DATA_DIR.parent, settings)
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("restore", str(edited), stdout=io.StringIO())
    assert Plan.objects.count() == 0 and Feedback.objects.count() == 0
    assert not get_user_model().objects.exists()
    # The control: the archive as made restores, the item still flagged and unpublished.
    call_command("restore", str(target), stdout=io.StringIO())
    item = Feedback.objects.get(pk=flagged.pk)
    assert item.safeguarding and item.state != "approved" and item.published_text == ""
    assert not get_user_model().objects.get(username="lead").is_superuser


def test_an_edit_signed_with_another_key_is_refused(flagged, settings, monkeypatch):
    """An attacker who signs the edited manifest with a key of their own is refused too."""
    monkeypatch.setenv("CYPLAN_BACKUP_KEY", KEY)
    target = settings.DATA_DIR.parent / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO())
    members = _members(target)
    _edit_rows(members, "db/voice.feedback.json", _unflag)
    members["manifest.sig"] = archive.signature_document(
        members["manifest.json"], b"the-attacker's-own-key-0123456789"
    )
    edited = settings.DATA_DIR.parent / "edited.zip"
    _write(edited, members)
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("restore", "--check", str(edited), stdout=io.StringIO())


def test_an_unsigned_archive_is_refused(instance, settings):
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    members = _members(target)
    del members["manifest.sig"]
    unsigned = instance / "unsigned.zip"
    _write(unsigned, members)
    with pytest.raises(CommandError, match="not signed"):
        call_command("restore", "--check", str(unsigned), stdout=io.StringIO())
    wipe(instance, settings)
    with pytest.raises(CommandError, match="not signed"):
        call_command("restore", str(unsigned), stdout=io.StringIO())
    assert Plan.objects.count() == 0


def test_an_archive_from_before_signing_is_refused_with_a_reason(instance, settings):
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    members = _members(target)
    del members["manifest.sig"]
    members["manifest.json"] = members["manifest.json"].replace(
        b"cyplan-backup/2", b"cyplan-backup/1"
    )
    old = instance / "old.zip"
    _write(old, members)
    with pytest.raises(CommandError, match="before backups were signed"):
        call_command("restore", "--check", str(old), stdout=io.StringIO())


def test_the_key_comes_from_the_environment_and_is_not_in_the_archive(
    instance,
    settings,
    monkeypatch,
):
    """Made with CYPLAN_BACKUP_KEY: restores with the same key, refused with another or
    with none (the development key), and the key's bytes are nowhere in the archive."""
    monkeypatch.setenv("CYPLAN_BACKUP_KEY", KEY)
    target = instance / "backup.zip"
    out = io.StringIO()
    call_command("backup", str(target), stdout=out)
    assert "signed with CYPLAN_BACKUP_KEY" in out.getvalue()
    raw = target.read_bytes()
    assert KEY.encode() not in raw
    for data in _members(target).values():
        assert KEY.encode() not in data
    signature = json.loads(_members(target)["manifest.sig"])
    assert signature["algorithm"] == "HMAC-SHA256"
    # The HMAC, worked out here with the standard library, of the manifest's bytes.
    import hmac

    expected = hmac.new(KEY.encode(), _members(target)["manifest.json"], "sha256").hexdigest()
    assert signature["hmac"] == expected

    monkeypatch.setenv("CYPLAN_BACKUP_KEY", KEY + "-other")
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("restore", "--check", str(target), stdout=io.StringIO())
    monkeypatch.delenv("CYPLAN_BACKUP_KEY")
    with pytest.raises(CommandError, match="development key"):
        call_command("restore", "--check", str(target), stdout=io.StringIO())
    monkeypatch.setenv("CYPLAN_BACKUP_KEY", KEY)
    wipe(instance, settings)
    call_command("restore", str(target), stdout=io.StringIO())
    assert Plan.objects.count() == 2


def test_production_needs_the_key(instance, settings, monkeypatch):
    monkeypatch.delenv("CYPLAN_BACKUP_KEY", raising=False)
    settings.PRODUCTION = True
    target = instance / "backup.zip"
    with pytest.raises(CommandError, match="CYPLAN_BACKUP_KEY is not set"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert not target.exists()
    monkeypatch.setenv("CYPLAN_BACKUP_KEY", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("backup", str(target), stdout=io.StringIO())


def test_development_key_is_said_out_loud(instance, monkeypatch):
    monkeypatch.delenv("CYPLAN_BACKUP_KEY", raising=False)
    err = io.StringIO()
    call_command("backup", str(instance / "b.zip"), stdout=io.StringIO(), stderr=err)
    assert "CYPLAN_BACKUP_KEY is not set" in err.getvalue()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_archive_is_0600_and_folders_0700(instance, settings):
    """Even over an existing 0644 file, under a permissive umask, and with the data and
    evidence folders made 0755 by someone else."""
    os.chmod(settings.DATA_DIR, 0o755)
    os.chmod(settings.MEDIA_ROOT, 0o755)
    folder = instance / "new" / "backups"
    target = folder / "backup.zip"
    folder.mkdir(parents=True)
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    old_umask = os.umask(0o022)
    try:
        call_command("backup", str(target), stdout=io.StringIO(), stderr=io.StringIO())
        call_command("backup", str(instance / "fresh" / "b.zip"), stdout=io.StringIO(),
                     stderr=io.StringIO())  # fmt: skip
    finally:
        os.umask(old_umask)
    assert _mode(target) == 0o600
    assert _mode(instance / "fresh" / "b.zip") == 0o600
    assert _mode(instance / "fresh") == 0o700  # a folder the backup made
    assert _mode(settings.DATA_DIR) == 0o700
    assert _mode(settings.MEDIA_ROOT) == 0o700


def test_restore_makes_the_data_folder_0700(instance, settings):
    target = instance / "backup.zip"
    call_command("backup", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    wipe(instance, settings)
    os.chmod(settings.DATA_DIR, 0o755)
    call_command("restore", str(target), stdout=io.StringIO())
    assert _mode(settings.DATA_DIR) == 0o700
    assert _mode(settings.MEDIA_ROOT) == 0o700
