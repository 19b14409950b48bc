"""How the MCP server should run sync Django code: our thread pool vs asgiref's single thread.

    .venv/bin/python bench/mcp_bridge_bench.py [--calls 2000] [--concurrency 8] [--database-url URL]

Runs one real unit of MCP work, the API-key lookup every request does, four ways: directly (the
floor), through ``lockii.mcp.bridge.SyncBridge`` (a pool, each call framed by
``close_old_connections``) and through ``sync_to_async(thread_sensitive=True)`` (one shared
thread), each one call at a time and ``concurrency`` at a time. On a fresh SQLite file by default
(``--database-url`` for an existing PostgreSQL database). Never part of pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src")]


def setup(database_url: str | None) -> str:
    tmp = tempfile.mkdtemp(prefix="lockii-bridge-bench-")
    os.environ.update(LOCKII_DEV="1", LOCKII_DATA_DIR=tmp, LOCKII_LOG_LEVEL="WARNING",
                      DJANGO_SETTINGS_MODULE="lockii.settings",
                      # Only so the "direct" floor may query from the event loop thread.
                      DJANGO_ALLOW_ASYNC_UNSAFE="true",
                      LOCKII_DATABASE_URL=database_url or f"sqlite:///{tmp}/bench.sqlite3")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from lockii.identity.apikeys import create_key
    from lockii.identity.models import Company

    company = Company.objects.create(name="Bench", slug=f"bench-{time.time_ns()}")
    return create_key(company, "bench")[1]


async def timed(label: str, call, calls: int, concurrency: int, floor: float | None) -> float:
    async def worker(n: int) -> None:
        for _ in range(n):
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker(calls // concurrency) for _ in range(concurrency)))
    per_call = (time.perf_counter() - started) / (calls // concurrency * concurrency)
    extra = f"  ({per_call / floor:4.2f}× direct)" if floor else ""
    print(f"{label:52} {per_call * 1e6:9.1f} µs/call  {1 / per_call:8.0f} calls/s{extra}", flush=True)
    return per_call


async def main(calls: int, concurrency: int, key: str) -> None:
    from asgiref.sync import sync_to_async

    from lockii.identity.apikeys import find_active
    from lockii.mcp.bridge import SyncBridge

    async def direct():
        find_active(key)

    bridge = SyncBridge()
    single = sync_to_async(find_active, thread_sensitive=True)
    try:
        floor = await timed("direct (blocks the event loop)", direct, calls, 1, None)
        for n in (1, concurrency):
            await timed(f"SyncBridge pool, {n} at a time", lambda: bridge.run(find_active, key), calls, n, floor)
            await timed(f"sync_to_async(thread_sensitive=True), {n} at a time", lambda: single(key), calls, n, floor)
    finally:
        await asyncio.to_thread(bridge.close)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    secret = setup(args.database_url)
    asyncio.run(main(args.calls, args.concurrency, secret))
