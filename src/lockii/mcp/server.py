"""The User MCP server as the ASGI root mounts it: one route and a lifespan."""

from __future__ import annotations

import contextlib

from starlette.routing import Route

from lockii.mcp.endpoint import PATH, McpEndpoint

_endpoint: McpEndpoint | None = None


def endpoint() -> McpEndpoint:
    global _endpoint
    if _endpoint is None:
        _endpoint = McpEndpoint()
    return _endpoint


def routes() -> list[Route]:
    """Exactly ``/api/mcp/user``, every method. Sub-paths (``/.well-known/…``) and a trailing slash
    fall through to Django: a ``Mount`` would answer the bare path with a 307 to ``/api/mcp/user/``."""
    return [Route(PATH, endpoint=endpoint(), name="mcp_user")]


@contextlib.asynccontextmanager
async def lifespan():
    """Run the MCP session manager (and its worker threads) for the life of the app."""
    async with endpoint().running():
        yield
