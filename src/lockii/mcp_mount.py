"""Hook where the User MCP server joins the ASGI root. Filled in by lockii.mcp."""

from __future__ import annotations

import contextlib


def routes() -> list:
    try:
        from lockii.mcp.server import routes as mcp_routes
    except ImportError:
        return []
    return mcp_routes()


@contextlib.asynccontextmanager
async def lifespan():
    try:
        from lockii.mcp.server import lifespan as mcp_lifespan
    except ImportError:
        yield
        return
    async with mcp_lifespan():
        yield
