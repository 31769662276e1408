"""``cyplan backup FILE``: the whole instance in one archive."""

from __future__ import annotations

from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.ops.archive import KEY_VARIABLE, BackupError, create_archive, signing_key

EPILOG = """examples:
  cyplan backup /srv/backups/cyplan-$(date +%F).zip
  cyplan restore /srv/backups/cyplan-2026-12-01.zip

The archive holds every table (portable JSON: a SQLite backup restores into PostgreSQL),
the evidence files, the analytical store, and a manifest with the cyplan version, the
migration state, the rows per table and a SHA-256 checksum of every member. The manifest
is signed (HMAC-SHA256) with the key in CYPLAN_BACKUP_KEY, which is never in the archive;
restore refuses an archive whose signature does not match. Without CYPLAN_BACKUP_KEY (in
development only) the key is derived from DJANGO_SECRET_KEY; in production it is required.
The archive is written readable by its owner only (0600). It holds child-level
(pseudonymised) data and password hashes: keep it as securely as the database. The
pseudonymisation key is not in it.
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Write a backup archive: the database (every table), the uploaded evidence files, "
        "the analytical store and a manifest with checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the archive to write (a .zip file; replaced if it exists)"
        )

    def handle(self, *args, file, **options):
        try:
            _, key_source = signing_key()
            summary = create_archive(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up {summary} to {file}, signed with {key_source}.")
        if key_source != KEY_VARIABLE:
            self.stderr.write(
                f"Note: {KEY_VARIABLE} is not set, so the archive is signed with a development "
                "key derived from DJANGO_SECRET_KEY. Set it for real backups."
            )
