"""``lockii serve``: apply migrations, then run the ASGI app under uvicorn."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the Lockii server (migrates the database first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-migrate", action="store_true", help="skip applying migrations")

    def handle(self, *args, host, port, workers, no_migrate, **options):
        import uvicorn

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
        self.stdout.write(f"Lockii listening on http://{host}:{port}")
        # uvicorn handles SIGTERM/SIGINT by finishing in-flight requests (graceful shutdown).
        uvicorn.run("lockii.asgi:application", host=host, port=port, workers=workers,
                    log_level="warning", access_log=False, lifespan="on",
                    timeout_graceful_shutdown=20, proxy_headers=False)
