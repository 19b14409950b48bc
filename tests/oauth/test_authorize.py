"""/oauth/authorize: client and redirect checks, error routing, state, iss, response types, headers.

Rows: protocol.md B1–B3, B5, B14–B16, B27, B29, B30, AS7, AS9, AS13, O2, O19; cases CASE-09, 11, 12.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from lockii.oauth.models import Consent, Grant
from tests.oauth.authorize_kit import (  # noqa: F401 (app, user_client: fixtures)
    AUTHZ, CB, PASSWORD, app, assert_error_page, authorize, consented, location_base, location_params, make_client,
    params, post_consent, user_client,
)
from tests.oauth.test_redirects import ALLOWED as ALLOWED_REDIRECTS

# ---- redirect URI: exact match, error page, never a redirect (CASE-09, B1, AS7, O2, O19) -------

@pytest.mark.parametrize("redirect_uri", [
    "https://attacker.example/cb",
    CB + "/extra",
    CB + "x",
    CB + "?x=1",
    CB + "/",
    "http://127.0.0.1:33418/Callback",
    "http://127.0.0.1:33418/%63allback",
    CB + "#frag",
    "http://user@127.0.0.1:33418/callback",
    "https://127.0.0.1:33418/callback",
    "http://localhost:33418/callback",
    "//127.0.0.1:33418/callback",
    "/callback",
    "javascript:alert(1)",
])
def test_a_redirect_uri_not_registered_gets_an_error_page_even_after_consent(user_client, app, redirect_uri):
    consented(user_client, app)
    grants_before = Grant.objects.count()
    response = authorize(user_client, app, redirect_uri=redirect_uri)
    assert_error_page(response)
    assert Grant.objects.count() == grants_before  # no code minted


def test_a_missing_redirect_uri_uses_the_only_registered_one(user_client, app):
    consented(user_client, app)
    response = authorize(user_client, app, drop=["redirect_uri"])
    assert response.status_code == 302
    assert location_base(response) == CB and "code" in location_params(response)


def test_a_missing_redirect_uri_with_two_registered_is_an_error_page(user_client, db):
    two = make_client(redirect_uris=(CB, "http://127.0.0.1:33418/other"))
    assert_error_page(authorize(user_client, two, drop=["redirect_uri"]))


@pytest.mark.parametrize("client_id", ["does-not-exist", "", "https://attacker.example/client.json#x"])
def test_an_unknown_client_gets_an_error_page_not_its_redirect(user_client, client_id):
    response = user_client.get(AUTHZ, {"response_type": "code", "client_id": client_id,
                                       "redirect_uri": "https://attacker.example/cb", "state": "S1"})
    assert_error_page(response)


def test_an_unknown_client_gets_the_error_page_before_any_sign_in(db):
    response = Client().get(AUTHZ, {"response_type": "code", "client_id": "does-not-exist",
                                    "redirect_uri": "https://attacker.example/cb", "state": "S1"})
    assert_error_page(response)


@pytest.mark.parametrize("response_type", ["token", "code id_token", "id_token", "code token"])
def test_other_response_types_with_an_unregistered_redirect_get_the_error_page(user_client, app, response_type):
    assert_error_page(authorize(user_client, app, response_type=response_type,
                                redirect_uri="https://attacker.example/cb"))


def test_a_duplicated_client_id_is_an_error_page(user_client, app):
    query = params(app)
    response = user_client.get(AUTHZ + "?client_id=" + app.client_id + "&" + urlencode(query))
    assert_error_page(response)


def test_a_stored_http_redirect_to_a_remote_host_is_refused_at_authorize(user_client, db):
    # Registration refuses it (B3); a row written some other way is refused again here.
    legacy = make_client(redirect_uris=("http://evil.example/cb",))
    assert_error_page(authorize(user_client, legacy, redirect_uri="http://evil.example/cb"))


# ---- loopback: any port, nothing else relaxed (CASE-12, AS9, B2) --------------------------------

@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:51004/callback", "http://127.0.0.1/callback"])
def test_a_loopback_redirect_may_use_any_port(user_client, app, redirect_uri):
    consented(user_client, app)
    response = authorize(user_client, app, redirect_uri=redirect_uri)
    assert response.status_code == 302
    assert location_base(response) == redirect_uri
    assert Grant.objects.filter(redirect_uri=redirect_uri).count() == 1


@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:51004/other", "https://127.0.0.1:51004/callback",
                                          "http://localhost:51004/callback", "http://[::1]:51004/callback"])
def test_a_loopback_redirect_may_not_change_anything_but_the_port(user_client, app, redirect_uri):
    assert_error_page(authorize(user_client, app, redirect_uri=redirect_uri))


def test_localhost_and_ipv6_loopback_keep_their_literal_host_with_any_port(user_client, db):
    local = make_client(redirect_uris=("http://localhost:3118/callback", "http://[::1]/cb"))
    page = authorize(user_client, local, redirect_uri="http://localhost:4000/callback")
    assert page.status_code == 200
    assert authorize(user_client, local, redirect_uri="http://[::1]:4000/cb").status_code == 200
    assert_error_page(authorize(user_client, local, redirect_uri="http://127.0.0.1:4000/callback"))


def test_a_remote_https_redirect_may_not_change_its_port(user_client, db):
    web = make_client(redirect_uris=("https://app.example.com/cb",))
    assert authorize(user_client, web, redirect_uri="https://app.example.com/cb").status_code == 200
    assert_error_page(authorize(user_client, web, redirect_uri="https://app.example.com:8443/cb"))


def test_a_private_use_scheme_redirect_gets_its_code(user_client, db):
    desktop = make_client(redirect_uris=("cursor://anysphere.cursor-mcp/oauth/callback",))
    page = authorize(user_client, desktop, redirect_uri="cursor://anysphere.cursor-mcp/oauth/callback")
    response = post_consent(user_client, page)
    assert response.status_code == 303
    assert response["Location"].startswith("cursor://anysphere.cursor-mcp/oauth/callback?code=")


# ---- errors to a valid redirect URI, with state and iss (CASE-11, B14, B15, B16, AS13) ----------

@pytest.mark.parametrize("response_type", ["token", "code id_token", "id_token token", "none"])
def test_a_response_type_other_than_code_is_unsupported(user_client, app, response_type):
    response = authorize(user_client, app, response_type=response_type)
    assert response.status_code == 302 and location_base(response) == CB
    got = location_params(response)
    assert got["error"] == "unsupported_response_type"
    assert got["state"] == "S1" and got["iss"] == settings.PUBLIC_URL


def test_a_missing_response_type_is_an_invalid_request(user_client, app):
    got = location_params(authorize(user_client, app, drop=["response_type"]))
    assert got["error"] == "invalid_request" and got["state"] == "S1" and got["iss"] == settings.PUBLIC_URL


@pytest.mark.parametrize("scope", ["unknown_scope", "read write", "openid admin"])  # CASE-11 (5), CASE-42 (2)
def test_an_unknown_scope_is_invalid_scope(user_client, app, scope):
    response = authorize(user_client, app, scope=scope)
    assert response.status_code == 302
    got = location_params(response)
    assert (got["error"], got["state"], got["iss"]) == ("invalid_scope", "S1", settings.PUBLIC_URL)
    assert "offline_access" in got["error_description"]  # says which scopes exist


def test_a_scope_outside_the_registered_ones_is_invalid_scope(user_client, db):
    narrow = make_client(scope="openid")
    assert location_params(authorize(user_client, narrow, scope="openid email"))["error"] == "invalid_scope"


@pytest.mark.parametrize("scope", ["", None])
def test_an_empty_or_missing_scope_means_the_default_scopes(user_client, app, scope):
    overrides = {"drop": ["scope"]} if scope is None else {"scope": scope}
    page = authorize(user_client, app, **overrides)
    assert page.status_code == 200
    for name in settings.OAUTH2_PROVIDER["DEFAULT_SCOPES"]:
        assert f"<code>{name}</code>".encode() in page.content


STATES = [
    "S1",
    "x" * 2000,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl-_",
    "a b+c/d=e&f%20g;h?i#j",
    "ünïcødé",
]


@pytest.mark.parametrize("state", STATES)
def test_state_is_echoed_exactly_on_success(user_client, app, state):
    response = consented(user_client, app, state=state)
    assert response.status_code == 303
    assert location_params(response)["state"] == state


@pytest.mark.parametrize("state", STATES)
def test_state_is_echoed_exactly_on_errors(user_client, app, state):
    got = location_params(authorize(user_client, app, state=state, scope="unknown_scope"))
    assert got["error"] == "invalid_scope" and got["state"] == state


def test_no_state_means_no_state_in_the_answer(user_client, app):
    assert "state" not in location_params(authorize(user_client, app, drop=["state"], scope="nope"))
    response = consented(user_client, app, drop=["state"])
    assert "state" not in location_params(response) and "code" in location_params(response)


def test_iss_is_the_metadata_issuer_on_every_kind_of_answer(user_client, app):
    answers = [consented(user_client, app),                       # success after consent (303)
               authorize(user_client, app),                       # success from remembered consent
               authorize(user_client, app, scope="unknown"),      # invalid_scope
               authorize(user_client, app, drop=["code_challenge"]),
               post_consent(user_client, authorize(user_client, app, prompt="consent"), "deny")]
    for response in answers:
        assert location_params(response)["iss"] == settings.PUBLIC_URL, response["Location"]
    assert settings.OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"] == settings.PUBLIC_URL


def test_an_iss_in_a_registered_redirect_uri_is_replaced_not_repeated(user_client, db):
    tricky = make_client(redirect_uris=("https://app.example.com/cb?iss=https://evil.example",))
    response = consented(user_client, tricky, redirect_uri="https://app.example.com/cb?iss=https://evil.example")
    assert location_params(response)["iss"] == settings.PUBLIC_URL


def test_an_anonymous_user_signs_in_before_an_error_goes_to_a_self_registered_redirect(db, app):
    # RFC 9700 §4.11.2: no instant redirect to a URI that anybody could have registered.
    response = authorize(Client(), app, scope="unknown_scope")
    assert response.status_code == 302 and response["Location"].startswith("/login?next=")


def test_repeated_pkce_or_prompt_parameters_are_invalid_requests(user_client, app):
    query = params(app)
    url = AUTHZ + "?" + urlencode(query) + "&code_challenge=" + query["code_challenge"]
    got = location_params(user_client.get(url))
    assert got["error"] == "invalid_request" and got["state"] == "S1"


# ---- the unauthenticated path -------------------------------------------------------------------

def test_an_anonymous_user_is_sent_to_sign_in_and_comes_back(world, app):
    client = Client()
    response = authorize(client, app)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/login?next=/oauth/authorize%3F")
    page = client.get(login_url)
    assert page.status_code == 200
    next_value = page.context["next"]
    assert next_value.startswith(AUTHZ + "?")
    back = client.post("/login", {"email": world.manager_l1.email, "password": PASSWORD, "next": next_value})
    assert back.status_code == 302 and back["Location"] == next_value
    consent_page = client.get(back["Location"])
    assert consent_page.status_code == 200 and b'value="approve"' in consent_page.content


# ---- headers on every answer of the endpoint (B27, B29, B30) -------------------------------------

def assert_hardened(response):
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in response


def test_consent_page_error_page_and_redirects_are_hardened(user_client, app):
    assert_hardened(authorize(user_client, app))                                   # consent page
    assert_hardened(authorize(user_client, app, redirect_uri="https://x.example/"))  # error page
    assert_hardened(authorize(user_client, app, scope="unknown"))                  # error redirect
    assert_hardened(post_consent(user_client, authorize(user_client, app)))       # 303 with code


def test_no_cors_on_the_authorization_endpoint(user_client, app):
    preflight = user_client.options(AUTHZ, HTTP_ORIGIN="http://localhost:6274",
                                    HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 405
    assert "Access-Control-Allow-Origin" not in preflight
    page = user_client.get(AUTHZ, params(app), HTTP_ORIGIN="http://localhost:6274")
    assert "Access-Control-Allow-Origin" not in page


def test_no_consent_is_remembered_from_a_page_only_viewed(user_client, app):
    authorize(user_client, app)
    assert not Consent.objects.exists()


@pytest.mark.parametrize("uri", ALLOWED_REDIRECTS)
def test_every_redirect_uri_registration_accepts_is_one_authorize_accepts(user_client, db, uri):
    """The registration policy and the /authorize match agree: no client is registered unusable."""
    client = make_client(redirect_uris=(uri,))
    page = authorize(user_client, client, redirect_uri=uri)
    assert page.status_code == 200 and b'value="approve"' in page.content
