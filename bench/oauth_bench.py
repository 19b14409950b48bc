"""Login with Lockii throughput: refresh grants, authorize→token flows, Bearer against API-key REST calls.

    .venv/bin/python bench/oauth_bench.py [--db sqlite|postgres] [--seconds 8] [--rounds 3]
                                          [--concurrency 4] [--connections 8] [--bookings 2000] [--pg-url URL] [--sql]

Starts one real ``lockii serve`` (bench/launcher.py) on a fresh database with demo data: a temporary
SQLite file, or a new PostgreSQL database ``lockii_bench_<random>`` created through ``--pg-url``
(default postgresql://lockii:lockii@127.0.0.1:5432/postgres) and dropped afterwards. Then, in one run:

1. refresh grants/s: one public client registered by DCR; each of ``--concurrency`` workers signs the
   demo owner in through the real /login and consent pages (httpx, CSRF tokens read from the HTML)
   for its own authorization, then walks its own rotation chain for ``--seconds``: every refresh
   presents the token the previous one returned.
2. complete flows/s: GET /oauth/authorize in a signed-in session with remembered consent → 302 with a
   code → POST /oauth/token; and the first-time flow, forced with ``prompt=consent``: authorize →
   consent page → consent POST → 302 → token.
3. ``GET /api/v1/booking?status=active&limit=10`` with a Bearer access token and with an API key, each
   divided by ``/healthz`` on the same server with the same load generator (``wrk`` when installed,
   else Python threads). Rows 1-2 come from Python threads, so /healthz is also measured from those
   threads to give them a baseline of their own.
4. SQL queries per refresh grant and per REST call, counted in this process (Django's
   CaptureQueriesContext) against the server's own database, after a warm-up call.

Each row gets a 2 s warm-up, then ``--rounds`` rounds of ``--seconds``, interleaved with the other
rows of its group so that load from elsewhere on the machine hits them alike; ``spread`` shows how
far the rounds disagreed.

A benchmark, never part of pass/fail.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import secrets
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from api_throughput import threads, wrk
from launcher import DEFAULT_PG, seeded_server

SEARCH = "/api/v1/booking?status=active&limit=10"
SCOPE = "openid profile email offline_access"
REDIRECT_URI = "http://127.0.0.1:9/callback"  # never contacted: the code is read from the Location header


def pkce_pair() -> tuple[str, str]:
    """A fresh (verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Worker:
    """One user agent (its own browser session) and the app it signs in to (its own token client)."""

    base: str
    client_id: str
    browser: object  # tests.e2e.browser.FormBrowser, imported once Django is configured
    app: httpx.Client
    refresh_token: str = ""

    def authorize_url(self, challenge: str, **extra: str) -> str:
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": REDIRECT_URI,
                 "code_challenge": challenge, "code_challenge_method": "S256", "state": "bench",
                 "scope": SCOPE, **extra}
        return f"{self.base}/oauth/authorize?{urlencode(query)}"

    def redeem(self, answer: httpx.Response, verifier: str) -> dict:
        """The code from an authorization redirect, exchanged at /oauth/token; fails on anything else."""
        location = answer.headers.get("location", "")
        if answer.status_code not in (302, 303) or not location.startswith(REDIRECT_URI):
            raise SystemExit(f"authorization answered {answer.status_code} {location} {answer.text[:300]}")
        code = parse_qs(urlsplit(location).query)["code"][0]
        return self.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                           "client_id": self.client_id, "code_verifier": verifier})

    def token(self, form: dict) -> dict:
        response = self.app.post("/oauth/token", data=form)
        if response.status_code != 200:
            raise SystemExit(f"/oauth/token answered {response.status_code}: {response.text[:300]}")
        body = response.json()
        self.refresh_token = body.get("refresh_token", self.refresh_token)
        return body

    def sign_in(self, email: str, password: str) -> dict:
        """The whole first authorization, through the sign-in page (and consent page when not remembered)."""
        verifier, challenge = pkce_pair()
        return self.redeem(self.browser.authorize(self.authorize_url(challenge), email, password), verifier)

    def refresh(self) -> dict:
        return self.token({"grant_type": "refresh_token", "refresh_token": self.refresh_token,
                           "client_id": self.client_id})

    def remembered_flow(self) -> dict:
        verifier, challenge = pkce_pair()
        return self.redeem(self.browser.http.get(self.authorize_url(challenge)), verifier)

    def first_time_flow(self) -> dict:
        verifier, challenge = pkce_pair()
        page = self.browser.http.get(self.authorize_url(challenge, prompt="consent"))
        return self.redeem(self.browser.consent(page), verifier)

    def healthz(self) -> None:
        if self.app.get("/healthz").status_code != 200:
            raise SystemExit("/healthz failed")


