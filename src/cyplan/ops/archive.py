"""Backup and restore: one zip archive holding the whole instance.

The archive (``cyplan backup FILE``) holds:

- ``manifest.json``: the archive format, the cyplan version, when it was made, the migration
  state (the latest applied migration of every app), the number of rows of every table and
  the SHA-256 of every other member;
- ``db/<app>.<model>.json``: every row of every model, in Django's JSON serialisation (the
  portable form ``loaddata`` reads), so a backup made on SQLite restores into PostgreSQL and
  back. Sessions are left out (they are throw-away); everything else is in, including the
  append-only audit log, users with their password hashes, and the login-throttling records;
- ``media/...``: the uploaded evidence files (``MEDIA_ROOT``);
- ``analytics/analytics.duckdb``: the analytical store of child-level return data, when there
  is one (``<CYPLAN_DATA_DIR>/analytics.duckdb``). Its rows are pseudonymised; the key is
  *not* in the archive.

The manifest is signed: ``manifest.sig`` holds an HMAC-SHA256 of the manifest's exact bytes,
keyed with ``CYPLAN_BACKUP_KEY`` from the environment (never written into the archive; in
development, when it is not set, a key derived from ``DJANGO_SECRET_KEY``). Since the
manifest holds the SHA-256 of every other member, changing any byte of the archive (a row,
an evidence file, the store, the manifest) without the key is detected. ``read_manifest``
refuses an archive with no signature, or one that does not match, before it trusts anything
in the manifest. Archives are written readable by their owner only (0600).

``restore_archive`` checks the signature, the manifest and every checksum before it writes anything, refuses
a database that holds data (unless ``force``), extracts the files into a staging folder beside
their targets, loads every row in one transaction with the rows' own ids (raw saves, as
``loaddata`` does, so the append-only audit log is loaded as it was), resets the id sequences,
and only then moves the files into place (renames on the same file system). A failure before
the commit leaves the database, the evidence folder and the store as they were.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "cyplan-backup/2"
#: Archives from before signing: refused, since nothing shows they were not edited.
UNSIGNED_FORMATS = {"cyplan-backup/1"}
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNATURE_ALGORITHM = "HMAC-SHA256"
KEY_VARIABLE = "CYPLAN_BACKUP_KEY"
#: Where the development key comes from when CYPLAN_BACKUP_KEY is not set (not production).
DEVELOPMENT_KEY_CONTEXT = b"cyplan backup signing key (development only)"
#: Archives and the folders cyplan makes for its data: the service account's only.
FILE_MODE = 0o600
FOLDER_MODE = 0o700
STORE_MEMBER = "analytics/analytics.duckdb"
#: Tables not backed up: sessions are throw-away.
SKIPPED = {"sessions.session"}
#: Rows a freshly migrated database already has; restore replaces them with the archive's.
#: voice.theme: the default themes, installed by a data migration (voice 0002).
BUILT_IN = {"contenttypes.contenttype", "auth.permission", "voice.theme"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """An archive cannot be made or restored; the message says why and what to do."""


@dataclass
class Summary:
    """What a backup or restore covered."""

    rows: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    store: bool = False

    def __str__(self) -> str:
        total = sum(self.rows.values())
        tables = sum(1 for count in self.rows.values() if count)
        store = "the analytical store" if self.store else "no analytical store"
        return f"{total} rows in {tables} tables, {self.media_files} evidence files, {store}"


def signing_key() -> tuple[bytes, str]:
    """The backup signing key and where it came from.

    ``CYPLAN_BACKUP_KEY`` from the environment (at least 16 characters). Without it, in
    development only, a key derived from ``DJANGO_SECRET_KEY`` (HMAC-SHA256 of a fixed label):
    fine on one machine, but anyone who knows the secret key can sign. In production the
    variable is required.
    """
    value = os.environ.get(KEY_VARIABLE, "")
    if value:
        if len(value) < 16:
            raise BackupError(
                f"{KEY_VARIABLE} is too short: use at least 16 characters (64 hex digits from "
                '`python3 -c "import secrets; print(secrets.token_hex(32))"`).'
            )
        return value.encode("utf-8"), KEY_VARIABLE
    if getattr(settings, "PRODUCTION", False):
        raise BackupError(
            f"{KEY_VARIABLE} is not set. Backups are signed with it and restore checks the "
            "signature: set it in the environment (the same value wherever the archives are "
            "restored; see docs/deployment.md). Nothing was done."
        )
    derived = hmac.new(
        settings.SECRET_KEY.encode("utf-8"), DEVELOPMENT_KEY_CONTEXT, hashlib.sha256
    ).digest()
    return derived, "the development key derived from DJANGO_SECRET_KEY"


def sign(manifest_bytes: bytes, key: bytes) -> str:
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


def signature_document(manifest_bytes: bytes, key: bytes) -> bytes:
    return json.dumps(
        {"algorithm": SIGNATURE_ALGORITHM, "signed": MANIFEST,
         "hmac": sign(manifest_bytes, key)}, indent=2, sort_keys=True,
    ).encode("utf-8")  # fmt: skip


def make_private_folder(path: Path) -> None:
    """Create a folder (and its missing parents) readable by the owner only; an existing
    folder cyplan owns is narrowed to 0700 too."""
    path = Path(path)
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)
    if path.is_dir() and path.stat().st_uid == os.getuid():
        os.chmod(path, FOLDER_MODE)


def secure_data_folders() -> None:
    """The data folder and the evidence folder: the service account's only (0700)."""
    for folder in (Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)):
        if folder.is_dir():
            make_private_folder(folder)


