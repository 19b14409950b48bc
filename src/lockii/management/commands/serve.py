"""``lockii serve``: apply migrations, then run the ASGI app under uvicorn."""

from __future__ import annotations

import gc
import os
import signal
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lockii.ops.planner import refresh_statistics


def _absorb_stop_signals() -> None:
    """Make SIGTERM/SIGINT end the command normally (exit 0) once uvicorn has shut down.

    uvicorn (``Server.capture_signals``) drains in-flight requests on SIGTERM/SIGINT, restores the
    previous handlers and then re-raises the signal. With the default handlers that kills the process
    (exit -15) or raises KeyboardInterrupt (a traceback); a supervisor would report a crash after a
    clean shutdown. No-op handlers let the re-raised signal pass and ``serve`` return.
    """
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: None)


class Command(BaseCommand):
    help = "Run the Lockii server (migrates the database first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("LOCKII_HOST", "127.0.0.1"),
                            help="address to listen on (default: LOCKII_HOST, else 127.0.0.1)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("LOCKII_PORT", "8000")),
                            help="port (default: LOCKII_PORT, else 8000)")
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-migrate", action="store_true", help="skip applying migrations")
        parser.add_argument("--fd", type=int, help="serve on this inherited, already listening socket "
                                                    "(socket activation; --host/--port are then ignored)")

    def handle(self, *args, host, port, workers, no_migrate, fd, **options):
        import uvicorn

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
            refresh_statistics()
        if fd is not None and workers != 1:
            raise CommandError("--fd serves with one worker")
        self.stdout.write(f"Lockii listening on {f'socket {fd}' if fd is not None else f'http://{host}:{port}'}")
        self.stdout.flush()
        _absorb_stop_signals()
        app = "lockii.asgi:application"
        if workers == 1:  # several workers import the app themselves, from the string
            from lockii.asgi import application as app

            # Everything loaded so far lives as long as the process: keep it out of the collector's
            # full passes (shorter GC pauses while serving, and no long final collection at exit).
            gc.freeze()
        # On SIGTERM/SIGINT uvicorn stops accepting, lets in-flight requests finish (at most 20 s),
        # runs the lifespan shutdown (MCP session manager) and returns.
        options = dict(log_level="warning", access_log=False, lifespan="on",
                       timeout_graceful_shutdown=20, proxy_headers=False)
        if fd is None:
            uvicorn.run(app, host=host, port=port, workers=workers, **options)
            return
        # uvicorn's own ``fd`` option assumes a Unix socket; handing it the socket object keeps TCP.
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[socket.socket(fileno=fd)])