def run_workers(workers: list[Worker], step, seconds: float) -> tuple[float, float]:
    """(operations per second, mean ms) of ``step(worker)`` looped by every worker for ``seconds``."""
    stop = time.monotonic() + seconds

    def loop(worker: Worker) -> list[float]:
        latencies = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            step(worker)
            latencies.append((time.perf_counter() - started) * 1000)
        return latencies

    started = time.perf_counter()
    with ThreadPoolExecutor(len(workers)) as pool:
        results = [f.result() for f in [pool.submit(loop, w) for w in workers]]  # re-raises a worker's failure
    every = [ms for latencies in results for ms in latencies]
    return len(every) / (time.perf_counter() - started), statistics.fmean(every)


def measure(generator: str, rounds: int, seconds: float, cases: list) -> list[tuple]:
    """Rows for ``cases`` of (name, run(seconds) -> (per second, mean ms)): a 2 s warm-up each, then
    ``rounds`` interleaved rounds (so drift in a shared machine's load hits every case alike), averaged.
    ``spread`` is (max - min) / mean of the rounds' rates."""
    results = {name: [] for name, _ in cases}
    for name, run in cases:
        run(min(2.0, seconds))
    for _ in range(rounds):
        for name, run in cases:
            results[name].append(run(seconds))
            print(f"  {name}: {results[name][-1][0]:.1f}/s", file=sys.stderr, flush=True)
    rows = []
    for name, measured in results.items():
        rates = [rate for rate, _ in measured]
        mean = statistics.fmean(rates)
        mean_ms = statistics.fmean(ms for _, ms in measured)
        rows.append((name, generator, mean, mean_ms, (max(rates) - min(rates)) / mean))
    return rows


