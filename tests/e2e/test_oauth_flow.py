"""Login with Lockii end to end: Authlib's OAuth client over httpx against a real ``lockii serve``.

Discovery from the API's protected resource metadata → AS metadata → DCR → authorize (sign-in and
consent forms, as a browser posts them) → token → ID token checked against JWKS → userinfo →
REST call as that user (a manager limited to one location sees only it) → refresh → reuse of an
old refresh token revokes the family → revocation.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.e2e.browser import HTTP_TIMEOUT_S, FormBrowser, discover, register
from tests.e2e.live_server import live_servers, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

CB = "http://127.0.0.1:33418/callback"
SCOPE = "openid profile email offline_access"


def demo_manager(env) -> dict:
    """The demo's location-limited manager (email, password, location ids) from ``lockii demo --json``."""
    users = json.loads(run_cli(env, "demo", "--if-empty", "--json"))["users"]
    return next(u for u in users if u["role"] == "manager" and u["locations"])


def items(body) -> list[dict]:
    return body["items"] if isinstance(body, dict) else body


def query_params(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query)
    assert all(len(v) == 1 for v in parsed.values()), url
    return {k: v[0] for k, v in parsed.items()}


def oauth_client(asm: dict, client_id: str) -> OAuth2Client:
    return OAuth2Client(client_id=client_id, redirect_uri=CB, scope=SCOPE, code_challenge_method="S256",
                        token_endpoint_auth_method="none", timeout=HTTP_TIMEOUT_S)


def sign_in_for_code(base: str, asm: dict, client: OAuth2Client, user: dict, resource: str, **extra):
    """Authorization URL → sign-in → consent → the redirect the client receives; (params, verifier, nonce)."""
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(asm["authorization_endpoint"], code_verifier=verifier,
                                                 nonce=nonce, resource=resource, **extra)
    browser = FormBrowser(base)
    try:
        answer = browser.authorize(url, user["email"], user["password"])
    finally:
        browser.close()
    assert answer.status_code in (302, 303), answer.text[:300]
    location = answer.headers["location"]
    assert location.startswith(CB + "?")
    got = query_params(location)
    assert got["state"] == state and got["iss"] == asm["issuer"] and "code" in got, got
    return location, verifier, nonce


def company_key(env) -> str:
    return json.loads(run_cli(env, "apikey", "create", "--name", "e2e comparison", "--json"))["secret"]


@pytest.fixture(scope="module")
def server():
    """One demo server: (base URL, the location-limited manager, a company API key)."""
    with live_servers(1, demo=True) as (servers, env):
        yield servers[0].url, demo_manager(env), company_key(env)


def test_login_with_lockii_end_to_end(server):
    base, manager, key = server
    # The company as a whole has active bookings elsewhere, so the manager's view is a real filter.
    everything = httpx.get(f"{base}/api/v1/booking", params={"status": "active", "limit": 200},
                           headers={"x-api-key": key}, timeout=HTTP_TIMEOUT_S)
    assert {row["location"]["id"] for row in items(everything.json())} - set(manager["locations"])
    prm, asm = discover(base, "/api/v1")
    api_resource = prm["resource"]
    assert api_resource == f"{base}/api/v1" and asm["issuer"] == base
    assert asm["code_challenge_methods_supported"] == ["S256"]
    assert asm["authorization_response_iss_parameter_supported"] is True
    registered = register(asm, CB)
    with oauth_client(asm, registered["client_id"]) as client:
        check_full_flow(base, manager, api_resource, asm, registered, client)


