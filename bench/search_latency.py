"""Booking search latency at two data sizes (default 10k and 1M bookings), on SQLite and PostgreSQL.

    .venv/bin/python bench/search_latency.py [--db sqlite,postgres] [--sizes 10000,1000000] [--requests 100]

Each size gets a fresh database seeded with ``lockii demo --bookings N`` and a real server; every query
runs sequentially on one keep-alive connection after a warm-up. Prints the median and 95th
percentile per query and the large/small ratio of medians. Seeding 1M bookings takes minutes
(longer on PostgreSQL); the seed time is printed too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import httpx

from launcher import DEFAULT_PG, seeded_server

DAY = 86_400_000


def queries(client: httpx.Client) -> dict[str, dict]:
    """Search parameter sets, with ids taken from the seeded data itself."""
    newest = client.get("/api/v1/booking", params={"limit": 1}).json()[0]
    now = int(time.time() * 1000)
    return {
        "status=active, limit 10": {"status": "active", "limit": 10},
        "newest 50 (no filter)": {"limit": 50},
        "overdue": {"status": "overdue"},
        "dateRange next 7 days": {"dateRange": json.dumps({"from": now, "to": now + 7 * DAY})},
        "one customer": {"customerID": newest["customer"]["id"]},
        "location + confirmed, by start": {"locationID": newest["location"]["id"], "status": "confirmed",
                                           "sort": "start"},
        "price >= 300 (whole units)": {"price": json.dumps({"min": 300}), "sort": "-price"},
        "product, next page": {"productID": newest["orderLines"][0]["product"]["id"], "page2": True},
    }


def timed(client: httpx.Client, params: dict, requests: int) -> list[float]:
    params = dict(params)
    page2 = params.pop("page2", False)
    if page2:
        first = client.get("/api/v1/booking", params=params)
        params["cursor"] = first.headers["x-next-cursor"]
    for _ in range(5):  # warm-up
        client.get("/api/v1/booking", params=params).raise_for_status()
    samples = []
    for _ in range(requests):
        t = time.perf_counter()
        client.get("/api/v1/booking", params=params).raise_for_status()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def measure(db: str, size: int, requests: int, pg_url: str) -> tuple[float, dict[str, list[float]]]:
    with seeded_server(db, size, pg_url=pg_url, log_level="WARNING") as s:
        with httpx.Client(base_url=s.server.url, headers={"x-api-key": s.api_key}, timeout=60) as client:
            probe = client.get("/api/v1/booking", params={"limit": 1})
            if probe.status_code != 200:
                sys.exit(f"GET /api/v1/booking answered {probe.status_code}: {probe.text[:300]}")
            return s.seed_seconds, {name: timed(client, q, requests) for name, q in queries(client).items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    p.add_argument("--sizes", default="10000,1000000", help="two comma-separated booking counts")
    p.add_argument("--requests", type=int, default=100, help="timed requests per query")
    p.add_argument("--pg-url", default=DEFAULT_PG)
    args = p.parse_args()
    small, large = (int(x) for x in args.sizes.split(","))
    for db in args.db.split(","):
        seeds, results = {}, {}
        for size in (small, large):
            seeds[size], results[size] = measure(db, size, args.requests, args.pg_url)
        print(f"\n{db}: seeded {small:,} bookings in {seeds[small]:.0f} s, {large:,} in {seeds[large]:.0f} s; "
              f"{args.requests} sequential requests per query (ms)")
        print(f"{'query':<34} {'p50 small':>10} {'p95 small':>10} {'p50 large':>10} {'p95 large':>10} {'ratio':>7}")
        for name in results[small]:
            a, b = results[small][name], results[large][name]
            ratio = statistics.median(b) / statistics.median(a)
            print(f"{name:<34} {statistics.median(a):>10.2f} {p95(a):>10.2f} {statistics.median(b):>10.2f} "
                  f"{p95(b):>10.2f} {ratio:>7.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
