"""Browsers for end-to-end OAuth flows against a real ``lockii serve``.

- ``chromium()``: a fresh headless Debian Chromium driven by Playwright (bounded waits only).
- ``FormBrowser``: an httpx client that holds the session cookie and fills in our sign-in and
  consent forms as a browser would (CSRF token taken from the page, same-origin ``Origin``).
- ``callback_listener()``: a real loopback HTTP server standing in for a native app's redirect URI.
- ``discover`` / ``register``: what an OAuth client does first, from the protected resource
  metadata to dynamic client registration.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.oauth.authorize_kit import consent_form, forms_in

CHROMIUM = os.environ.get("LOCKII_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 20_000
HTTP_TIMEOUT_S = 20


@contextmanager
def chromium():
    """A Playwright browser context in a fresh headless Chromium; every wait bounded by TIMEOUT_MS."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=TIMEOUT_MS)
        try:
            context = browser.new_context()
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            yield context
            context.close()
        finally:
            browser.close()


@dataclass
class Callback:
    """What the loopback redirect URI received."""

    url: str
    hits: list[str] = field(default_factory=list)

    def params(self) -> dict[str, str]:
        assert len(self.hits) == 1, f"expected one redirect, got {self.hits}"
        return {k: v[0] for k, v in parse_qs(urlsplit(self.hits[0]).query).items()}


@contextmanager
def callback_listener(path: str = "/callback"):
    """A real HTTP server on 127.0.0.1 (free port) recording every request to its redirect URI."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CallbackHandler)
    callback = Callback(url=f"http://127.0.0.1:{server.server_address[1]}{path}")
    server.callback, server.callback_path = callback, path
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield callback
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _CallbackHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if urlsplit(self.path).path != self.server.callback_path:  # e.g. the browser's /favicon.ico
            self.send_error(404)
            return
        self.server.callback.hits.append(self.path)
        body = b"<!doctype html><title>Signed in</title><p id=done>You can close this window.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


class FormBrowser:
    """A cookie-holding httpx client that signs in and answers the consent page like a user would."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(follow_redirects=False, timeout=HTTP_TIMEOUT_S)

    def close(self) -> None:
        self.http.close()

    def get(self, url: str) -> httpx.Response:
        return self.http.get(urljoin(self.base_url + "/", url))

    def post_form(self, page: httpx.Response, form: dict, **values: str) -> httpx.Response:
        """POST ``form`` (read from ``page``) to its action with ``values`` filled in, same-origin."""
        target = urljoin(str(page.url), form["action"] or str(page.url))
        return self.http.post(target, data={**form["fields"], **values},
                              headers={"Origin": self.base_url, "Referer": str(page.url)})

    def sign_in(self, login_page: httpx.Response, email: str, password: str) -> httpx.Response:
        assert login_page.status_code == 200, login_page.text[:500]
        form = next(f for f in forms_in(login_page.text) if "password" in f["fields"])
        return self.post_form(login_page, form, email=email, password=password)

    def consent(self, consent_page: httpx.Response, decision: str = "approve") -> httpx.Response:
        assert consent_page.status_code == 200, consent_page.text[:500]
        return self.post_form(consent_page, consent_form(consent_page.text), decision=decision)

    def authorize(self, authorization_url: str, email: str, password: str, decision: str = "approve") -> httpx.Response:
        """Follow an authorization URL through sign-in and consent to the redirect meant for the client."""
        response = self.http.get(authorization_url)
        for _ in range(6):  # authorize → login → authorize → consent → client: a bounded walk
            location = response.headers.get("location", "")
            if response.status_code in (302, 303) and not location.startswith(("/", self.base_url)):
                return response  # leaving our site: the answer for the client
            if response.status_code in (302, 303):
                response = self.get(location)
            elif 'name="password"' in response.text:
                response = self.sign_in(response, email, password)
            elif 'value="approve"' in response.text:
                response = self.consent(response, decision)
            else:
                raise AssertionError(f"unexpected page {response.status_code} at {response.url}: {response.text[:500]}")
        raise AssertionError("the authorization flow did not reach the client")


def discover(base_url: str, resource_path: str = "/api/v1") -> tuple[dict, dict]:
    """(protected resource metadata, authorization server metadata), as an OAuth client finds them."""
    prm = httpx.get(f"{base_url}{resource_path}/.well-known/oauth-protected-resource", timeout=HTTP_TIMEOUT_S)
    assert prm.status_code == 200, prm.text
    issuer = prm.json()["authorization_servers"][0]
    asm = httpx.get(f"{issuer}/.well-known/oauth-authorization-server", timeout=HTTP_TIMEOUT_S)
    assert asm.status_code == 200, asm.text
    assert asm.json()["issuer"] == issuer
    return prm.json(), asm.json()


def register(metadata: dict, redirect_uri: str, *, name: str = "e2e client",
             scope: str = "openid profile email offline_access") -> dict:
    """Dynamic client registration (RFC 7591) of a public client."""
    response = httpx.post(metadata["registration_endpoint"], timeout=HTTP_TIMEOUT_S, json={
        "client_name": name, "redirect_uris": [redirect_uri], "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"], "token_endpoint_auth_method": "none", "scope": scope,
        "application_type": "native",
    })
    assert response.status_code == 201, response.text
    return response.json()
