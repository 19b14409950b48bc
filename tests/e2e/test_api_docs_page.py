"""The interactive API docs render in a real browser under the site's strict CSP (no CDN, no inline script)."""

from __future__ import annotations

import pytest

from tests.e2e.live_server import live_servers
from tests.web.browser import chromium_page

pytestmark = pytest.mark.e2e


def test_swagger_ui_renders_every_operation_without_csp_violations():
    with live_servers(1) as (servers, _env):
        with chromium_page(base_url=servers[0].url) as page:
            page.goto("/api/v1/docs")
            page.wait_for_selector("#operations-default-search_bookings, [id*='search_bookings']")
            text = page.inner_text("#swagger-ui")
            for name in ("get_company", "search_bookings", "get_booking"):
                assert name in page.content(), name
            assert "Lockii API" in text
            assert page.csp_violations == []
