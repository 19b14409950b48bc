"""Start a real ``lockii serve`` on a fresh, seeded database for a benchmark (SQLite file or PostgreSQL).

Reuses the end-to-end harness (tests/e2e/live_server.py) for the process itself; the database is
made here so a benchmark can pick SQLite or PostgreSQL regardless of the test settings.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.live_server import LiveServer, free_port, run_cli, server_env  # noqa: E402

DEFAULT_PG = "postgresql://lockii:lockii@127.0.0.1:5432/postgres"


@dataclass
class Seeded:
    server: LiveServer
    api_key: str
    bookings: int
    seed_seconds: float
    database: str  # "sqlite" or "postgres"


@contextmanager
def database(kind: str, pg_url: str = DEFAULT_PG):
    """A fresh empty database URL, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="lockii-bench-") as tmp:
            yield f"sqlite:///{tmp}/lockii.sqlite3"
        return
    import psycopg

    name = "lockii_bench_" + uuid.uuid4().hex[:10]
    parts = urlsplit(pg_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(parts._replace(path=f"/{name}"))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def seeded_server(kind: str, bookings: int, *, pg_url: str = DEFAULT_PG, log_level: str = "INFO"):
    """A server over ``bookings`` demo bookings; yields Seeded. ``log_level`` INFO = production default
    (one request log line per request)."""
    with database(kind, pg_url) as url, tempfile.TemporaryDirectory(prefix="lockii-bench-data-") as data_dir:
        port = free_port()
        env = server_env(url, port, data_dir, LOCKII_LOG_LEVEL=log_level)
        run_cli(env, "migrate", "--no-input", "-v", "0")
        run_cli(env, "createcachetable")
        started = time.perf_counter()
        print(f"  seeding {bookings:,} bookings on {kind} ...", file=sys.stderr, flush=True)
        demo = json.loads(run_cli(env, "demo", "--bookings", str(bookings), "--json", timeout=6 * 3600))
        seconds = time.perf_counter() - started
        server = LiveServer(env, port).start(migrate=False)
        try:
            yield Seeded(server, demo["api_key"], bookings, seconds, kind)
        finally:
            server.stop()
