"""Real headless Chromium for page tests (Debian's /usr/bin/chromium driven by Playwright).

Each ``chromium_page()`` gets a fresh browser with an empty profile, and every wait is bounded by
the page's default timeout: an element or navigation that does not come fails the test.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("LOCKII_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 15_000


def require_chromium() -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")


@contextmanager
def chromium_page(*, base_url: str):
    """A Playwright page in a fresh headless Chromium; ``page.csp_violations`` collects what Chromium
    blocked because of the Content-Security-Policy (it reports those on the console)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True, timeout=TIMEOUT_MS)
        try:
            context = browser.new_context(base_url=base_url)
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.csp_violations = []
            page.on("console", lambda msg: page.csp_violations.append(msg.text)
                    if msg.type == "error" and "Content Security Policy" in msg.text else None)
            yield page
            context.close()
        finally:
            browser.close()


def sign_in(page, email: str, password: str) -> None:
    """Use the real sign-in form and wait for the page it lands on."""
    page.goto("/login")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
