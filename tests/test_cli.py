"""The ``lockii`` entry point: the advertised public URL follows ``lockii serve``'s port."""

from __future__ import annotations

import os

import pytest

from lockii.cli import _default_public_url


@pytest.mark.parametrize("args, env, expected", [
    (["--port", "8011"], {}, "http://127.0.0.1:8011"),
    (["--host", "127.0.0.1", "--port=8012"], {}, "http://127.0.0.1:8012"),
    ([], {"LOCKII_PORT": "8013"}, "http://127.0.0.1:8013"),
    (["--port", "8011"], {"LOCKII_PUBLIC_URL": "https://dash.example.com"}, "https://dash.example.com"),
    ([], {}, None),  # the settings' own default (port 8000)
    (["--port", "8000"], {}, None),
])
def test_serving_on_another_port_advertises_that_port(monkeypatch, args, env, expected):
    for name in ("LOCKII_PUBLIC_URL", "LOCKII_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _default_public_url(args)
    assert os.environ.get("LOCKII_PUBLIC_URL") == expected
