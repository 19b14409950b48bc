"""Where the User MCP server joins the ASGI root (``lockii.asgi``): its routes and its lifespan."""

from __future__ import annotations

from lockii.mcp.server import lifespan, routes

__all__ = ["lifespan", "routes"]
