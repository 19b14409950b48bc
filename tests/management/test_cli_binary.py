"""The real ``lockii`` console script in a subprocess, on a fresh database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import tempfile

import pytest

from tests.e2e.live_server import LOCKII, free_port, fresh_database, run_cli, server_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def env():
    """Environment for a fresh, empty database nobody has migrated yet."""
    with fresh_database() as url, tempfile.TemporaryDirectory(prefix="lockii-cli-") as data_dir:
        yield server_env(url, free_port(), data_dir)


def lockii(env, *args, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([LOCKII, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_a_database_not_migrated_yet_is_one_clear_line_not_a_traceback(env):
    done = lockii(env, "company", "list")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "lockii migrate" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 2


def test_migrate_from_empty_then_manage_users_and_keys(env):
    run_cli(env, "migrate", "--no-input", "-v", "0")
    plan = run_cli(env, "showmigrations", "--plan")
    assert "[ ]" not in plan and "[X]" in plan  # every migration applied
    assert lockii(env, "makemigrations", "--check", "--dry-run").returncode == 0, "models and migrations differ"

    init = json.loads(run_cli(env, "init", "--company", "Binary Hire", "--email", "o@bin.example",
                              "--password", "long enough pw", "--json"))
    assert init["company"]["slug"] == "binary-hire"
    key = json.loads(run_cli(env, "apikey", "create", "--name", "ci", "--json"))
    assert key["secret"].startswith("lk_") and key["company"] == "binary-hire"

    bad = lockii(env, "user", "add", "--email", "x@bin.example", "--password", "long enough pw", "--role", "boss")
    assert bad.returncode == 1
    assert "Unknown role 'boss'" in bad.stderr and "Traceback" not in bad.stderr
    missing = lockii(env, "user", "add", "--company", "nope", "--email", "x@bin.example",
                     "--password", "long enough pw", "--role", "staff")
    assert missing.returncode == 1 and "No company with slug or id 'nope'" in missing.stderr
    usage = lockii(env, "apikey", "create")
    assert usage.returncode != 0 and "--name" in usage.stderr


def test_demo_prints_exactly_one_json_object(env):
    run_cli(env, "migrate", "--no-input", "-v", "0")
    done = lockii(env, "demo", "--bookings", "200", "--customers", "30", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)  # the whole stdout is one JSON document
    assert body["api_key"].startswith("lk_") and len(body["users"]) == 3
    again = lockii(env, "demo", "--if-empty")
    assert again.returncode == 0 and "nothing seeded" in again.stdout
    refused = lockii(env, "demo")
    assert refused.returncode == 1 and "--if-empty" in refused.stderr


def test_help_lists_our_commands(tmp_path):
    out = run_cli(server_env(f"sqlite:///{tmp_path}/unused.sqlite3", free_port(), str(tmp_path)), "help")
    for name in ("serve", "init", "demo", "user", "apikey", "company"):
        assert name in out
