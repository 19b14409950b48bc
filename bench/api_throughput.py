"""Throughput of an authenticated booking search relative to the trivial /healthz, on one real server.

    .venv/bin/python bench/api_throughput.py [--db sqlite|postgres] [--bookings 2000] [--duration 10]

Load comes from ``wrk`` (Debian package ``wrk``) when installed, else from Python threads with httpx
(which costs the server's CPU share more, so ratios from wrk are the ones to compare). Both endpoints
are measured alternately in two rounds against the same process, and the ratio is printed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

import httpx

from launcher import DEFAULT_PG, seeded_server

SEARCH = "/api/v1/booking?status=active&limit=10"


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> tuple[float, float]:
    """(requests per second, mean latency ms) from wrk; fails on any non-2xx answer."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def threads(url: str, headers: dict[str, str], seconds: int, connections: int) -> tuple[float, float]:
    """The same measurement with ``connections`` Python threads, each on a keep-alive httpx client."""
    done, latencies, stop = [], [], time.monotonic() + seconds

    def worker():
        with httpx.Client(headers=headers, timeout=30) as client:
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = client.get(url)
                if r.status_code != 200:
                    raise SystemExit(f"{url}: {r.status_code} {r.text[:200]}")
                latencies.append((time.perf_counter() - t) * 1000)
                done.append(1)

    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(done) / seconds, statistics.fmean(latencies)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--pg-url", default=DEFAULT_PG)
    p.add_argument("--bookings", type=int, default=2000)
    p.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    p.add_argument("--connections", type=int, default=8)
    args = p.parse_args()
    load = wrk if shutil.which("wrk") else threads
    with seeded_server(args.db, args.bookings, pg_url=args.pg_url) as s:
        url, key = s.server.url, {"x-api-key": s.api_key}
        probe = httpx.get(url + SEARCH, headers=key)
        if probe.status_code != 200:
            sys.exit(f"GET {SEARCH} answered {probe.status_code}: {probe.text[:300]}")
        targets = {"healthz": (url + "/healthz", {}), "search": (url + SEARCH, key)}
        for target, headers in targets.values():  # warm up: connections, caches, code paths
            load(target, headers, 2, args.connections)
        rounds = {name: [] for name in targets}
        for _ in range(2):
            for name, (target, headers) in targets.items():
                rounds[name].append(load(target, headers, args.duration, args.connections))
    print(f"\nLoad generator: {load.__name__}, {args.connections} connections, {args.duration} s x 2 rounds; "
          f"{args.db}, {args.bookings:,} demo bookings, request log at INFO")
    print(f"{'endpoint':<52} {'req/s':>10} {'mean ms':>9}")
    mean_rps = {}
    for name, results in rounds.items():
        mean_rps[name] = statistics.fmean(r for r, _ in results)
        path = "/healthz (no auth, no database)" if name == "healthz" else f"{SEARCH} (API key)"
        print(f"{path:<52} {mean_rps[name]:>10.0f} {statistics.fmean(m for _, m in results):>9.2f}")
    print(f"\nratio search / healthz throughput: {mean_rps['search'] / mean_rps['healthz']:.3f}")


if __name__ == "__main__":
    main()
