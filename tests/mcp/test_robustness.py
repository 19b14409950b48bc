"""Malformed JSON-RPC never crashes or 500s the server (CASE-36); the next request still works.

Rows: protocol.md RS10 (a malformed request with a valid token is 400, not 401); CASE-36.
"""

from __future__ import annotations

import json

import pytest

from tests.mcp.wire import MODERN, initialize, legacy_headers, modern

BAD_BODIES = [
    ("not json", b"NOT JSON", -32700),
    ("empty object", b"{}", None),
    ("batch", b"[]", None),
    ("params not an object", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": "x"}), None),
    ("jsonrpc 1.0", json.dumps({"jsonrpc": "1.0", "id": 1, "method": "initialize"}), None),
    ("deep nesting", b"[" * 10_000 + b"]" * 10_000, None),
    ("huge integer", b'{"jsonrpc":"2.0","id":' + b"9" * 5000 + b',"method":"ping"}', None),
    ("bad utf-8", b'{"jsonrpc":"2.0","id":1,"method":"\xff\xfe"}', None),
]


@pytest.mark.parametrize("era", ["2025-06-18", MODERN])
def test_malformed_body_is_a_4xx_json_rpc_error(mcp, key_a, era):
    headers = modern("tools/list", {}, **key_a)[1] if era == MODERN else legacy_headers(**key_a)
    for what, body, code in BAD_BODIES:
        r = mcp.post(body, headers)
        assert 400 <= r.status_code < 500, (what, r.status_code, r.text[:200])
        error = r.json()["error"]
        assert error["code"] in (-32700, -32600, -32602) if code is None else error["code"] == code, what
        assert "Traceback" not in r.text, what
        assert mcp.post(initialize(), legacy_headers(**key_a)).status_code == 200, what


def test_oversized_body_is_413(mcp, key_a):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": "get_company", "arguments": {"x": "a" * (20 * 1024 * 1024)}}})
    r = mcp.post(body, legacy_headers(**key_a))
    assert r.status_code == 413
    assert mcp.post(initialize(), legacy_headers(**key_a)).status_code == 200


def test_notification_is_accepted_without_a_body(mcp, key_a):
    note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    r = mcp.post(note, legacy_headers(**key_a))
    assert r.status_code == 202
    assert r.content == b""


def test_unknown_method_is_method_not_found(mcp, key_a):
    r = mcp.post({"jsonrpc": "2.0", "id": 7, "method": "resources/list"}, legacy_headers(**key_a))
    assert r.json()["error"]["code"] == -32601
    body, headers = modern("resources/list", {}, **key_a)
    r = mcp.post(body, headers)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == -32601


def test_a_malformed_request_with_a_valid_token_is_400_not_a_challenge(mcp, mcp_world):
    """RS10: with a valid OAuth token, a malformed body is 400 ``-32700``; the token is not blamed."""
    from django.conf import settings

    from tests.mcp.test_access import bearer_for

    auth = bearer_for(mcp_world.manager_l1, settings.MCP_RESOURCE)
    for body in (b"NOT JSON", b'{"jsonrpc":"2.0","id":1,'):
        r = mcp.post(body, legacy_headers(**auth))
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == -32700
        assert "www-authenticate" not in r.headers
    assert mcp.post(initialize(), legacy_headers(**auth)).status_code == 200
