"""How to connect AI clients to the User MCP server: URLs and copyable snippets for each client."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ClientHelp:
    name: str
    steps: str
    snippet: str = ""


def _json(value) -> str:
    return json.dumps(value, indent=2)


def connection_help() -> dict:
    """URLs and per-client instructions, built from LOCKII_PUBLIC_URL."""
    mcp_url = settings.MCP_RESOURCE
    clients = [
        ClientHelp("Claude (claude.ai, Desktop, mobile)",
                   "Settings → Connectors → Add custom connector. Paste the MCP URL and leave the OAuth "
                   "fields empty; Claude registers itself and opens the Lockii sign-in page."),
        ClientHelp("ChatGPT",
                   "Settings → Apps & Connectors (Connectors on some plans) → Advanced: turn on Developer mode, "
                   "then Create. Paste the MCP URL and choose OAuth; ChatGPT registers itself."),
        ClientHelp("Claude Code", "Run this, then /mcp inside Claude Code to sign in:",
                   f"claude mcp add --transport http lockii {mcp_url}"),
        ClientHelp("Cursor", "Add to ~/.cursor/mcp.json (or .cursor/mcp.json in a project):",
                   _json({"mcpServers": {"lockii": {"url": mcp_url}}})),
        ClientHelp("VS Code", "Add to .vscode/mcp.json, then start the server from the file:",
                   _json({"servers": {"lockii": {"type": "http", "url": mcp_url}}})),
        ClientHelp("Other clients (mcp-remote)",
                   "Clients that only speak stdio can use the mcp-remote bridge (Node.js 18+):",
                   _json({"mcpServers": {"lockii": {"command": "npx", "args": ["-y", "mcp-remote", mcp_url]}}})),
    ]
    api_key_fallback = [
        ClientHelp("Claude Code with an API key", "",
                   f'claude mcp add --transport http lockii {mcp_url} --header "x-api-key: $LOCKII_API_KEY"'),
        ClientHelp("mcp-remote with an API key", "",
                   _json({"mcpServers": {"lockii": {
                       "command": "npx",
                       "args": ["-y", "mcp-remote", mcp_url, "--header", "x-api-key:${LOCKII_API_KEY}"],
                       "env": {"LOCKII_API_KEY": "<your API key>"}}}})),
        ClientHelp("REST with an API key", "",
                   f'curl "{settings.API_RESOURCE}/company" -H "x-api-key: $LOCKII_API_KEY"'),
    ]
    return {
        "url": mcp_url,
        "mcp_discovery": f"{mcp_url}/.well-known/oauth-protected-resource",
        "rest_base": settings.API_RESOURCE,
        "rest_discovery": f"{settings.API_RESOURCE}/.well-known/oauth-protected-resource",
        "as_metadata": f"{settings.API_RESOURCE}/.well-known/oauth-authorization-server",
        "clients": clients,
        "api_key_fallback": api_key_fallback,
    }
