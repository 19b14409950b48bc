"""Login with Lockii in real headless Chromium, then Settings → Connected apps.

A dynamically registered native client sends the user to /oauth/authorize; Chromium signs in on our
page, approves on the consent page and is redirected to the client's loopback redirect URI. That
redirect follows a form POST to another origin, which a ``form-action 'self'`` policy would block in
Chromium: this test is what keeps the sign-in and consent pages free of it. Then the user finds the
app under Connected apps and disconnects it: its access and refresh tokens stop working.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.e2e.live_server import live_servers, run_cli
from tests.web.browser import chromium_page, sign_in

pytestmark = pytest.mark.e2e

USER = ("ana@connected.test", "anas-password-1")


class _Callback(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits.append(self.path)
        body = b"<!doctype html><title>Done</title><p id=done>Signed in.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def loopback_redirect_uri():
    """A real program on this computer listening at its redirect URI, as a native app does."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Callback)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback", server.hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_user_approves_an_app_in_chromium_then_disconnects_it():
    with live_servers(1) as (servers, env), loopback_redirect_uri() as (redirect_uri, hits):
        base = servers[0].url
        run_cli(env, "init", "--company", "Connected Hire", "--email", USER[0], "--password", USER[1])
        registered = httpx.post(f"{base}/oauth/register", timeout=20, json={
            "client_name": "Desk Helper", "redirect_uris": [redirect_uri], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "application_type": "native", "scope": "openid profile email offline_access"})
        assert registered.status_code == 201, registered.text
        client_id = registered.json()["client_id"]
        verifier, challenge = pkce()
        state = secrets.token_urlsafe(16)
        authorize = f"{base}/oauth/authorize?" + urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": state,
            "scope": "openid profile offline_access", "code_challenge": challenge, "code_challenge_method": "S256"})

        with chromium_page(base_url=base) as page:
            page.goto(authorize)
            page.wait_for_url("**/login?**")
            page.fill("#id_email", USER[0])
            page.fill("#id_password", USER[1])
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Approve").click()  # waits for the consent page
            page.wait_for_url(f"{redirect_uri}?**")
            assert page.inner_text("#done") == "Signed in."
            assert page.csp_violations == []
            arrivals = [h for h in hits if h.startswith("/callback?")]  # Chromium also asks for /favicon.ico
            assert len(arrivals) == 1
            params = {k: v[0] for k, v in parse_qs(urlsplit(arrivals[0]).query).items()}
            assert params["state"] == state and params["iss"] == base

            tokens = httpx.post(f"{base}/oauth/token", timeout=20, data={
                "grant_type": "authorization_code", "code": params["code"], "redirect_uri": redirect_uri,
                "client_id": client_id, "code_verifier": verifier})
            assert tokens.status_code == 200, tokens.text
            access, refresh = tokens.json()["access_token"], tokens.json()["refresh_token"]
            bearer = {"Authorization": f"Bearer {access}"}
            assert httpx.get(f"{base}/api/v1/company", headers=bearer, timeout=20).status_code == 200

            page.goto("/settings/integrations")
            row = page.locator("tr", has_text="Desk Helper")
            assert "offline_access" in row.inner_text()
            with page.expect_navigation():
                page.get_by_role("button", name="Disconnect Desk Helper").click()
            assert page.locator("tr", has_text="Desk Helper").count() == 0
            assert page.csp_violations == []

        assert httpx.get(f"{base}/api/v1/company", headers=bearer, timeout=20).status_code == 401
        refreshed = httpx.post(f"{base}/oauth/token", timeout=20, data={
            "grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id})
        assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
