"""Start real ``lockii serve`` processes for end-to-end tests, each bound to a free port.

On PostgreSQL every server group gets its own fresh database; on SQLite its own file. Waits are
bounded: a server that is not ready in 60 s fails the test with its output attached.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

READY_TIMEOUT_S = 60
LOCKII = str(Path(sys.executable).with_name("lockii"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_database():
    """A database URL for a server group: a new PostgreSQL database or a new SQLite file."""
    base = os.environ.get("LOCKII_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        with tempfile.TemporaryDirectory(prefix="lockii-e2e-") as tmp:
            yield f"sqlite:///{tmp}/lockii.sqlite3"
        return
    import psycopg

    name = "lockii_e2e_" + uuid.uuid4().hex[:12]
    parts = urlsplit(base)
    admin = psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def server_env(database_url: str, port: int, data_dir: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOCKII_", "DJANGO_"))}
    env.update({
        "LOCKII_DATABASE_URL": database_url,
        "LOCKII_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOCKII_SECRET_KEY": "e2e-secret-" + "x" * 40,
        "LOCKII_DATA_DIR": data_dir,
        "LOCKII_LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``lockii <args>`` with ``env``; return stdout, failing loudly on a non-zero exit."""
    done = subprocess.run([LOCKII, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"lockii {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


class LiveServer:
    def __init__(self, env: dict[str, str], port: int):
        self.env, self.port = env, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.log = Path(env["LOCKII_DATA_DIR"]) / f"server-{port}.log"

    def start(self, *, migrate: bool = True) -> "LiveServer":
        """Start serving on a socket bound here first: requests queue in its backlog until the server
        accepts them, so the first one simply waits for start-up (bounded by its timeout), no polling."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        args = [LOCKII, "serve", "--fd", str(listener.fileno())]
        if not migrate:
            args.append("--no-migrate")
        with listener, self.log.open("w") as log:  # the child keeps its own copies of both
            self.proc = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         pass_fds=(listener.fileno(),))
        try:
            ready = httpx.get(self.url + "/readyz", timeout=READY_TIMEOUT_S)
        except httpx.TransportError as exc:  # the server died: its copy of the socket closed with it
            self.stop()
            raise AssertionError(f"lockii serve did not start ({exc!r}):\n{self.log.read_text()}") from None
        if ready.status_code != 200:
            self.stop()
            raise AssertionError(f"lockii serve not ready ({ready.status_code}):\n{self.log.read_text()}")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@contextmanager
def live_servers(count: int = 1, *, demo: bool = False, **extra_env: str):
    """``count`` servers sharing one fresh database. Yields (servers, env of the first)."""
    with fresh_database() as url, tempfile.TemporaryDirectory(prefix="lockii-live-") as data_dir:
        ports = [free_port() for _ in range(count)]
        # All nodes of one deployment share a public URL; the first node's port stands for it.
        env = server_env(url, ports[0], data_dir, **extra_env)
        run_cli(env, "migrate", "--no-input", "-v", "0")
        if demo:
            run_cli(env, "demo", "--bookings", "300", "--customers", "50")
        servers = []
        try:
            for port in ports:
                node_env = dict(env, LOCKII_ALLOWED_HOSTS=f"127.0.0.1,localhost")
                servers.append(LiveServer(node_env, port).start(migrate=False))
            yield servers, env
        finally:
            for s in servers:
                s.stop()
