"""Building MCP requests by hand, for both protocol eras, and driving the real ASGI root in-process.

The app runs on an event loop in a background thread (an anyio blocking portal), with its lifespan
entered as uvicorn would, so tests stay plain sync functions and keep the database on their own
thread. Tests that use it need committed data (``transactional_db``): tool calls run on the MCP
worker threads, which cannot see an uncommitted test transaction.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal

BASE = "http://127.0.0.1:8000"
PATH = "/api/mcp/user"
LEGACY = "2025-06-18"
LEGACY_LATEST = "2025-11-25"
MODERN = "2026-07-28"
ACCEPT = "application/json, text/event-stream"
_ids = itertools.count(1)


def legacy_headers(version: str = LEGACY, **extra: str) -> dict[str, str]:
    return {"content-type": "application/json", "accept": ACCEPT, "mcp-protocol-version": version, **extra}


def initialize(version: str = LEGACY) -> dict:
    return {"jsonrpc": "2.0", "id": next(_ids), "method": "initialize",
            "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}


def request(method: str, params: dict | None = None) -> dict:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": next(_ids), "method": method}
    if params is not None:
        body["params"] = params
    return body


def modern(method: str, params: dict | None = None, **extra_headers: str) -> tuple[dict, dict[str, str]]:
    """A 2026-07-28 request: the envelope in ``_meta`` and the routing headers that must mirror it."""
    params = dict(params or {})
    params["_meta"] = {"io.modelcontextprotocol/protocolVersion": MODERN,
                       "io.modelcontextprotocol/clientCapabilities": {},
                       "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "0"}}
    headers = {"content-type": "application/json", "accept": ACCEPT, "mcp-protocol-version": MODERN,
               "mcp-method": method, **extra_headers}
    if method == "tools/call":
        headers["mcp-name"] = params["name"]
    return request(method, params), headers


class McpHttp:
    """Sync calls into the ASGI app; ``post`` sends JSON, ``send`` anything."""

    def __init__(self, portal, client: httpx.AsyncClient):
        self.portal, self.client = portal, client

    def send(self, method: str, url: str = PATH, **kwargs) -> httpx.Response:
        return self.portal.call(lambda: self.client.request(method, url, **kwargs))

    def post(self, body: Any, headers: dict[str, str], url: str = PATH) -> httpx.Response:
        content = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.send("POST", url, content=content, headers=headers)

    def call_tool(self, name: str, arguments: dict | None, auth: dict[str, str], era: str = LEGACY) -> dict:
        """tools/call in ``era``; returns the JSON-RPC result (asserting a 200 JSON-RPC success)."""
        params = {"name": name, "arguments": arguments or {}}
        if era == MODERN:
            body, headers = modern("tools/call", params, **auth)
        else:
            body, headers = request("tools/call", params), legacy_headers(era, **auth)
        r = self.post(body, headers)
        assert r.status_code == 200, r.text
        return r.json()["result"]

    def list_tools(self, auth: dict[str, str], era: str = LEGACY) -> list[dict]:
        if era == MODERN:
            body, headers = modern("tools/list", {}, **auth)
        else:
            body, headers = request("tools/list"), legacy_headers(era, **auth)
        r = self.post(body, headers)
        assert r.status_code == 200, r.text
        return r.json()["result"]["tools"]


@contextlib.contextmanager
def running_app(app=None):
    """The ASGI root with its lifespan entered, and a portal to call into it."""
    if app is None:
        from lockii.asgi import application as app
    with start_blocking_portal() as portal:
        with portal.wrap_async_context_manager(app.router.lifespan_context(app)):
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
            try:
                yield portal, client
            finally:
                portal.call(client.aclose)


@contextlib.contextmanager
def serving(registry):
    """An app serving only ``registry``'s actions at the MCP path (for tools the product lacks)."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    from lockii.mcp.endpoint import McpEndpoint

    endpoint = McpEndpoint(registry)
    app = Starlette(routes=[Route(PATH, endpoint=endpoint)], lifespan=lambda app: endpoint.running())
    with running_app(app) as (portal, client):
        yield McpHttp(portal, client)
