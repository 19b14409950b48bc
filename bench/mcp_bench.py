"""User MCP throughput against REST, measured in one run against a real ``lockii serve``.

    .venv/bin/python bench/mcp_bench.py [--db sqlite|postgres] [--seconds 8] [--concurrency 8] [--bookings 2000]

Starts a server on a fresh database (SQLite file or PostgreSQL) with demo data (or use ``--url`` and ``--key`` for a running
one), then for each case runs ``concurrency`` keep-alive clients for ``seconds`` and reports requests
per second, latency percentiles and the ratio to the REST baseline (the same booking search,
``GET /api/v1/booking?limit=10``). All cases use the same credential, an API key, so the ratio is
the cost of the MCP edge and the SDK, not of a different credential check. Never part of pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "src")]

from launcher import DEFAULT_PG, seeded_server  # noqa: E402

ACCEPT = "application/json, text/event-stream"


def _meta() -> dict:
    return {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "0"}}


def cases(key: str) -> list[tuple[str, dict]]:
    """(name, request) pairs; the first is the baseline every other is divided by."""
    legacy = {"x-api-key": key, "content-type": "application/json", "accept": ACCEPT,
              "mcp-protocol-version": "2025-06-18"}
    modern = {**legacy, "mcp-protocol-version": "2026-07-28"}
    search = {"name": "search_bookings", "arguments": {"limit": 10}}
    return [
        ("REST GET /api/v1/booking?limit=10", {"method": "GET", "url": "/api/v1/booking",
                                               "params": {"limit": 10}, "headers": {"x-api-key": key}}),
        ("MCP tools/call search_bookings (2025-06-18)", {
            "method": "POST", "url": "/api/mcp/user", "headers": legacy,
            "json": {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": search}}),
        ("MCP tools/call search_bookings (2026-07-28)", {
            "method": "POST", "url": "/api/mcp/user",
            "headers": {**modern, "mcp-method": "tools/call", "mcp-name": "search_bookings"},
            "json": {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {**search, "_meta": _meta()}}}),
        ("MCP tools/list (2025-06-18)", {
            "method": "POST", "url": "/api/mcp/user", "headers": legacy,
            "json": {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}}),
        ("MCP tools/list (2026-07-28)", {
            "method": "POST", "url": "/api/mcp/user", "headers": {**modern, "mcp-method": "tools/list"},
            "json": {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": _meta()}}}),
        ("MCP 401 (no credential)", {
            "method": "POST", "url": "/api/mcp/user",
            "headers": {k: v for k, v in legacy.items() if k != "x-api-key"},
            "json": {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}}),
        ("REST GET /healthz (trivial Django view)", {"method": "GET", "url": "/healthz"}),
    ]


async def _worker(client: httpx.AsyncClient, request: dict, until: float, latencies: list[float],
                  statuses: dict[int, int]) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await client.request(**request)
        latencies.append(time.perf_counter() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1


async def measure(base: str, request: dict, seconds: float, concurrency: int) -> dict:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        check = await client.request(**request)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        until = time.perf_counter() + seconds
        started = time.perf_counter()
        await asyncio.gather(*(_worker(client, request, until, latencies, statuses) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"status": check.status_code, "statuses": statuses, "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))], "requests": len(latencies)}


def run(base: str, key: str, seconds: float, concurrency: int) -> list[tuple[str, dict]]:
    results = []
    for name, request in cases(key):
        result = asyncio.run(measure(base, request, seconds, concurrency))
        results.append((name, result))
        baseline = results[0][1]["rps"]
        print(f"{name:48} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.2f} ms  "
              f"p95 {result['p95_ms']:6.2f} ms  ×{result['rps'] / baseline:5.2f} of REST  "
              f"statuses {result['statuses']}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="any database of the PostgreSQL server; a fresh one is created")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--url", help="a running server's origin (with --key)")
    parser.add_argument("--key", help="an API key of that server")
    parser.add_argument("--json", action="store_true", help="print the results as JSON at the end")
    args = parser.parse_args()
    if args.url:
        results = run(args.url.rstrip("/"), args.key, args.seconds, args.concurrency)
    else:
        with seeded_server(args.db, args.bookings, pg_url=args.pg_url) as seeded:
            print(f"server {seeded.server.url} on {args.db}, {args.bookings} bookings, {args.concurrency} clients, "
                  f"{args.seconds} s per case", flush=True)
            results = run(seeded.server.url, seeded.api_key, args.seconds, args.concurrency)
    if args.json:
        print(json.dumps({name: r for name, r in results}, indent=2))


if __name__ == "__main__":
    main()
