"""Client ID Metadata Documents: the SSRF guard, document checks, caching.

Rows: protocol.md AS14–AS17, RS13, §5.3; CASE-26(3). The guard is DOT's ``SafeMetadataFetcher`` (through
our ``LockiiMetadataFetcher``), tested with name resolution replaced so no real network is used. The
document checks run against a local HTTP server through ``LoopbackFetcher``, which swaps only the
guarded transport step for a plain loopback request (allowed here in tests, never configured outside).
"""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
import urllib3
from django.core.cache import cache
from django.utils import timezone
from oauth2_provider.cimd import CIMDError

from lockii.oauth.cimd import LockiiMetadataFetcher
from lockii.oauth.models import Application
from tests.oauth.oauth_kit import CB, pkce_pair

CLIENT_URL = "https://client.example/oauth/client.json"


# ---- the SSRF guard (no fetch ever starts) --------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    """Count connection attempts; name resolution answers from a table."""
    attempts = []
    table = {"client.example": ["93.184.216.34"], "metadata.attacker.example": ["169.254.169.254"],
             "127.0.0.1.nip.io": ["127.0.0.1"], "split.example": ["93.184.216.34", "10.0.0.7"],
             "v6.example": ["::ffff:127.0.0.1"], "nat64.example": ["64:ff9b::a9fe:a9fe"]}

    def resolve(host, port, *args, **kwargs):
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
            addresses = [host]
        except OSError:
            if host not in table:
                raise socket.gaierror("unknown host")
            addresses = table[host]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    class NoPool:
        def __init__(self, *args, **kwargs):
            attempts.append(kwargs.get("host"))
            raise AssertionError("a refused client_id URL must never be fetched")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(urllib3, "HTTPSConnectionPool", NoPool)
    return attempts


@pytest.mark.parametrize("client_id", [
    "https://127.0.0.1/x", "https://10.0.0.5/x", "https://192.168.1.1/x", "https://172.16.0.1/x",
    "https://169.254.169.254/latest/meta-data/", "https://[::1]/x", "https://[fe80::1]/x", "https://0.0.0.0/x",
    "https://100.64.0.1/x", "https://metadata.attacker.example/x", "https://127.0.0.1.nip.io/x",
    "https://split.example/x", "https://v6.example/x", "https://nat64.example/x",
    "http://client.example/oauth/client.json", "https://client.example", "https://client.example/a/../b",
    "https://user@client.example/x", "https://client.example/x#frag",
])
def test_the_fetcher_refuses_special_addresses_and_bad_urls_without_connecting(no_network, client_id):
    with pytest.raises(CIMDError):
        LockiiMetadataFetcher().fetch(client_id)
    assert no_network == []


def test_an_authorization_request_naming_a_private_client_url_gets_an_error_page(no_network, browser):
    for client_id in ("https://10.0.0.1/c.json", "http://127.0.0.1:9911/c.json", "https://169.254.169.254/c"):
        verifier, challenge = pkce_pair()
        response = browser.get("/oauth/authorize?" + urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": CB, "state": "S1",
            "code_challenge": challenge, "code_challenge_method": "S256"}))
        assert response.status_code == 400 and "Location" not in response
    assert no_network == [] and not Application.objects.exists()


def test_the_only_outbound_request_carries_nothing_of_the_inbound_one(no_network, monkeypatch, browser):
    """RS13: no token passthrough. The CIMD fetch (the server's only outbound call) is made through
    DOT's real guarded fetcher with its own fixed headers: never the caller's cookie or Authorization."""
    sent = []

    class RecordingPool:
        def __init__(self, *args, **kwargs):
            pass

        def urlopen(self, method, path, headers=None, **kwargs):
            sent.append((method, path, dict(headers or {})))
            raise urllib3.exceptions.ProtocolError("recorded, not sent")

        def close(self):
            pass

    monkeypatch.setattr(urllib3, "HTTPSConnectionPool", RecordingPool)
    cache.clear()
    verifier, challenge = pkce_pair()
    response = browser.get("/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": CLIENT_URL, "redirect_uri": CB, "state": "S1",
        "code_challenge": challenge, "code_challenge_method": "S256"}),
        HTTP_AUTHORIZATION="Bearer inbound-secret-token", HTTP_X_API_KEY="lk_inbound")
    assert response.status_code == 400  # the document could not be fetched
    assert sent == [("GET", "/oauth/client.json",
                     {"Host": "client.example", "Accept": "application/json, application/*+json"})]
    assert browser.cookies and all(c.value not in str(sent) for c in browser.cookies.values())


# ---- documents, through a local server ----------------------------------------------------------

