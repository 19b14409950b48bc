"""A real OAuth client library against our server: Authlib's httpx client, in-process over WSGI.

The client discovers the endpoints, registers dynamically, builds the authorization URL with PKCE,
exchanges the code with each client-authentication method, refreshes, introspects and revokes; the
ID token is checked with joserfc against our JWKS. Only the user's browser step (sign-in and consent)
is the Django test client.

Rows: protocol.md AS2–AS6, AS10, AS12, AS13, B33, O3, O8–O12; CASE-41.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oauth.authorize_kit import consent_form


CALLBACK = "http://127.0.0.1:33418/callback"


class _SameConnection:
    """Our WSGI app, keeping the test transaction's connection open across requests.

    Django's own test client does the same (django.test.client.ClientHandler): without it,
    ``close_old_connections`` would close the connection in the middle of the test's transaction.
    """

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def transport(monkeypatch, db):
    """Our Django app as an httpx transport, in process."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the test issuer is http://127.0.0.1:8000
    return httpx2.WSGITransport(app=_SameConnection())


@pytest.fixture
def discovered(transport):
    with httpx2.Client(transport=transport) as http:
        metadata = http.get(f"{settings.PUBLIC_URL}/.well-known/openid-configuration").json()
        jwks = http.get(metadata["jwks_uri"]).json()
    return metadata, jwks


def register(transport, metadata, method: str) -> dict:
    with httpx2.Client(transport=transport) as http:
        response = http.post(metadata["registration_endpoint"], json={
            "client_name": "authlib", "redirect_uris": [CALLBACK], "token_endpoint_auth_method": method,
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "scope": "openid profile email offline_access", "application_type": "native"})
    assert response.status_code == 201, response.text
    return response.json()


def sign_in_and_approve(browser, authorization_url: str) -> str:
    """The user's part: open the URL, approve, return the callback URL the browser is sent to."""
    path = authorization_url.removeprefix(settings.PUBLIC_URL)
    page = browser.get(path)
    form = consent_form(page.content.decode())
    response = browser.post(form["action"] or "/oauth/authorize", dict(form["fields"], decision="approve"))
    assert response.status_code == 303
    return response["Location"]


@pytest.mark.parametrize("method", ["none", "client_secret_post", "client_secret_basic"])
def test_a_standard_client_completes_the_whole_lifecycle(transport, discovered, browser, world, method):
    metadata, jwks = discovered
    registration = register(transport, metadata, method)
    client = OAuth2Client(
        client_id=registration["client_id"], client_secret=registration.get("client_secret"),
        token_endpoint_auth_method=method, revocation_endpoint_auth_method=method,
        redirect_uri=CALLBACK, scope="openid profile email offline_access", code_challenge_method="S256",
        transport=transport)
    verifier = "v" * 20 + "-" + "x" * 43
    url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier,
                                                 nonce="n-123", resource=settings.MCP_RESOURCE)
    callback = sign_in_and_approve(browser, url)
    assert parse_qs(urlsplit(callback).query)["iss"] == [settings.PUBLIC_URL]

    token = client.fetch_token(metadata["token_endpoint"], authorization_response=callback, state=state,
                               code_verifier=verifier, resource=settings.MCP_RESOURCE)
    assert token["token_type"] == "Bearer" and token["refresh_token"]

    claims = jwt.decode(token["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert claims["iss"] == metadata["issuer"] == settings.PUBLIC_URL
    assert claims["aud"] == registration["client_id"] and claims["nonce"] == "n-123"
    assert claims["sub"] == world.manager_l1.pk

    userinfo = client.get(metadata["userinfo_endpoint"])
    assert userinfo.status_code == 200 and userinfo.json()["sub"] == claims["sub"]

    refreshed = client.refresh_token(metadata["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]

    if method != "none":
        introspection = client.introspect_token(metadata["introspection_endpoint"], token=refreshed["access_token"])
        assert introspection.json()["active"] is True and introspection.json()["aud"] == [settings.MCP_RESOURCE]

    revoked = client.revoke_token(metadata["revocation_endpoint"], token=refreshed["refresh_token"],
                                  token_type_hint="refresh_token")
    assert revoked.status_code == 200
    assert client.get(metadata["userinfo_endpoint"]).status_code == 401


def test_the_client_sees_rfc6749_errors(transport, discovered):
    metadata, _ = discovered
    registration = register(transport, metadata, "client_secret_post")
    client = OAuth2Client(client_id=registration["client_id"], client_secret="wrong",
                          token_endpoint_auth_method="client_secret_post", redirect_uri=CALLBACK, transport=transport)
    with pytest.raises(Exception) as raised:
        client.fetch_token(metadata["token_endpoint"], grant_type="authorization_code", code="nope",
                           code_verifier="x" * 43)
    assert "invalid_client" in str(raised.value)
