"""Two ``lockii serve`` nodes sharing one database: OAuth state is shared, not per process.

A code issued by node 1 is redeemed at node 2; a token revoked at node 1 is refused by node 2 at
once; consent and sign-in sessions made on one node hold on the other.
"""

from __future__ import annotations

import secrets

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client

from tests.e2e.browser import HTTP_TIMEOUT_S, FormBrowser, discover, register
from tests.e2e.live_server import live_servers
from tests.e2e.test_oauth_flow import demo_manager, query_params

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

CB = "http://127.0.0.1:33418/callback"


def on_node(url: str, issuer: str, node: str) -> str:
    """``url`` (from metadata, which names the shared public origin) sent to ``node`` instead."""
    assert url.startswith(issuer)
    return node + url[len(issuer):]


def test_a_code_from_node_one_is_redeemed_at_node_two_and_revocation_is_shared():
    with live_servers(2, demo=True) as (servers, env):
        node1, node2 = servers[0].url, servers[1].url
        manager = demo_manager(env)
        _prm, asm = discover(node1)
        issuer = asm["issuer"]
        registered = register(asm, CB, name="cluster client")
        verifier = secrets.token_urlsafe(48)
        with OAuth2Client(client_id=registered["client_id"], redirect_uri=CB, scope="openid profile",
                          code_challenge_method="S256", token_endpoint_auth_method="none",
                          timeout=HTTP_TIMEOUT_S) as client:
            url, state = client.create_authorization_url(on_node(asm["authorization_endpoint"], issuer, node1),
                                                         code_verifier=verifier)
            browser = FormBrowser(node1)
            try:
                answer = browser.authorize(url, manager["email"], manager["password"])
                # The session and the remembered consent made on node 1 also hold on node 2.
                browser.base_url = node2
                url2, _ = client.create_authorization_url(on_node(asm["authorization_endpoint"], issuer, node2),
                                                          code_verifier=secrets.token_urlsafe(48))
                again = browser.http.get(url2)
                assert again.status_code == 302 and "code" in query_params(again.headers["location"])
            finally:
                browser.close()
            got = query_params(answer.headers["location"])
            assert got["state"] == state and got["iss"] == issuer

            token = client.fetch_token(on_node(asm["token_endpoint"], issuer, node2), code=got["code"],
                                       code_verifier=verifier)
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            for node in (node1, node2):
                assert httpx.get(f"{node}/api/v1/booking", params={"limit": 1}, headers=headers,
                                 timeout=HTTP_TIMEOUT_S).status_code == 200
            # The same code again, now at node 1: single use across the cluster.
            replay = httpx.post(on_node(asm["token_endpoint"], issuer, node1), timeout=HTTP_TIMEOUT_S, data={
                "grant_type": "authorization_code", "code": got["code"], "redirect_uri": CB,
                "client_id": registered["client_id"], "code_verifier": verifier})
            assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

            # Fresh tokens (the replay revoked the first family), revoked at node 1, refused by node 2.
            location, verifier = _second_sign_in(client, asm, issuer, node1, manager)
            fresh = client.fetch_token(on_node(asm["token_endpoint"], issuer, node1),
                                       authorization_response=location, code_verifier=verifier)
            fresh_headers = {"Authorization": f"Bearer {fresh['access_token']}"}
            assert httpx.get(f"{node2}/api/v1/booking", params={"limit": 1}, headers=fresh_headers,
                             timeout=HTTP_TIMEOUT_S).status_code == 200
            revoke = httpx.post(on_node(asm["revocation_endpoint"], issuer, node1), timeout=HTTP_TIMEOUT_S,
                                data={"token": fresh["access_token"], "client_id": registered["client_id"]})
            assert revoke.status_code == 200
            refused = httpx.get(f"{node2}/api/v1/booking", params={"limit": 1}, headers=fresh_headers,
                                timeout=HTTP_TIMEOUT_S)
            assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]


def _second_sign_in(client, asm, issuer, node, manager):
    verifier = secrets.token_urlsafe(48)
    url, _ = client.create_authorization_url(on_node(asm["authorization_endpoint"], issuer, node),
                                             code_verifier=verifier)
    browser = FormBrowser(node)
    try:
        answer = browser.authorize(url, manager["email"], manager["password"])
    finally:
        browser.close()
    return answer.headers["location"], verifier
