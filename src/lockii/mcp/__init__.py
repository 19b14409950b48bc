"""The User MCP server at /api/mcp/user: every registry action as a tool (see lockii.mcp.server)."""
