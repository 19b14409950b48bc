"""The low-level MCP server: tools/list and tools/call answered from the action registry.

Arguments are validated by ``run_action`` (the same path REST takes: permission check, input
model, one transaction), never by the SDK, so every surface reports the same errors. The caller's
Principal was resolved by the HTTP edge (``lockii.mcp.endpoint``) before the SDK saw the request.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import mcp_types as types
from mcp.server import Server
from mcp.server.caching import CacheHint
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError

from lockii.actions.run import run_action
from lockii.errors import LockiiError
from lockii.identity.principal import Principal
from lockii.mcp import results
from lockii.mcp.bridge import SyncBridge
from lockii.mcp.tools import ToolCatalog

log = logging.getLogger("lockii.mcp")

INSTRUCTIONS = (
    "Lockii runs unattended equipment hire for one company (its locations, catalogue, customers and "
    "bookings); the tools are the ones in the tool list. You act as the signed-in user, with their role, "
    "permissions and locations; the tool list shows only what they may use. Call get_company first "
    "to learn the company, its currency and what the caller may do. Times are Unix milliseconds "
    "(UTC); money is integer cents. List tools return {items, nextCursor}: pass nextCursor back as "
    "'cursor' for the next page. A failed call returns isError with problem details (code, status, "
    "detail and per-field errors) to correct the arguments from."
)
# tools/list depends on the caller's permissions: a client may reuse it for a minute, for that caller only.
TOOLS_LIST_CACHE = CacheHint(ttl_ms=60_000, scope="private")


def _version() -> str:
    try:
        return version("lockii")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


def principal_of(ctx: ServerRequestContext[Any, Any]) -> Principal:
    """The Principal the HTTP edge stored on this request."""
    request = ctx.request
    principal = getattr(getattr(request, "state", None), "principal", None) if request is not None else None
    if not isinstance(principal, Principal):
        # Only reachable if the server is mounted without lockii.mcp.endpoint in front of it.
        raise MCPError(code=types.INVALID_REQUEST, message="Unauthenticated request")
    return principal


def build_server(bridge: SyncBridge, catalog: ToolCatalog) -> Server:
    """A Server whose tools are ``catalog``'s actions; sync work runs on ``bridge``."""

    async def list_tools(ctx: ServerRequestContext, params: types.PaginatedRequestParams | None):
        # Every tool fits one page, so a cursor (which we never hand out) changes nothing.
        return catalog.listing(principal_of(ctx))

    async def call_tool(ctx: ServerRequestContext, params: types.CallToolRequestParams):
        spec = catalog.get(params.name)
        if spec is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name[:100]}")
        principal = principal_of(ctx)
        try:
            result = await bridge.run(run_action, spec.action, principal, params.arguments or {})
            return results.success(spec, result)
        except LockiiError as exc:
            return results.failure(exc)
        except Exception:
            # A fault of ours, not of the arguments: log it whole, tell the client nothing internal.
            log.exception("tool %s failed", params.name)
            raise MCPError(code=types.INTERNAL_ERROR, message="Internal error") from None

    return Server(
        "lockii", version=_version(), title="Lockii", instructions=INSTRUCTIONS,
        website_url=None, on_list_tools=list_tools, on_call_tool=call_tool,
        get_tool_input_schema=catalog.input_schema, cache_hints={"tools/list": TOOLS_LIST_CACHE},
    )