def configure_django(server_env: dict[str, str]) -> None:
    """Point this process's Django at the server's database and settings (for the forms kit and step 4)."""
    os.environ.update({k: v for k, v in server_env.items() if k.startswith("LOCKII_")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "lockii.settings"
    os.environ["LOCKII_LOG_LEVEL"] = "WARNING"  # the server keeps its INFO request log; this process stays quiet
    import django

    django.setup()


def count_queries(base: str, client_id: str, refresh_token: str, api_key: str) -> dict[str, list[str]]:
    """SQL statements of one refresh grant and of each REST call, each captured after a warm-up call."""
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    http = Client(HTTP_HOST=urlsplit(base).netloc)
    state = {"refresh": refresh_token}

    def refresh():
        response = http.post("/oauth/token", {"grant_type": "refresh_token", "client_id": client_id,
                                              "refresh_token": state["refresh"]})
        assert response.status_code == 200, response.content[:300]
        state.update(refresh=response.json()["refresh_token"], access=response.json()["access_token"])

    def search(**headers):
        response = http.get(SEARCH, **headers)
        assert response.status_code == 200, response.content[:300]

    calls = {"refresh grant": refresh,
             "search, Bearer": lambda: search(HTTP_AUTHORIZATION=f"Bearer {state['access']}"),
             "search, API key": lambda: search(HTTP_X_API_KEY=api_key)}
    statements = {}
    for name, call in calls.items():
        call()  # warm-up: connection set-up, per-process caches (signing keys, settings)
        with CaptureQueriesContext(connection) as captured:
            call()
        statements[name] = [q["sql"] for q in captured.captured_queries]
    connections.close_all()
    return statements


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--pg-url", default=DEFAULT_PG, help="any database of the server; a fresh one is created")
    p.add_argument("--seconds", type=float, default=8, help="seconds per measurement")
    p.add_argument("--rounds", type=int, default=3, help="rounds per row, interleaved, averaged")
    p.add_argument("--concurrency", type=int, default=4, help="OAuth workers (each its own session and chain)")
    p.add_argument("--connections", type=int, default=8, help="connections for the REST rows")
    p.add_argument("--bookings", type=int, default=2000)
    p.add_argument("--sql", action="store_true", help="also print the SQL of one refresh grant")
    args = p.parse_args()
    load = wrk if shutil.which("wrk") else threads
    rows: list[tuple[str, str, float, float, float]] = []  # (measurement, generator, per s, mean ms, spread)

    with seeded_server(args.db, args.bookings, pg_url=args.pg_url) as seeded:
        base = seeded.server.url
        configure_django(seeded.server.env)
        from lockii.demo.seed import DEMO_USERS
        from tests.e2e.browser import FormBrowser, discover, register

        owner = next(u for u in DEMO_USERS if u.role == "owner")
        client_id = register(discover(base)[1], REDIRECT_URI, name="oauth bench", scope=SCOPE)["client_id"]
        workers = [Worker(base, client_id, FormBrowser(base), httpx.Client(base_url=base, timeout=30))
                   for _ in range(args.concurrency)]
        try:
            for worker in workers:  # the first one consents; the others find the consent remembered
                worker.sign_in(owner.email, owner.password)
            steps = [("/healthz (baseline for the rows below)", Worker.healthz),
                     (f"refresh grant ({args.concurrency} rotating chains)", Worker.refresh),
                     ("authorize → token, remembered consent (2 requests)", Worker.remembered_flow),
                     ("authorize → consent POST → token, first time (3 requests)", Worker.first_time_flow)]
            rows += measure(f"httpx x{args.concurrency}", args.rounds, args.seconds,
                            [(name, lambda s, step=step: run_workers(workers, step, s)) for name, step in steps])
            access = workers[0].remembered_flow()["access_token"]
            targets = [("/healthz (baseline for the rows below)", "/healthz", {}),
                       (f"GET {SEARCH}, Bearer", SEARCH, {"Authorization": f"Bearer {access}"}),
                       (f"GET {SEARCH}, API key", SEARCH, {"x-api-key": seeded.api_key})]
            rows += measure(f"{load.__name__} -c{args.connections}", args.rounds, args.seconds,
                            [(name, lambda s, path=path, headers=headers:
                              load(base + path, headers, max(1, round(s)), args.connections))
                             for name, path, headers in targets])
            queries = count_queries(base, client_id, workers[0].refresh_token, seeded.api_key)
        finally:
            for worker in workers:
                worker.browser.close()
                worker.app.close()

    print(f"\nLogin with Lockii on {args.db}: {args.bookings:,} demo bookings, {args.seconds:g} s per row, "
          f"one `lockii serve` process, request log at INFO")
    print(f"{'measurement':<60} {'generator':<12} {'per s':>8} {'mean ms':>8} {'spread':>7} {'x healthz':>9}")
    baseline = None
    for name, generator, rate, mean_ms, spread in rows:
        baseline = rate if name.startswith("/healthz") else baseline
        print(f"{name:<60} {generator:<12} {rate:>8.1f} {mean_ms:>8.2f} {spread:>6.0%} {rate / baseline:>9.3f}")
    rest = {name.rsplit(", ", 1)[-1]: rate for name, _, rate, _, _ in rows[-2:]}
    print(f"\nBearer / API key search throughput: {rest['Bearer'] / rest['API key']:.3f}")
    print(f"refresh grants per remembered-consent flow: {rows[1][2] / rows[2][2]:.2f}; "
          f"remembered / first-time flows: {rows[2][2] / rows[3][2]:.2f}")
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")  # transaction control, not data access
    print("SQL statements (of which transaction control): " + ", ".join(
        f"{name} {len(sql)} ({sum(q.startswith(control) for q in sql)})" for name, sql in queries.items()))
    if args.sql:
        print("\nSQL of one refresh grant:\n" + "\n".join(f"  {q[:200]}" for q in queries["refresh grant"]))


if __name__ == "__main__":
    main()
