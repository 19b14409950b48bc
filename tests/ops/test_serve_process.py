"""A real ``lockii serve`` process: request log lines, readiness without a database, graceful stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.live_server import LOCKII, free_port, live_servers, server_env

pytestmark = pytest.mark.e2e
WAIT_S = 30


def wait_for(predicate, what: str, timeout: float = WAIT_S):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)  # polling interval; the deadline bounds the wait
    raise AssertionError(f"timed out waiting for {what}")


def log_line_with(log: Path, request_id: str):
    for raw in log.read_text().splitlines():
        if request_id in raw:
            return json.loads(raw)
    return None


def test_each_request_logs_one_json_line_with_secrets_redacted():
    secret = "lk_do_not_log_me_0123456789"
    with live_servers(1, LOCKII_LOG_LEVEL="INFO", LOCKII_TRUSTED_PROXIES="127.0.0.1") as (servers, _):
        server = servers[0]
        r = httpx.get(f"{server.url}/api/v1/company", params={"api_key": secret},
                      headers={"X-Request-ID": "e2e-trace-0001", "X-Forwarded-For": "198.51.100.77"})
        assert r.status_code == 401 and r.headers["x-request-id"] == "e2e-trace-0001"
        line = wait_for(lambda: log_line_with(server.log, "e2e-trace-0001"), "the request log line")
        assert line["path"] == "/api/v1/company" and line["status"] == 401
        assert line["query"] == "api_key=%5Bredacted%5D"
        assert line["ip"] == "198.51.100.77"
        fresh = httpx.get(f"{server.url}/healthz").headers["x-request-id"]
        wait_for(lambda: log_line_with(server.log, fresh), "the second log line")
        text = server.log.read_text()
        assert secret not in text
        assert sum(1 for raw in text.splitlines() if "e2e-trace-0001" in raw) == 1


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_exits_zero_promptly_even_with_an_idle_connection(stop):
    with live_servers(1) as (servers, _):
        server = servers[0]
        idle = socket.create_connection(("127.0.0.1", server.port), timeout=5)  # keep-alive client
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert b"200 OK" in idle.recv(4096)
        started = time.monotonic()
        server.proc.send_signal(stop)
        code = server.proc.wait(timeout=15)
        elapsed = time.monotonic() - started
        idle.close()
        output = server.log.read_text()
        assert code == 0, output
        assert elapsed < 5
        assert "Traceback" not in output
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{server.url}/healthz", timeout=2)


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def test_sigterm_lets_an_in_flight_request_finish():
    """A request whose body is still arriving when SIGTERM comes gets its full answer, then exit 0."""
    body = b"email=a%40b.example&password=not-the-password&csrfmiddlewaretoken=" + b"a" * 32
    head = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Cookie: csrftoken=" + b"a" * 32 + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    with live_servers(1) as (servers, _):
        server = servers[0]
        with socket.create_connection(("127.0.0.1", server.port), timeout=15) as conn:
            # Headers complete, body not: the login view (CSRF check) is now waiting to read the rest.
            conn.sendall(head + body[:10])
            server.proc.send_signal(signal.SIGTERM)
            wait_for(lambda: _refuses_connections(server.port), "the server to stop accepting connections")
            assert server.proc.poll() is None, "exited with a request in flight"
            conn.sendall(body[10:])
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = conn.recv(4096)
                assert chunk, f"connection closed before an answer: {answer!r}"
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 ") and b" 500 " not in answer.split(b"\r\n")[0]
        assert server.proc.wait(timeout=15) == 0


def _unreachable_database(tmp: str) -> str:
    """A database URL that cannot be opened: a closed PostgreSQL port, or a SQLite file in no folder."""
    if os.environ.get("LOCKII_TEST_DATABASE_URL", "").startswith("postgres"):
        return f"postgresql://lockii:lockii@127.0.0.1:{free_port()}/lockii_gone"
    return f"sqlite:///{tmp}/missing-folder/lockii.sqlite3"


def test_readyz_is_503_while_the_database_is_unreachable():
    with tempfile.TemporaryDirectory(prefix="lockii-nodb-") as tmp:
        port = free_port()
        env = server_env(_unreachable_database(tmp), port, tmp)
        log = Path(tmp) / "server.log"
        with log.open("w") as out:
            proc = subprocess.Popen([LOCKII, "serve", "--no-migrate", "--port", str(port)], env=env,
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"

            def alive():
                assert proc.poll() is None, log.read_text()
                try:
                    return httpx.get(url + "/healthz", timeout=2).status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(alive, "the server to answer /healthz")
            r = httpx.get(url + "/readyz", timeout=10)
            assert r.status_code == 503
            assert r.json() == {"status": "unavailable", "detail": "OperationalError"}
        finally:
            proc.terminate()
            assert proc.wait(timeout=15) == 0
