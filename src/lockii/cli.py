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
    _default_public_url(argv[2:] if argv[1] == "serve" else [])
    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        # Commands report their own errors in one line (CommandError); a database that is missing,
        # unreachable or not migrated yet should read the same way, not as a traceback.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"lockii: database error: {reason}\n"
                         "Check LOCKII_DATABASE_URL, and run `lockii migrate` on a new database.\n")
        sys.exit(1)


def _default_public_url(args: list[str]) -> None:
    """With no LOCKII_PUBLIC_URL, the public URL follows the port served (LOCKII_PORT, or ``serve``'s
    ``--port`` in ``args``). Settings are read before the command runs, and the default (port 8000)
    would send OAuth metadata, MCP challenges and the demo's printed links to a server that is not
    there."""
    if os.environ.get("LOCKII_PUBLIC_URL"):
        return
    port = os.environ.get("LOCKII_PORT", "8000")
    for i, arg in enumerate(args):
        if arg == "--port" and i + 1 < len(args):
            port = args[i + 1]
        elif arg.startswith("--port="):
            port = arg.partition("=")[2]
    if port.isdigit() and port != "8000":
        os.environ["LOCKII_PUBLIC_URL"] = f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    main()