def cyplan_version() -> str:
    try:
        return version("cyplan")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def store_path() -> Path:
    """``<CYPLAN_DATA_DIR>/analytics.duckdb``, where ``cyplan returns`` keeps its store."""
    return Path(settings.DATA_DIR) / "analytics.duckdb"


def label(model) -> str:
    return model._meta.label_lower


def backed_up_models() -> list:
    """Every concrete model, in an order where a row's references come before it."""
    app_models = {}
    for model in apps.get_models():
        if label(model) in SKIPPED or model._meta.proxy or not model._meta.managed:
            continue
        app_models.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(app_models.items())


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The applied migrations of every app, sorted: ``{"plans": ["0001_initial"], ...}``."""
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {label(m): m._base_manager.using(using).count() for m in backed_up_models()}


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingWriter(io.RawIOBase):
    """Writes to a zip member while hashing what goes through."""

    def __init__(self, target):
        self.target, self.digest = target, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        return self.target.write(data)


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping times to the microsecond (it rounds to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class _Counter:
    """Counts the rows as the serialiser goes through them."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _checkpoint_store(path: Path) -> None:
    """Fold DuckDB's write-ahead log into the file so the one file is the whole store."""
    try:
        import duckdb

        con = duckdb.connect(str(path))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - in use by a loader: copy the file and its log as they are
        pass