class _Documents:
    """What the local server answers per path, and how many requests each path got."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.hits: dict[str, int] = {}


@pytest.fixture
def server():
    documents = _Documents()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            documents.hits[self.path] = documents.hits.get(self.path, 0) + 1
            status, headers, body = documents.routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    LoopbackFetcher.port = httpd.server_address[1]
    yield documents
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


class LoopbackFetcher(LockiiMetadataFetcher):
    """Tests only: the guarded transport replaced by plain HTTP to the local server (same path)."""

    port = 0

    def fetch_document(self, client_id):
        from oauth2_provider.cimd import _validate_client_id_url

        parsed = _validate_client_id_url(client_id)
        pool = urllib3.HTTPConnectionPool("127.0.0.1", self.port, timeout=urllib3.Timeout(total=5), retries=False)
        try:
            response = pool.urlopen("GET", parsed.path, redirect=False, preload_content=False)
            try:
                return self._read_document(response)
            finally:
                response.release_conn()
        finally:
            pool.close()


@pytest.fixture
def loopback_cimd(db, settings, server):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER,
                                "CIMD_METADATA_FETCHER": "tests.oauth.test_cimd.LoopbackFetcher"}
    cache.clear()  # no failure back-off carried over
    return server


def document(**overrides) -> dict:
    body = {"client_id": CLIENT_URL, "client_name": "Grok", "redirect_uris": [CB],
            "grant_types": ["authorization_code", "refresh_token"], "token_endpoint_auth_method": "none"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def publish(server, body, *, status=200, headers=None, path="/oauth/client.json"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    server.routes[path] = (status, {"Content-Type": "application/json", **(headers or {})}, raw)


def authorize(browser, client_id=CLIENT_URL, redirect_uri=CB):
    verifier, challenge = pkce_pair()
    return browser.get("/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": "S1",
        "scope": "openid", "code_challenge": challenge, "code_challenge_method": "S256"}))


def test_a_valid_document_makes_a_public_client_with_what_it_declared(loopback_cimd, browser):
    publish(loopback_cimd, document(scope="openid profile bogus", application_type="native"),
            headers={"Cache-Control": "max-age=3600"})
    response = authorize(browser)
    assert response.status_code == 200  # the consent page
    app = Application.objects.get(client_id=CLIENT_URL)
    assert app.created_via == "cimd" and app.client_type == "public" and app.company is None
    assert app.token_endpoint_auth_method == "none" and app.application_type == "native"
    assert app.grant_types == ["authorization_code", "refresh_token"] and app.scope == "openid profile"
    assert abs((app.cimd_expires_at - timezone.now()).total_seconds() - 3600) < 60


def test_the_stored_name_has_no_control_or_bidi_characters(loopback_cimd, browser):
    publish(loopback_cimd, document(client_name="Grok \u202egnp.exe\n"))
    assert authorize(browser).status_code == 200
    assert Application.objects.get(client_id=CLIENT_URL).name == "Grok gnp.exe"


def test_the_document_is_cached_per_its_headers_then_fetched_again(loopback_cimd, browser):
    publish(loopback_cimd, document(), headers={"Cache-Control": "max-age=600"})
    authorize(browser)
    authorize(browser)
    assert loopback_cimd.hits["/oauth/client.json"] == 1
    Application.objects.update(cimd_expires_at=timezone.now() - timedelta(seconds=1))
    authorize(browser)
    assert loopback_cimd.hits["/oauth/client.json"] == 2


@pytest.mark.parametrize("body,extra", [
    (document(client_id=CLIENT_URL + "/"), {}),  # must equal the URL exactly
    (document(client_id="https://other.example/oauth/client.json"), {}),
    (document(token_endpoint_auth_method="client_secret_basic"), {}),
    (document(client_secret="s3cret"), {}),
    (document(client_name=None), {}),
    (document(redirect_uris=["http://attacker.example/cb"]), {}),
    (document(redirect_uris=["javascript:alert(1)"]), {}),
    (document(grant_types=["client_credentials"]), {}),
    (document(grant_types=["authorization_code", "implicit"]), {}),
    (document(response_types=["token"]), {}),
    (document(client_name="x" * 6000), {}),  # over the 5 KB limit
    (document(), {"status": 404}),
    (document(), {"status": 500}),
    (document(), {"headers": {"Content-Type": "text/html"}}),
    (b"{not json", {}),
])
def test_an_invalid_or_failed_document_is_refused_and_nothing_is_stored(loopback_cimd, browser, body, extra):
    publish(loopback_cimd, body, **extra)
    response = authorize(browser)
    assert response.status_code == 400 and "Location" not in response
    assert not Application.objects.filter(client_id=CLIENT_URL).exists()


def test_redirects_are_not_followed(loopback_cimd, browser):
    loopback_cimd.routes["/oauth/client.json"] = (302, {"Location": "/elsewhere.json"}, b"")
    publish(loopback_cimd, document(), path="/elsewhere.json")
    assert authorize(browser).status_code == 400
    assert loopback_cimd.hits.get("/elsewhere.json", 0) == 0


def test_a_failed_fetch_is_retried_after_the_back_off_not_remembered(loopback_cimd, browser):
    publish(loopback_cimd, document(), status=500)
    assert authorize(browser).status_code == 400
    publish(loopback_cimd, document())
    cache.clear()  # DOT's per-URL failure back-off (CIMD_FAILURE_BACKOFF_SECONDS) has passed
    assert authorize(browser).status_code == 200


def test_a_redirect_uri_missing_from_the_document_gets_an_error_page(loopback_cimd, browser):
    publish(loopback_cimd, document())
    response = authorize(browser, redirect_uri="http://127.0.0.1:33418/other")
    assert response.status_code == 400 and "Location" not in response


def test_a_metadata_url_cannot_take_over_a_registered_client(loopback_cimd, browser, db):
    Application.objects.create(client_id=CLIENT_URL, name="pre-registered", redirect_uris=CB,
                               client_type="public", authorization_grant_type="authorization-code")
    Application.objects.filter(client_id=CLIENT_URL).update(cimd_expires_at=timezone.now())
    publish(loopback_cimd, document(redirect_uris=["https://attacker.example/cb"]))
    authorize(browser)
    assert Application.objects.get(client_id=CLIENT_URL).redirect_uris == CB
