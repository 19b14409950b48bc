"""Settings refuse unsafe deployments at start-up, with a message naming the option."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SECRET = "s" * 40


def _load(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOCKII_")}
    clean.update(env)
    return subprocess.run([sys.executable, "-c", "import lockii.settings"], env=clean,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000",
                                 "https://dash.example.com"])
def test_https_or_loopback_public_urls_start(url, tmp_path):
    done = _load(LOCKII_PUBLIC_URL=url, LOCKII_SECRET_KEY=SECRET, LOCKII_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr


def test_plain_http_on_a_network_address_is_refused_outside_dev(tmp_path):
    done = _load(LOCKII_PUBLIC_URL="http://dash.example.com", LOCKII_SECRET_KEY=SECRET, LOCKII_DATA_DIR=str(tmp_path))
    assert done.returncode != 0 and "must use https" in done.stderr
    trial = _load(LOCKII_PUBLIC_URL="http://192.168.1.20:8000", LOCKII_DEV="1", LOCKII_DATA_DIR=str(tmp_path))
    assert trial.returncode == 0, trial.stderr


@pytest.mark.parametrize("url", ["https://dash.example.com/lockii", "ftp://dash.example.com", "dash.example.com"])
def test_public_url_must_be_an_origin(url, tmp_path):
    done = _load(LOCKII_PUBLIC_URL=url, LOCKII_SECRET_KEY=SECRET, LOCKII_DATA_DIR=str(tmp_path))
    assert done.returncode != 0 and "LOCKII_PUBLIC_URL" in done.stderr


def test_a_secret_is_required_outside_dev(tmp_path):
    done = _load(LOCKII_DATA_DIR=str(tmp_path))
    assert done.returncode != 0 and "LOCKII_SECRET_KEY" in done.stderr
    short = _load(LOCKII_SECRET_KEY="short", LOCKII_DATA_DIR=str(tmp_path))
    assert short.returncode != 0


def test_extra_allowed_hosts_add_to_the_public_host_and_loopback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCKII_")}
    env.update(LOCKII_PUBLIC_URL="https://tunnel.example.com", LOCKII_SECRET_KEY=SECRET,
               LOCKII_DATA_DIR=str(tmp_path), LOCKII_ALLOWED_HOSTS="lockii.internal")
    out = subprocess.run([sys.executable, "-c", "import lockii.settings as s; print(','.join(s.ALLOWED_HOSTS))"],
                         env=env, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert out.split(",") == ["tunnel.example.com", "127.0.0.1", "localhost", "[::1]", "lockii.internal"]
