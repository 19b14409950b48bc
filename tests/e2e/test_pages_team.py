"""Settings → Team in real headless Chromium against a real ``lockii serve``.

The owner adds a staff user with the form; the new user signs in (in a second, separate browser
context), sees no Team page; the owner disables them and their very next page load signs them out.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.live_server import live_servers, run_cli
from tests.web.browser import chromium_page, sign_in

pytestmark = pytest.mark.e2e

OWNER = ("owner@team.test", "owner-password-1")
STAFF = ("kim@team.test", "kims-first-password")


def test_owner_adds_limits_and_disables_a_user():
    with live_servers(1) as (servers, env), chromium_page(base_url=servers[0].url) as owner:
        live = servers[0]
        run_cli(env, "init", "--company", "Team Hire", "--email", OWNER[0], "--password", OWNER[1], "--json")
        sign_in(owner, *OWNER)
        owner.get_by_role("link", name="Team").click()
        owner.wait_for_url("**/settings/team")

        owner.fill("#id_email", STAFF[0])
        owner.fill("#id_name", "Kim")
        owner.select_option("#id_role", "staff")
        owner.check("#id_access_0")  # all locations
        owner.fill("#id_password", STAFF[1])
        with owner.expect_navigation():
            owner.get_by_role("button", name="Add user").click()
        row = owner.locator("tr", has_text=STAFF[0])
        assert "staff" in row.inner_text() and "active" in row.inner_text()
        listed = json.loads(run_cli(env, "user", "list", "--json"))
        assert {u["email"]: u["role"] for u in listed}[STAFF[0]] == "staff"

        # Kim, in a browser context of her own (separate cookies).
        kim_context = owner.context.browser.new_context(base_url=live.url)
        try:
            kim = kim_context.new_page()
            sign_in(kim, *STAFF)
            assert kim.url == f"{live.url}/settings/integrations"
            assert kim.get_by_role("link", name="Team").count() == 0
            assert kim.get_by_role("button", name="Create API key").count() == 0
            assert kim.goto("/settings/team").status == 403

            # The owner cannot disable themselves (no button) but can disable Kim.
            owner.get_by_role("link", name=f"Edit {OWNER[0]}").click()
            assert owner.get_by_role("button", name="Disable user").count() == 0
            owner.goto("/settings/team")
            owner.get_by_role("link", name=f"Edit {STAFF[0]}").click()
            with owner.expect_navigation():
                owner.get_by_role("button", name="Disable user").click()
            assert "disabled" in owner.locator("tr", has_text=STAFF[0]).inner_text()

            kim.goto("/settings/integrations")
            assert kim.url.startswith(f"{live.url}/login")  # her session no longer resolves
            kim.fill("#id_email", STAFF[0])
            kim.fill("#id_password", STAFF[1])
            kim.get_by_role("button", name="Sign in").click()
            assert kim.get_by_role("alert").is_visible()  # a disabled account cannot sign in
        finally:
            kim_context.close()
        assert owner.csp_violations == []
