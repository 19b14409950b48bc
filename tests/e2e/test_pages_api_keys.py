"""Settings → Integrations in real headless Chromium against a real ``lockii serve``: API keys.

Sign in with the real form, create a key, see its secret exactly once, use it with httpx, revoke it,
and see the API answer 401. The page must load with no CSP violation reported by Chromium.
"""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.live_server import live_servers, run_cli
from tests.web.browser import chromium_page, sign_in

pytestmark = pytest.mark.e2e

OWNER = ("owner@alpha.test", "owner-password-1")


@pytest.fixture(scope="module")
def server():
    with live_servers(1) as (servers, env):
        out = run_cli(env, "init", "--company", "Alpha Hire", "--email", OWNER[0], "--password", OWNER[1], "--json")
        yield servers[0], env, json.loads(out)


def test_api_key_is_shown_once_works_and_stops_working_when_revoked(server):
    live, _, created = server
    with chromium_page(base_url=live.url) as page:
        sign_in(page, *OWNER)
        assert page.url == f"{live.url}/settings/integrations"
        assert page.get_by_role("heading", name="User MCP").is_visible()

        page.fill("#id_name", "Zapier")
        with page.expect_navigation() as nav:
            page.get_by_role("button", name="Create API key").click()
        assert nav.value.status == 200
        assert "no-store" in nav.value.headers["cache-control"]
        secret = page.inner_text("#api-key-secret").strip()
        assert secret.startswith("lk_") and len(secret) > 30

        answer = httpx.get(f"{live.url}/api/v1/company", headers={"x-api-key": secret}, timeout=20)
        assert answer.status_code == 200
        assert answer.json()["company"]["id"] == created["company"]["id"]

        # Back on the list: the key is there by name and prefix, its secret is not.
        page.goto("/settings/integrations")
        row = page.locator("tr", has_text="Zapier")
        assert row.count() == 1 and secret[:10] in row.inner_text()
        assert secret not in page.content()
        # Back to the result page: it was no-store, so Chromium keeps no copy to show; it would have
        # to post the form again (making a new key), and it asks the user first.
        with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
            page.go_back()
        page.wait_for_url("chrome-error://**")
        assert secret not in page.content()

        page.goto("/settings/integrations")
        with page.expect_navigation():
            page.get_by_role("button", name="Revoke Zapier").click()
        assert page.url == f"{live.url}/settings/integrations"
        assert "revoked" in page.locator("tr", has_text="Zapier").inner_text()

        refused = httpx.get(f"{live.url}/api/v1/company", headers={"x-api-key": secret}, timeout=20)
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert page.csp_violations == []  # no CSP violation (style, form-action) on any page


def test_pages_carry_the_security_headers(server):
    live, _, _ = server
    with chromium_page(base_url=live.url) as page:
        sign_in(page, *OWNER)
        response = page.goto("/settings/integrations")
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "form-action 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        # The stylesheet really applied under style-src 'self': the nav bar got its dark background.
        background = page.eval_on_selector("nav.top", "el => getComputedStyle(el).backgroundColor")
        assert background == "rgb(29, 35, 48)"
        assert page.csp_violations == []


def test_mcp_url_on_the_page_is_live_and_one_click_selects_it(server):
    live, _, _ = server
    with chromium_page(base_url=live.url) as page:
        sign_in(page, *OWNER)
        snippet = page.locator("pre.snippet").first
        mcp_url = snippet.inner_text().strip()
        assert mcp_url == f"{live.url}/api/mcp/user"
        snippet.click()  # user-select: all, so one click selects the whole URL for copying
        assert page.evaluate("() => window.getSelection().toString()").strip() == mcp_url

        # What an MCP client does with it: an unauthenticated call is told where to sign in.
        answer = httpx.post(mcp_url, timeout=20, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                            headers={"Accept": "application/json, text/event-stream"})
        assert answer.status_code == 401
        assert "resource_metadata=" in answer.headers["www-authenticate"]
        discovery = page.locator("code", has_text="/api/v1/.well-known/oauth-protected-resource").inner_text()
        prm = httpx.get(discovery, timeout=20)
        assert prm.status_code == 200 and prm.json()["resource"] == f"{live.url}/api/v1"
