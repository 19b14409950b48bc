"""Sign-in and consent in a real headless Chromium, landing on a real loopback redirect URI.

What only a browser shows: the consent form's POST from a ``Referrer-Policy: no-referrer`` page
(Chromium sends ``Origin: null``) passes CSRF, the site CSP lets the 303 go on to the client's
redirect URI, the page cannot be framed, and the code that arrives can be exchanged.
"""

from __future__ import annotations

import secrets

import pytest
from authlib.integrations.httpx_client import OAuth2Client

from tests.e2e.browser import HTTP_TIMEOUT_S, callback_listener, chromium, discover, register
from tests.e2e.live_server import live_servers
from tests.e2e.test_oauth_flow import demo_manager

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def server():
    with live_servers(1, demo=True) as (servers, env):
        yield servers[0].url, demo_manager(env)


def sign_in(page, base: str, manager: dict) -> None:
    page.fill("#id_email", manager["email"])
    page.fill("#id_password", manager["password"])
    page.click("button[type=submit]")


def test_sign_in_and_consent_in_chromium_then_exchange_the_code(server):
    base, manager = server
    with callback_listener() as callback, chromium() as context:
        _prm, asm = discover(base)
        registered = register(asm, callback.url, name="Chromium <b>test</b> app")
        verifier = secrets.token_urlsafe(48)
        with OAuth2Client(client_id=registered["client_id"], redirect_uri=callback.url, scope="openid profile",
                          code_challenge_method="S256", token_endpoint_auth_method="none",
                          timeout=HTTP_TIMEOUT_S) as client:
            url, state = client.create_authorization_url(asm["authorization_endpoint"], code_verifier=verifier,
                                                         resource=f"{base}/api/v1")
            page = context.new_page()
            page.goto(url)
            page.wait_for_url(f"{base}/login?**")
            sign_in(page, base, manager)

            page.wait_for_url(f"{base}/oauth/authorize?**")
            consent = page.locator("main")
            assert "Chromium <b>test</b> app" in consent.inner_text()  # shown as text, not markup
            assert "this computer" in consent.inner_text()
            assert page.locator("[data-testid=unverified]").is_visible()
            responses = []
            page.on("response", lambda r: responses.append(r) if r.request.method == "POST" else None)
            page.click("button[value=approve]")
            page.wait_for_url(callback.url + "?**")
            page.locator("#done").wait_for()

            consent_post = next(r for r in responses if r.url.startswith(f"{base}/oauth/authorize"))
            assert consent_post.status == 303
            # Why the consent POST's CSRF check accepts Origin: null (lockii.oauth.authorize).
            assert consent_post.request.all_headers().get("origin") == "null"
            got = callback.params()
            assert got["state"] == state and got["iss"] == asm["issuer"]
            token = client.fetch_token(asm["token_endpoint"], code=got["code"], code_verifier=verifier)
            assert token["access_token"] and token["id_token"]
            assert client.get(f"{base}/api/v1/booking", params={"limit": 1}).status_code == 200


def test_the_consent_page_refuses_to_be_framed(server):
    base, manager = server
    with callback_listener() as callback, chromium() as context:
        _prm, asm = discover(base)
        registered = register(asm, callback.url)
        with OAuth2Client(client_id=registered["client_id"], redirect_uri=callback.url, scope="openid",
                          code_challenge_method="S256", timeout=HTTP_TIMEOUT_S) as client:
            url, _state = client.create_authorization_url(asm["authorization_endpoint"],
                                                          code_verifier=secrets.token_urlsafe(48))
        page = context.new_page()
        page.goto(f"{base}/login")
        sign_in(page, base, manager)
        page.wait_for_url(f"{base}/settings/**")
        # A page on another origin (the loopback listener's) tries to frame the consent page.
        page.goto(callback.url)
        with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused, \
                page.expect_response(lambda r: r.url.startswith(f"{base}/oauth/authorize")) as framed:
            page.set_content(f'<iframe id="f" src="{url}" width="600" height="400"></iframe>')
        assert framed.value.status == 200  # the signed-in user's consent page, which Chromium refuses to show
        assert "'none'" in refused.value.text
