"""Settings → Integrations → API: what everyone sees, and the User MCP connection help."""

from __future__ import annotations

import html
import json
import re

from django.conf import settings
from django.test import Client

from lockii.web.mcp_help import connection_help

SNIPPETS = re.compile(r'<pre class="snippet"[^>]*>(.*?)</pre>', re.S)


def test_every_role_sees_the_mcp_url_and_how_to_connect(world, signed_in):
    for user in (world.owner_a, world.manager_l1, world.staff_a, world.viewer_a):
        page = signed_in(user).get("/settings/integrations").content.decode()
        snippets = [html.unescape(s) for s in SNIPPETS.findall(page)]
        assert snippets[0] == f"{settings.PUBLIC_URL}/api/mcp/user"
        for name in ("Claude (claude.ai", "ChatGPT", "Claude Code", "Cursor", "VS Code", "mcp-remote"):
            assert name in page, name
        assert f"{settings.PUBLIC_URL}/api/v1/.well-known/oauth-protected-resource" in page
        assert "x-api-key" in page


def test_config_snippets_are_valid_json_naming_the_mcp_url():
    mcp_url = f"{settings.PUBLIC_URL}/api/mcp/user"
    help_ = connection_help()
    for client in help_["clients"] + help_["api_key_fallback"]:
        if client.snippet.startswith("{"):
            config = json.loads(client.snippet)
            assert mcp_url in json.dumps(config), client.name
        elif client.snippet:
            assert mcp_url in client.snippet or help_["rest_base"] in client.snippet, client.name
    vscode = next(c for c in help_["clients"] if c.name == "VS Code")
    assert json.loads(vscode.snippet) == {"servers": {"lockii": {"type": "http", "url": mcp_url}}}


def test_the_discovery_urls_on_the_page_are_served(db):
    help_ = connection_help()
    client = Client()
    for url in (help_["rest_discovery"], help_["mcp_discovery"], help_["as_metadata"]):
        path = url.removeprefix(settings.PUBLIC_URL)
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json()  # a JSON document
    prm = client.get(help_["rest_discovery"].removeprefix(settings.PUBLIC_URL)).json()
    assert prm["resource"] == help_["rest_base"]


def test_user_content_is_escaped(world, signed_in):
    from tests import factories as f

    f.api_key(world.a, name='<img src=x onerror="alert(1)">')
    page = signed_in(world.owner_a).get("/settings/integrations").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page
