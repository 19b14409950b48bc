"""The MCP SDK's client with its OAuth provider against a real ``lockii serve`` with demo data.

401 → protected resource metadata → AS metadata → dynamic registration → authorize (login and consent
pages driven like a browser) → token bound to the MCP resource → tools. Then the tokens the MCP
endpoint must refuse, and what each role may see through the tools.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs

import anyio
import httpx
import pytest

from lockii.actions.registry import load_all
from lockii.identity.roles import permissions_for
from tests.e2e.live_server import live_servers
from tests.mcp.oauth_browser import Person, token_for
from tests.mcp.sdk_client import Traffic, sdk_session

pytestmark = pytest.mark.e2e

OWNER = ("owner@fjordtrail.example", "fjord-owner-demo")
MANAGER = ("manager@fjordtrail.example", "fjord-manager-demo")
STAFF = ("staff@fjordtrail.example", "fjord-staff-demo")
MODES = ["legacy", "2026-07-28", "auto"]


@pytest.fixture(scope="module")
def server():
    with live_servers(1, demo=True) as (servers, env):
        yield servers[0], env


def urls(server) -> tuple[str, str, str]:
    base = server[0].url
    return base, f"{base}/api/mcp/user", f"{base}/api/v1"


def person(server, who) -> Person:
    return Person(server[0].url, *who)


def mcp_post(mcp_url: str, token: str, body: dict) -> httpx.Response:
    return httpx.post(mcp_url, json=body, timeout=30, headers={
        "authorization": f"Bearer {token}", "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-06-18"})


TOOLS_LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


def tool_call(name: str, arguments: dict) -> dict:
    return {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": arguments}}


@pytest.mark.parametrize("mode", MODES)
def test_sdk_oauth_client_signs_in_and_calls_tools(server, mode):
    base, mcp_url, api_url = urls(server)
    traffic = Traffic()

    async def main():
        owner = person(server, OWNER)
        try:
            async with sdk_session(mcp_url, owner, mode=mode, traffic=traffic) as (client, storage):
                tools = (await client.list_tools()).tools
                result = await client.call_tool("search_bookings", {"limit": 5})
            rest_token = (await token_for(owner, api_url))["access_token"]
            async with httpx.AsyncClient(timeout=30) as http:
                rest = await http.get(f"{api_url}/booking", params={"limit": 5},
                                      headers={"authorization": f"Bearer {rest_token}"})
            return tools, result, storage.tokens, rest
        finally:
            await owner.aclose()

    tools, result, tokens, rest = anyio.run(main)
    assert [t.name for t in tools] == sorted(load_all().names())
    assert result.is_error is False
    assert rest.status_code == 200
    assert result.structured_content["items"] == rest.json()
    assert len(rest.json()) == 5

    # The discovery sequence a spec-following client walks, in order.
    steps = [(m, p) for m, p, _ in traffic.statuses]
    first_401 = traffic.statuses.index(next(s for s in traffic.statuses if s[2] == 401))
    assert traffic.statuses[first_401][1] == "/api/mcp/user"
    order = [steps.index(("GET", "/.well-known/oauth-protected-resource/api/mcp/user")),
             next(i for i, s in enumerate(steps) if s[0] == "GET" and "oauth-authorization-server" in s[1]
                  or "openid-configuration" in s[1]),
             steps.index(("POST", "/oauth/register")),
             steps.index(("POST", "/oauth/token"))]
    assert first_401 < order[0] and order == sorted(order)
    token_request = next(r for r in traffic.requests if r.url.path == "/oauth/token")
    assert parse_qs(token_request.content.decode())["resource"] == [mcp_url]  # RFC 8707
    assert tokens is not None and tokens.access_token
    # The era the mode asked for is the one spoken (auto finds the 2026-07-28 stateless protocol).
    last_call = [r for r in traffic.requests if r.url.path == "/api/mcp/user"][-1]
    assert last_call.headers["mcp-protocol-version"] == ("2025-11-25" if mode == "legacy" else "2026-07-28")


def test_token_for_the_rest_api_only_is_refused(server):
    _, mcp_url, api_url = urls(server)

    async def main():
        owner = person(server, OWNER)
        try:
            return (await token_for(owner, api_url))["access_token"]
        finally:
            await owner.aclose()

    token = anyio.run(main)
    r = mcp_post(mcp_url, token, TOOLS_LIST)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]
    assert "resource_metadata=" in r.headers["www-authenticate"]
    # The same token is good where it was meant to go.
    assert httpx.get(f"{api_url}/company", headers={"authorization": f"Bearer {token}"}).status_code == 200


def _mcp_token(server, who) -> dict:
    _, mcp_url, _ = urls(server)

    async def main():
        p = person(server, who)
        try:
            return await token_for(p, mcp_url)
        finally:
            await p.aclose()

    return anyio.run(main)


def _expire(env: dict, token: str) -> None:
    """Move the access token's expiry into the past, straight in the server's database."""
    checksum = hashlib.sha256(token.encode()).hexdigest()
    url = env["LOCKII_DATABASE_URL"]
    sql = "UPDATE oauth_accesstoken SET expires = '2000-01-01 00:00:00+00' WHERE token_checksum = {}"
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url[len("sqlite:///"):]) as db:
            assert db.execute(sql.format("?"), (checksum,)).rowcount == 1
    else:
        import psycopg

        with psycopg.connect(url) as db:
            assert db.execute(sql.format("%s"), (checksum,)).rowcount == 1


def test_expired_token_is_refused_on_every_method(server):
    _, mcp_url, _ = urls(server)
    token = _mcp_token(server, OWNER)["access_token"]
    assert mcp_post(mcp_url, token, TOOLS_LIST).status_code == 200
    _expire(server[1], token)
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    for body in (init, TOOLS_LIST, tool_call("get_company", {})):
        r = mcp_post(mcp_url, token, body)
        assert r.status_code == 401, body["method"]
        assert 'error="invalid_token"' in r.headers["www-authenticate"]
        assert "expired" in r.headers["www-authenticate"]


def test_revoked_grant_is_refused(server):
    base, mcp_url, _ = urls(server)
    tokens = _mcp_token(server, OWNER)
    assert mcp_post(mcp_url, tokens["access_token"], TOOLS_LIST).status_code == 200
    r = httpx.post(f"{base}/oauth/revoke", data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token",
                                                 "client_id": tokens["client_id"]})
    assert r.status_code == 200
    r = mcp_post(mcp_url, tokens["access_token"], TOOLS_LIST)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


def test_staff_tool_beyond_their_permission_is_an_error_naming_it(server):
    _, mcp_url, _ = urls(server)
    token = _mcp_token(server, STAFF)["access_token"]
    staff = permissions_for("staff")
    listed = {t["name"] for t in mcp_post(mcp_url, token, TOOLS_LIST).json()["result"]["tools"]}
    beyond = [a for a in load_all() if a.permission and a.permission not in staff]
    assert listed == {a.name for a in load_all()} - {a.name for a in beyond}
    if not beyond:
        pytest.skip("no registered action needs a permission the staff role lacks")
    for action in beyond:
        result = mcp_post(mcp_url, token, tool_call(action.name, {})).json()["result"]
        assert result["isError"] is True, action.name
        problem = result["structuredContent"]
        assert (problem["status"], problem["code"], problem["permission"]) == (403, "permission_denied",
                                                                               action.permission)
        assert action.permission in result["content"][0]["text"]


def _all_bookings(mcp_url: str, token: str, **filters) -> list[dict]:
    items, cursor = [], None
    for _ in range(50):
        arguments = {"limit": 500, **filters, **({"cursor": cursor} if cursor else {})}
        page = mcp_post(mcp_url, token, tool_call("search_bookings", arguments)).json()["result"]
        assert page["isError"] is False, page
        items += page["structuredContent"]["items"]
        cursor = page["structuredContent"]["nextCursor"]
        if not cursor:
            return items
    raise AssertionError("more than 50 pages")


def test_location_limited_manager_never_sees_other_locations(server):
    _, mcp_url, _ = urls(server)
    manager = _mcp_token(server, MANAGER)["access_token"]
    owner = _mcp_token(server, OWNER)["access_token"]
    company = mcp_post(mcp_url, manager, tool_call("get_company", {})).json()["result"]["structuredContent"]
    mine = set(company["locations"])
    assert company["role"] == "manager" and len(mine) == 1

    everything = _all_bookings(mcp_url, owner)
    visible = _all_bookings(mcp_url, manager)
    elsewhere = [b for b in everything if b["location"]["id"] not in mine]
    assert visible and elsewhere  # the demo data has bookings on both sides
    assert {b["location"]["id"] for b in visible} == mine
    assert {b["id"] for b in visible} == {b["id"] for b in everything if b["location"]["id"] in mine}

    other_location = elsewhere[0]["location"]["id"]
    assert _all_bookings(mcp_url, manager, locationID=other_location) == []
    result = mcp_post(mcp_url, manager, tool_call("get_booking", {"id": elsewhere[0]["id"]})).json()["result"]
    assert result["isError"] is True
    assert result["structuredContent"]["status"] == 404
    assert elsewhere[0]["id"] in result["structuredContent"]["detail"]  # the id asked for, nothing more
    assert other_location not in str(result)
