"""The ``cyplan`` command: Django's management entry point as a console script.

Every subcommand is a Django management command, so ``cyplan help`` lists them and
``cyplan COMMAND --help`` explains each one.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. ``cyplan plan list``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyplan.site.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import InterfaceError, OperationalError

    args = list(sys.argv if argv is None else argv)
    args[0] = "cyplan"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:  # e.g. production settings missing: one clear line
        sys.exit(f"cyplan: {error}")
    except (OperationalError, InterfaceError) as error:  # the database went away
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        sys.exit(
            f"cyplan: the database is not available ({first}). Nothing was changed: "
            "every change is one transaction. Run the command again when it is back."
        )


if __name__ == "__main__":  # pragma: no cover - python -m cyplan.cli
    main()