def check_full_flow(base, manager, api_resource, asm, registered, client):
    location, verifier, nonce = sign_in_for_code(base, asm, client, manager, api_resource)
    token = client.fetch_token(asm["token_endpoint"], authorization_response=location, code_verifier=verifier,
                               resource=api_resource)
    assert token["token_type"].lower() == "bearer" and token["refresh_token"] and token["id_token"]

    # The ID token, verified with the published keys.
    jwks = KeySet.import_key_set(httpx.get(asm["jwks_uri"], timeout=HTTP_TIMEOUT_S).json())
    id_token = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    assert id_token.header["alg"] == "RS256" and id_token.header["kid"]
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": asm["issuer"]}, aud={"essential": True, "value": registered["client_id"]},
        nonce={"essential": True, "value": nonce}, sub={"essential": True}, auth_time={"essential": True},
    ).validate(id_token.claims)

    # Userinfo speaks for the same subject.
    info = client.get(asm["userinfo_endpoint"])
    assert info.status_code == 200 and info.json()["sub"] == id_token.claims["sub"]
    assert info.json()["email"] == manager["email"]

    # The REST API answers as that user: only the manager's location.
    bookings = client.get(f"{base}/api/v1/booking", params={"status": "active", "limit": 10})
    assert bookings.status_code == 200, bookings.text
    rows = items(bookings.json())
    assert rows and {row["location"]["id"] for row in rows} <= set(manager["locations"])

    # Refresh rotates; presenting the old refresh token again revokes the whole family.
    first_refresh = token["refresh_token"]
    rotated = client.refresh_token(asm["token_endpoint"], refresh_token=first_refresh)
    assert rotated["refresh_token"] != first_refresh and rotated["access_token"] != token["access_token"]
    assert client.get(f"{base}/api/v1/booking", params={"limit": 1}).status_code == 200
    reuse = httpx.post(asm["token_endpoint"], timeout=HTTP_TIMEOUT_S, data={
        "grant_type": "refresh_token", "refresh_token": first_refresh, "client_id": registered["client_id"]})
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    after = httpx.post(asm["token_endpoint"], timeout=HTTP_TIMEOUT_S, data={
        "grant_type": "refresh_token", "refresh_token": rotated["refresh_token"], "client_id": registered["client_id"]})
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
    revoked_call = httpx.get(f"{base}/api/v1/booking", timeout=HTTP_TIMEOUT_S,
                             headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert revoked_call.status_code == 401 and 'error="invalid_token"' in revoked_call.headers["www-authenticate"]

    # A new sign-in (consent is remembered: no page), then revocation ends it.
    location, verifier, _ = sign_in_for_code(base, asm, client, manager, api_resource)
    fresh = client.fetch_token(asm["token_endpoint"], authorization_response=location, code_verifier=verifier)
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert httpx.get(f"{base}/api/v1/booking", headers=headers, timeout=HTTP_TIMEOUT_S).status_code == 200
    revoke = httpx.post(asm["revocation_endpoint"], timeout=HTTP_TIMEOUT_S,
                        data={"token": fresh["refresh_token"], "client_id": registered["client_id"]})
    assert revoke.status_code == 200
    assert httpx.get(f"{base}/api/v1/booking", headers=headers, timeout=HTTP_TIMEOUT_S).status_code == 401
    again = httpx.post(asm["token_endpoint"], timeout=HTTP_TIMEOUT_S, data={
        "grant_type": "refresh_token", "refresh_token": fresh["refresh_token"], "client_id": registered["client_id"]})
    assert again.status_code == 400


def test_a_trailing_slash_resource_works_at_authorize_token_and_mcp(server):
    """CASE-08: one policy everywhere; the slash spelling is normalised, never half-accepted."""
    base, manager, _key = server
    prm, asm = discover(base, "/api/mcp/user")
    slash = prm["resource"] + "/"
    with oauth_client(asm, register(asm, CB, name="slash client")["client_id"]) as client:
        location, verifier, _ = sign_in_for_code(base, asm, client, manager, slash)
        token = client.fetch_token(asm["token_endpoint"], authorization_response=location, code_verifier=verifier,
                                   resource=slash)
    init = httpx.post(prm["resource"], timeout=HTTP_TIMEOUT_S, headers={
        "Authorization": f"Bearer {token['access_token']}", "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18",
    }, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
    assert init.status_code == 200, init.text
    # Bound to the MCP resource only: the REST API refuses it (CASE-06).
    rest = httpx.get(f"{base}/api/v1/booking", timeout=HTTP_TIMEOUT_S,
                     headers={"Authorization": f"Bearer {token['access_token']}"})
    assert rest.status_code == 401


def test_errors_reach_the_client_with_state_and_iss(server):
    base, manager, _key = server
    _prm, asm = discover(base)
    client = oauth_client(asm, register(asm, CB, name="deny client")["client_id"])
    url, state = client.create_authorization_url(asm["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48))
    browser = FormBrowser(base)
    try:
        denied = browser.authorize(url, manager["email"], manager["password"], decision="deny")
        assert denied.status_code == 303
        got = query_params(denied.headers["location"])
        assert (got["error"], got["state"], got["iss"]) == ("access_denied", state, asm["issuer"])
        evil, _ = client.create_authorization_url(asm["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48),
                                                  resource="https://evil.example/")
        bad = browser.http.get(evil)
        assert bad.status_code == 302 and query_params(bad.headers["location"])["error"] == "invalid_target"
        unregistered = browser.http.get(url.replace("33418%2Fcallback", "33418%2Fother"))
        assert unregistered.status_code == 400 and "location" not in unregistered.headers
    finally:
        browser.close()
        client.close()
