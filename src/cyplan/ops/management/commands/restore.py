"""``cyplan restore FILE``: bring an instance back from a ``cyplan backup`` archive."""

from __future__ import annotations

from django.core.management.base import CommandError

from cyplan.core.commands import ExampleCommand
from cyplan.ops.archive import BackupError, read_manifest, restore_archive

EPILOG = """examples:
  cyplan migrate && cyplan restore /srv/backups/cyplan-2026-12-01.zip
  cyplan restore --check /srv/backups/cyplan-2026-12-01.zip
  cyplan restore --force /srv/backups/cyplan-2026-12-01.zip

Restore checks the archive's signature first (an HMAC of the manifest keyed with
CYPLAN_BACKUP_KEY, the same key as the instance that made it): an unsigned archive, a wrong
key or any edited member is refused before anything is written. Then it checks the
manifest and every checksum, refuses a database that already holds
data (unless --force, which replaces everything), loads the database in one transaction,
then writes the evidence files and the analytical store. Run `cyplan migrate` on the new,
empty database first; the archive must be at the same migration state (restore with the
cyplan version that made it, then upgrade).
"""


class Command(ExampleCommand):
    epilog = EPILOG
    help = (
        "Restore a backup archive made by `cyplan backup` into an empty, migrated instance: "
        "database, evidence files and analytical store."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `cyplan backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data already in this instance (everything in it is lost)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the archive (signature, manifest and checksums); change nothing",
        )

    def handle(self, *args, file, force, check, **options):
        try:
            if check:
                manifest = read_manifest(file)
                rows = sum(manifest.get("counts", {}).values())
                self.stdout.write(
                    f"{file}: a good archive (signature and checksums match) from cyplan {manifest.get('cyplan_version')} "
                    f"made {manifest.get('created')} on {manifest.get('database_vendor')}: "
                    f"{rows} rows, {manifest.get('media_files')} evidence files, "
                    f"analytical store: {'yes' if manifest.get('analytical_store') else 'no'}."
                )
                return
            summary = restore_archive(file, force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {summary} from {file}.")
