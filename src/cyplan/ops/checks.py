"""Start-up checks (``cyplan check --deploy`` shows them): production has a backup signing key,
and (with ``--deploy``) the data folder is not open to other accounts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register

from cyplan.ops.archive import KEY_VARIABLE


@register()
def backup_key(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False) and not os.environ.get(KEY_VARIABLE):
        return [
            Warning(
                f"{KEY_VARIABLE} is not set: `cyplan backup` and `cyplan restore` will refuse "
                "to run (archives are signed with it).",
                hint=f"Set {KEY_VARIABLE} to 64 random hex digits; see docs/deployment.md.",
                id="cyplan.ops.W001",
            )
        ]
    return []


@register(deploy=True)
def data_folder_permissions(app_configs, **kwargs):
    folder = Path(settings.DATA_DIR)
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError:
        return []
    if mode & 0o077:
        return [
            Warning(
                f"The data folder {folder} is open to other accounts (mode {mode:04o}); it "
                "holds the database, evidence files and the analytical store.",
                hint=f"chmod 700 {folder}",
                id="cyplan.ops.W002",
            )
        ]
    return []
