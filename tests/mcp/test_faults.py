"""A fault inside an action is a JSON-RPC internal error: logged whole, told to nobody."""

from __future__ import annotations

import logging

import pytest
from pydantic import BaseModel

from lockii.actions.registry import Registry, action
from lockii.identity.schemas import NoInput
from tests.mcp.wire import LEGACY, MODERN, initialize, legacy_headers, modern, request, serving


class _Out(BaseModel):
    ok: bool


@pytest.fixture
def broken():
    registry = Registry()

    @action(name="broken_probe", method="GET", path="/broken", input=NoInput, output=_Out, permission=None,
            registry=registry)
    def broken_probe(principal, params):
        """Always fails."""
        raise RuntimeError("database password is hunter2")

    with serving(registry) as http:
        yield http


@pytest.mark.parametrize("era", [LEGACY, MODERN])
def test_a_bug_is_an_internal_error_without_details(mcp_world, broken, caplog, era):
    auth = {"x-api-key": mcp_world.key_a}
    with caplog.at_level(logging.ERROR, logger="lockii.mcp"):
        params = {"name": "broken_probe", "arguments": {}}
        body, headers = modern("tools/call", params, **auth) if era == MODERN else (
            request("tools/call", params), legacy_headers(**auth))
        r = broken.post(body, headers)
    assert r.status_code == 200
    assert r.json()["error"] == {"code": -32603, "message": "Internal error"}
    assert "hunter2" not in r.text
    assert any("hunter2" in rec.exc_text for rec in caplog.records if rec.exc_text)
    assert broken.post(initialize(), legacy_headers(**auth)).status_code == 200  # still serving
