"""Malformed JSON-RPC never crashes or 500s the server (CASE-36); the next request still works.

Rows: protocol.md RS10 (a malformed request with a valid token is 400, not 401); CASE-36.
"""

from __future__ import annotations

import json

import pytest

from tests.mcp.wire import LEGACY, MODERN, initialize, legacy_headers, modern, request

BAD_BODIES = [
    ("not json", b"NOT JSON", -32700),
    ("empty object", b"{}", -32600),
    ("batch", b"[]", -32600),
    ("params not an object", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": "x"}), -32600),
    ("jsonrpc 1.0", json.dumps({"jsonrpc": "1.0", "id": 1, "method": "initialize"}), -32600),
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


# Requests the handshake-era transport used to take for notifications (202, never answered) or
# answered -32602 with a validation dump: each is an Invalid Request that says what is wrong.
BAD_ENVELOPES = [
    ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"}, "id must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": [1], "method": "ping"}, "id must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": True, "method": "ping"}, "id must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": None, "method": "ping"}, "id must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": 1.5, "method": "tools/list"}, "id must be a string or an integer"),
    ({"jsonrpc": "2.0", "id": 1, "method": 5}, "method must be a string"),
    ({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": []}, "params must be an object"),
    ({"jsonrpc": "2.0", "id": 1}, "needs a method"),
    ({"id": 1, "method": "ping"}, 'jsonrpc must be "2.0"'),
    ([{"jsonrpc": "2.0", "id": 1, "method": "ping"}], "batches are not supported"),
    ("ping", "one JSON-RPC message object"),
    (None, "one JSON-RPC message object"),
]


@pytest.mark.parametrize("era", ["2025-06-18", MODERN])
@pytest.mark.parametrize("body, reason", BAD_ENVELOPES)
def test_a_malformed_envelope_is_an_invalid_request_in_both_eras(mcp, key_a, era, body, reason):
    headers = modern("ping", {}, **key_a)[1] if era == MODERN else legacy_headers(**key_a)
    r = mcp.post(json.dumps(body).encode(), headers)
    assert r.status_code == 400, r.text
    answer = r.json()
    assert (answer["jsonrpc"], answer["id"], answer["error"]["code"]) == ("2.0", None, -32600)
    assert reason in answer["error"]["message"]


@pytest.mark.parametrize("header", [LEGACY, "2025-11-25", None])
def test_a_stateless_request_whose_header_names_another_version_is_a_header_mismatch(mcp, key_a, header):
    """protocol.md §2.2: MCP-Protocol-Version must equal the _meta version; mismatch or missing is -32020."""
    body, headers = modern("tools/list", {}, **key_a)
    headers.pop("mcp-protocol-version")
    if header:
        headers["mcp-protocol-version"] = header
    r = mcp.post(body, headers)
    assert r.status_code == 400, r.text
    assert r.json()["id"] == body["id"] and r.json()["error"]["code"] == -32020
    assert MODERN in r.json()["error"]["message"]


def test_a_key_given_twice_is_an_invalid_request(mcp, key_a):
    """The SDK's parser keeps the last copy; which one a caller meant is not guessed."""
    body = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_company","name":"search_bookings"}}'
    r = mcp.post(body, legacy_headers(**key_a))
    assert r.status_code == 400
    assert r.json()["error"] == {"code": -32600, "message": 'Invalid Request: the key "name" appears twice'}


@pytest.mark.parametrize("version", ["2026-01-01", "1999-01-01", "garbage"])
def test_a_protocol_version_we_do_not_serve_is_named_with_the_ones_we_do(mcp, key_a, version):
    """protocol.md §2.2: unsupported version → 400 -32022 listing the supported versions."""
    body = request("tools/list", {})
    r = mcp.post(body, legacy_headers(version, **key_a))
    assert r.status_code == 400
    error = r.json()["error"]
    assert r.json()["id"] == body["id"] and error["code"] == -32022
    assert error["data"]["requested"] == version
    assert {LEGACY, "2025-11-25", MODERN} <= set(error["data"]["supported"])


def test_a_client_response_still_reaches_the_sdk(mcp, key_a):
    """A JSON-RPC response (id with result) is a valid message; only shapes no message has are refused."""
    r = mcp.post({"jsonrpc": "2.0", "id": 3, "result": {}}, legacy_headers(**key_a))
    assert r.status_code == 202, r.text


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
