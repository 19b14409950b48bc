"""The MCP SDK client with an API key (header or query string) against a real ``lockii serve``."""

from __future__ import annotations

import json

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from lockii.actions.registry import load_all
from tests.e2e.live_server import live_servers, run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server():
    with live_servers(1, demo=True) as (servers, env):
        key = json.loads(run_cli(env, "apikey", "create", "--name", "mcp e2e", "--json"))
        yield servers[0], env, key


async def _session(url: str, headers: dict[str, str], mode: str):
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            tools = (await client.list_tools()).tools
            company = await client.call_tool("get_company", {})
            page = await client.call_tool("search_bookings", {"limit": 3, "status": ["confirmed", "active"]})
            missing = await client.call_tool("get_booking", {"id": "booking_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f"})
            return tools, company, page, missing


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28", "auto"])
@pytest.mark.parametrize("where", ["header", "query"])
def test_sdk_client_with_an_api_key(server, mode, where):
    live, env, key = server
    url = f"{live.url}/api/mcp/user"
    headers = {"x-api-key": key["secret"]} if where == "header" else {}
    if where == "query":
        url += f"?api_key={key['secret']}"
    tools, company, page, missing = anyio.run(_session, url, headers, mode)

    assert [t.name for t in tools] == sorted(load_all().names())
    assert company.structured_content["caller"] == {"type": "apikey", "id": key["id"], "email": None,
                                                    "name": None, "oauthClientId": None}
    items = page.structured_content["items"]
    rest = httpx.get(f"{live.url}/api/v1/booking", params={"limit": 3, "status": '["confirmed","active"]'},
                     headers={"x-api-key": key["secret"]})
    assert items == rest.json() and len(items) == 3
    assert {b["status"] for b in items} <= {"confirmed", "active"}
    assert missing.is_error is True and missing.structured_content["code"] == "not_found"


def test_revoked_key_is_refused_at_once(server):
    live, env, _ = server
    key = json.loads(run_cli(env, "apikey", "create", "--name", "short-lived", "--json"))
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"x-api-key": key["secret"], "accept": "application/json", "mcp-protocol-version": "2025-06-18"}
    assert httpx.post(f"{live.url}/api/mcp/user", json=body, headers=headers).status_code == 200
    run_cli(env, "apikey", "revoke", key["id"])
    r = httpx.post(f"{live.url}/api/mcp/user", json=body, headers=headers)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_real_server_guards_host_and_origin(server):
    live, _, key = server
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    base = {"x-api-key": key["secret"], "accept": "application/json", "mcp-protocol-version": "2025-06-18"}
    url = f"{live.url}/api/mcp/user"
    assert httpx.post(url, json=body, headers={**base, "host": "attacker.example"}).status_code == 421
    assert httpx.post(url, json=body, headers={**base, "origin": "http://attacker.example"}).status_code == 403
    ok = httpx.post(url, json=body, headers={**base, "origin": "http://localhost:6274"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "http://localhost:6274"
    assert httpx.post(url + "/", json=body, headers=base).status_code == 404  # exact path only, no redirect