def create_archive(target: str | Path, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the whole instance to the zip archive ``target`` (written beside, then renamed)."""
    target = Path(target)
    key, _ = signing_key()  # before anything is written: no key, no archive
    if not target.parent.exists():
        make_private_folder(target.parent)
    secure_data_folders()
    summary = Summary()
    checksums: dict[str, str] = {}
    partial = target.with_name(target.name + ".partial")
    try:
        # Owner-only from the first byte (the archive holds password hashes and children's
        # words); os.replace keeps the mode, so the archive is 0600 whatever was there before.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.fchmod(descriptor, FILE_MODE)
        with (
            os.fdopen(descriptor, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
        ):
            # One read transaction, so the rows are a consistent snapshot.
            with transaction.atomic(using=using):
                if connections[using].vendor == "postgresql":
                    with connections[using].cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                state = migration_state(using)
                for model in backed_up_models():
                    name = f"db/{label(model)}.json"
                    queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
                    with zf.open(name, "w", force_zip64=True) as member:
                        writer = _HashingWriter(member)
                        text = io.TextIOWrapper(writer, encoding="utf-8")
                        counted = _Counter(queryset.iterator(chunk_size=2000))
                        serializers.serialize("json", counted, stream=text, cls=_ExactEncoder)
                        text.flush()
                        text.detach()
                    checksums[name] = writer.digest.hexdigest()
                    summary.rows[label(model)] = counted.count
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    name = "media/" + path.relative_to(media).as_posix()
                    zf.write(path, name)
                    checksums[name] = _sha256_file(path)
                    summary.media_files += 1
            store = store_path()
            if store.is_file():
                _checkpoint_store(store)
                for source, name in ((store, STORE_MEMBER), (Path(f"{store}.wal"), None)):
                    if source.is_file():
                        name = name or STORE_MEMBER + ".wal"
                        zf.write(source, name)
                        checksums[name] = _sha256_file(source)
                summary.store = True
            manifest = {
                "format": FORMAT,
                "cyplan_version": cyplan_version(),
                "created": timezone.now().isoformat(),
                "database_vendor": connections[using].vendor,
                "migrations": state,
                "counts": summary.rows,
                "media_files": summary.media_files,
                "analytical_store": summary.store,
                "checksums": checksums,
            }
            manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
            zf.writestr(MANIFEST, manifest_bytes)
            zf.writestr(SIGNATURE, signature_document(manifest_bytes, key))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def read_manifest(archive: str | Path) -> dict:
    """The archive's manifest, after checking its signature and that every checksum matches."""
    archive = Path(archive)
    key, key_source = signing_key()
    try:
        zf = zipfile.ZipFile(archive)
    except FileNotFoundError:
        raise BackupError(f"{archive}: no such file") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{archive}: not a cyplan backup (not a zip archive: {error})") from None
    with zf:
        try:
            manifest_bytes = zf.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
        except KeyError:
            raise BackupError(f"{archive}: not a cyplan backup (no {MANIFEST})") from None
        except (ValueError, zipfile.BadZipFile, OSError) as error:
            raise BackupError(f"{archive}: {MANIFEST} is not valid JSON: {error}") from None
        _check_signature(archive, zf, manifest, manifest_bytes, key, key_source)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(
                f"{archive}: {MANIFEST} says format {manifest.get('format')!r}"
                if isinstance(manifest, dict)
                else f"{archive}: {MANIFEST} is not an object"
                + f"; this version of cyplan reads {FORMAT}"
            )
        checksums = manifest.get("checksums") or {}
        members = {info.filename for info in zf.infolist() if not info.is_dir()}
        members -= {MANIFEST, SIGNATURE}
        problems = []
        for name in sorted(members - set(checksums)):
            problems.append(f"{name}: in the archive but not in the manifest")
        for name in sorted(set(checksums) - members):
            problems.append(f"{name}: in the manifest but missing from the archive")
        for name in sorted(members & set(checksums)):
            if not _safe_member(name):
                problems.append(f"{name}: unsafe path")
                continue
            digest = hashlib.sha256()
            try:
                with zf.open(name) as member:
                    while chunk := member.read(CHUNK):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                problems.append(f"{name}: cannot be read ({error})")
                continue
            if digest.hexdigest() != checksums[name]:
                problems.append(f"{name}: checksum does not match the manifest (damaged archive)")
        if problems:
            raise BackupError(
                f"{archive}: the archive is damaged; nothing was restored:\n  "
                + "\n  ".join(problems)
            )
    return manifest


def _check_signature(archive, zf, manifest, manifest_bytes, key, key_source) -> None:
    """Refuse an unsigned archive, or one whose manifest does not match its signature."""
    names = [info.filename for info in zf.infolist()]
    if names.count(MANIFEST) != 1 or names.count(SIGNATURE) > 1:
        raise BackupError(
            f"{archive}: the archive holds {MANIFEST} or {SIGNATURE} more than once; it was "
            "edited. Nothing was restored."
        )
    if SIGNATURE not in names:
        old = isinstance(manifest, dict) and manifest.get("format") in UNSIGNED_FORMATS
        raise BackupError(
            f"{archive}: the archive is not signed"
            + (" (it was made by a cyplan version from before backups were signed)" if old else "")
            + ", so nothing shows it was not edited. Restore refuses unsigned archives. "
            "Nothing was restored."
        )
    try:
        document = json.loads(zf.read(SIGNATURE))
        given = document["hmac"] if document.get("algorithm") == SIGNATURE_ALGORITHM else ""
    except (ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile, OSError):
        given = ""
    if not isinstance(given, str) or not hmac.compare_digest(
        given.encode("ascii", "replace"), sign(manifest_bytes, key).encode("ascii")
    ):
        raise BackupError(
            f"{archive}: the signature does not match (checked with {key_source}). Either the "
            "archive was edited after it was made, or it was signed with another key: restore "
            f"it with the {KEY_VARIABLE} of the instance that made it. Nothing was restored."
        )


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


def database_has_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables holding rows, apart from those a fresh ``migrate`` fills itself."""
    return [name for name, count in table_counts(using).items() if count and name not in BUILT_IN]


def restore_archive(
    archive: str | Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Summary:
    """Restore the archive into this instance's database, media folder and analytical store.

    Checks first (manifest, checksums, migration state, an empty database and no evidence
    files or store already there, unless ``force``), then loads the database in one
    transaction, then writes the files.
    """
    archive = Path(archive)
    manifest = read_manifest(archive)
    secure_data_folders()
    current = migration_state(using)
    if manifest.get("migrations") != current:
        theirs, ours = manifest.get("migrations") or {}, current
        differences = [
            f"{app}: archive {theirs.get(app, [])[-1:] or 'none'}, database {ours.get(app, [])[-1:] or 'none'}"
            for app in sorted(set(theirs) | set(ours))
            if theirs.get(app) != ours.get(app)
        ]
        raise BackupError(
            "The archive was made at a different migration state from this database ("
            + "; ".join(differences)
            + "). Run `cyplan migrate` first; if the archive is from another cyplan version, "
            "restore it with that version (archive: "
            f"{manifest.get('cyplan_version')}), then upgrade. Nothing was restored."
        )
    media = Path(settings.MEDIA_ROOT)
    store = store_path()
    if not force:
        busy = database_has_data(using)
        if busy:
            raise BackupError(
                "The database is not empty (rows in "
                + ", ".join(busy[:6])
                + (", ..." if len(busy) > 6 else "")
                + "). Restore into an empty, migrated database, or use --force to replace "
                "everything in it. Nothing was restored."
            )
        if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
            raise BackupError(
                f"The evidence folder {media} already holds files. Use --force to replace "
                "them. Nothing was restored."
            )
        if manifest.get("analytical_store") and store.exists():
            raise BackupError(
                f"The analytical store {store} already exists. Use --force to replace it. "
                "Nothing was restored."
            )
    summary = Summary()
    with zipfile.ZipFile(archive) as zf:
        # Files first into a staging folder beside their targets (the slow, fallible part),
        # then the database in one transaction, then quick renames into place.
        staged = _stage_files(zf, manifest, media, store)
        try:
            _load_database(zf, manifest, summary, using)
        except (DatabaseError, DeserializationError) as error:
            staged.discard()
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise BackupError(
                f"The archive's rows could not be loaded ({type(error).__name__}: {first}). "
                "Nothing was restored: the database, evidence files and store are as they were."
            ) from error
        except BaseException:
            staged.discard()
            raise
    staged.commit()
    summary.media_files, summary.store = len(staged.media), staged.store is not None
    return summary


@dataclass
class _Staged:
    """Files extracted beside where they go, moved into place only after the database."""

    media_root: Path
    folder: Path
    media: list[PurePosixPath]
    store_target: Path
    store: Path | None

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.store is not None:
            self.store.unlink(missing_ok=True)
            Path(f"{self.store}.wal").unlink(missing_ok=True)

    def commit(self) -> None:
        keep = set()
        for relative in self.media:
            destination = self.media_root.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder.joinpath("media", *relative.parts), destination)
            keep.add(destination)
        for path in list(self.media_root.rglob("*")):  # with --force: files the archive lacks
            if path.is_file() and path not in keep and self.folder not in path.parents:
                path.unlink()
        if self.store is not None:
            Path(f"{self.store_target}.wal").unlink(missing_ok=True)
            os.replace(self.store, self.store_target)
            wal = Path(f"{self.store}.wal")
            if wal.exists():
                os.replace(wal, Path(f"{self.store_target}.wal"))
        shutil.rmtree(self.folder, ignore_errors=True)


def _stage_files(zf: zipfile.ZipFile, manifest: dict, media: Path, store: Path) -> _Staged:
    make_private_folder(media)
    folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=media))
    staged = _Staged(media, folder, [], store, None)
    try:
        for name in manifest.get("checksums", {}):
            if not name.startswith("media/"):
                continue
            relative = PurePosixPath(name).relative_to("media")
            destination = folder.joinpath("media", *relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(name) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            staged.media.append(relative)
        if manifest.get("analytical_store"):
            make_private_folder(store.parent)
            staged.store = store.with_name(store.name + ".restoring")
            for name, target in ((STORE_MEMBER, staged.store),
                                 (STORE_MEMBER + ".wal", Path(f"{staged.store}.wal"))):  # fmt: skip
                if name in zf.namelist():
                    with zf.open(name) as source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out, CHUNK)
    except BaseException:
        staged.discard()
        raise
    return staged


def _load_database(zf: zipfile.ZipFile, manifest: dict, summary: Summary, using: str) -> None:
    models = backed_up_models()
    expected = manifest.get("counts") or {}
    connection = connections[using]
    with transaction.atomic(using=using):
        # Everything in the database goes, children before parents, then the archive's rows
        # come in with their own ids. Raw deletes: the audit log's manager refuses delete().
        for model in apps.get_models(include_auto_created=True):
            if model._meta.auto_created:  # many-to-many link tables first
                model._base_manager.using(using).all()._raw_delete(using)
        for model in reversed(models):
            model._base_manager.using(using).all()._raw_delete(using)
        if apps.is_installed("django.contrib.sessions"):  # everyone signs in again
            apps.get_model("sessions", "Session")._base_manager.using(using).all().delete()
        loaded: dict[str, int] = {}
        with connection.constraint_checks_disabled():
            for model in models:
                name = f"db/{label(model)}.json"
                if name not in zf.namelist():
                    continue
                with zf.open(name) as member:
                    stream = io.TextIOWrapper(member, encoding="utf-8")
                    for obj in serializers.deserialize("json", stream, using=using):
                        obj.save(using=using)
                        key = label(type(obj.object))
                        loaded[key] = loaded.get(key, 0) + 1
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        wrong = [
            f"{name}: manifest {count}, loaded {loaded.get(name, 0)}"
            for name, count in expected.items()
            if loaded.get(name, 0) != count
        ]
        if wrong:
            raise BackupError(
                "The rows loaded do not match the manifest; nothing was restored: "
                + "; ".join(wrong)
            )
    summary.rows = {label(m): loaded.get(label(m), 0) for m in models}
