"""The ``lockii`` command: Django's management commands under our own name (no manage.py)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lockii.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "lockii"
    if len(argv) == 1:
        argv.append("help")
    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        # Commands report their own errors in one line (CommandError); a database that is missing,
        # unreachable or not migrated yet should read the same way, not as a traceback.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"lockii: database error: {reason}\n"
                         "Check LOCKII_DATABASE_URL, and run `lockii migrate` on a new database.\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
