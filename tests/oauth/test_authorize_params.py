"""/oauth/authorize parameters checked before any consent: PKCE, resource, prompt, max_age, nonce.

Rows: protocol.md AS6, AS12, B6, B7, B11, O3–O7, CASE-07 (1, 2), CASE-08 (authorize side),
CASE-15 (1), CASE-16; dot-notes 3.1 (approval_prompt), 3.6, 3.7, 4.2, 4.11.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lockii.oauth.models import AccessToken, Grant
from tests.oauth.authorize_kit import (  # noqa: F401 (app, user_client: fixtures)
    AUTHZ, CB, PASSWORD, app, authorize, consented, location_base, location_params, make_client, params,
    pkce_pair, post_consent, user_client,
)

API, MCP = settings.API_RESOURCE, settings.MCP_RESOURCE


def assert_error_redirect(response, error: str):
    """A redirect to the registered URI with ``error``, state and iss; no consent page, no code."""
    assert response.status_code == 302, response
    assert location_base(response) == CB
    got = location_params(response)
    assert got["error"] == error, got
    assert got["state"] == "S1" and got["iss"] == settings.PUBLIC_URL
    assert "code" not in got
    assert not Grant.objects.exists()


# ---- PKCE: required, S256 only, well-formed, refused before consent (B6, B7, CASE-15, CASE-16) ---

@pytest.mark.parametrize("changes", [
    {"drop": ["code_challenge", "code_challenge_method"]},       # no PKCE at all
    {"drop": ["code_challenge"]},                                 # method without challenge
    {"code_challenge_method": "plain"},                           # (a) plain with a verifier-like value
    {"code_challenge": ""},                                       # (b) empty challenge
    {"code_challenge": "abc"},                                    # (c) too short
    {"drop": ["code_challenge_method"]},                          # (d) oauthlib would call this plain
    {"code_challenge_method": "s256"},                            # (e) methods are case-sensitive
    {"code_challenge": "A" * 42 + "="},                           # (f) padding is not base64url
    {"code_challenge": "A" * 42 + "+"},                           # (f) '+' is base64, not base64url
    {"code_challenge": "A" * 42 + "~"},                           # (f) verifier alphabet, not a hash
    {"code_challenge": "A" * 44},                                 # longer than a SHA-256
    {"code_challenge": "A" * 128},                                # a plain-sized value
    {"code_challenge_method": "S512"},
])
def test_pkce_other_than_a_well_formed_s256_challenge_is_refused_before_consent(user_client, app, changes):
    assert_error_redirect(authorize(user_client, app, **changes), "invalid_request")


@pytest.mark.parametrize("method, says", [("plain", "'plain' is not supported"), (None, "it is missing")])
def test_the_refusal_says_which_pkce_method_is_needed(user_client, app, method, says):
    changes = {"code_challenge_method": method} if method else {"drop": ["code_challenge_method"]}
    description = location_params(authorize(user_client, app, **changes))["error_description"]
    assert "S256" in description and says in description


def test_plain_is_refused_even_for_a_client_the_user_already_approved(user_client, app):
    consented(user_client, app)
    Grant.objects.all().delete()
    assert_error_redirect(authorize(user_client, app, code_challenge_method="plain"), "invalid_request")


def test_the_grant_stores_the_s256_challenge(user_client, app):
    _verifier, challenge = pkce_pair()
    consented(user_client, app, challenge=challenge)
    grant = Grant.objects.get()
    assert (grant.code_challenge, grant.code_challenge_method) == (challenge, "S256")
    assert grant.expires <= timezone.now() + timezone.timedelta(seconds=61)  # B11: short-lived


# ---- resource indicators (RFC 8707): ours only, canonical, refused before consent ---------------

@pytest.mark.parametrize("resource", [
    "https://evil.example/mcp",
    MCP + "#frag",
    MCP + "%23frag",
    MCP + "?x=1",
    MCP + "x",
    "urn:lockii:mcp",
    "http://user@127.0.0.1:8000/api/mcp/user",
    MCP + "//",  # one trailing slash is a spelling variant; more is another path
    " " + MCP,
])
def test_a_resource_we_do_not_serve_is_invalid_target_before_consent(user_client, app, resource):
    assert_error_redirect(authorize(user_client, app, resource=resource), "invalid_target")


def test_one_bad_resource_among_good_ones_is_invalid_target(user_client, app):
    assert_error_redirect(authorize(user_client, app, resource=[MCP, "https://evil.example/"]), "invalid_target")


@pytest.mark.parametrize("spelling", [MCP + "/", MCP.replace("http://", "HTTP://"),
                                      MCP.replace("127.0.0.1:8000", "127.0.0.1:8000".upper()), MCP])
def test_a_resource_spelling_variant_is_bound_canonically(user_client, app, spelling):
    response = consented(user_client, app, resource=spelling)
    assert response.status_code == 303 and "code" in location_params(response)
    assert Grant.objects.get().resource == [MCP]


def test_repeated_resources_are_all_bound_once_each(user_client, app):
    consented(user_client, app, resource=[MCP, API, MCP + "/"])
    assert sorted(Grant.objects.get().resource) == sorted([API, MCP])


@pytest.mark.parametrize("resource", [None, ""])  # an empty parameter counts as omitted (RFC 6749 §3.1)
def test_no_resource_binds_both_first_party_resources_not_everything(user_client, app, resource):
    consented(user_client, app, **({} if resource is None else {"resource": resource}))
    assert sorted(Grant.objects.get().resource) == sorted([API, MCP])


@pytest.mark.parametrize("origin", [settings.PUBLIC_URL, settings.PUBLIC_URL + "/"])
def test_the_origin_advertised_by_the_root_metadata_binds_both_resources(user_client, app, origin):
    """The root protected resource metadata names the origin as its resource; asking for it works."""
    assert Client().get("/.well-known/oauth-protected-resource").json()["resource"] == settings.PUBLIC_URL
    consented(user_client, app, resource=origin)
    assert sorted(Grant.objects.get().resource) == sorted([API, MCP])


def test_the_consent_page_names_what_the_resource_reaches(user_client, app):
    page = authorize(user_client, app, resource=MCP)
    assert b"AI tools (MCP)" in page.content and b"REST API" not in page.content


# ---- prompt and max_age (OIDC Core §3.1.2.1; O4–O7; dot-notes 4.2, 4.11) ---------------------------

@pytest.mark.parametrize("scope", ["openid profile", "profile"])
def test_prompt_none_without_a_session_is_login_required(db, app, scope):
    assert_error_redirect(authorize(Client(), app, prompt="none", scope=scope), "login_required")


def test_prompt_none_without_stored_consent_is_consent_required(user_client, app):
    assert_error_redirect(authorize(user_client, app, prompt="none"), "consent_required")


def test_prompt_none_with_session_and_consent_issues_a_code_without_ui(user_client, app):
    consented(user_client, app)
    response = authorize(user_client, app, prompt="none")
    assert response.status_code == 302 and "code" in location_params(response)


@pytest.mark.parametrize("prompt", ["none login", "none consent", "consent none"])
def test_prompt_none_with_another_value_is_invalid_request(user_client, app, prompt):
    assert_error_redirect(authorize(user_client, app, prompt=prompt), "invalid_request")


def test_prompt_none_with_a_bad_request_reports_the_request_error_without_ui(db, app):
    assert_error_redirect(authorize(Client(), app, prompt="none", code_challenge_method="plain"),
                          "invalid_request")


def test_prompt_login_makes_a_signed_in_user_sign_in_again(world, user_client, app):
    consented(user_client, app)
    response = authorize(user_client, app, prompt="login")
    assert response.status_code == 302 and response["Location"].startswith("/login?next=")
    next_value = user_client.get(response["Location"]).context["next"]
    assert "prompt" not in next_value
    # Going straight back without signing in does not get around it.
    again = user_client.get(next_value)
    assert again.status_code == 302 and again["Location"].startswith("/login?next=")
    signed = user_client.post("/login", {"email": world.manager_l1.email, "password": PASSWORD, "next": next_value})
    issued = user_client.get(signed["Location"])
    assert issued.status_code == 302 and "code" in location_params(issued)


def test_prompt_login_for_an_anonymous_user_asks_once(world, app):
    client = Client()
    response = authorize(client, app, prompt="login")
    next_value = client.get(response["Location"]).context["next"]
    assert "prompt" not in next_value
    signed = client.post("/login", {"email": world.manager_l1.email, "password": PASSWORD, "next": next_value})
    assert client.get(signed["Location"]).status_code == 200  # the consent page, not the login page


def test_prompt_consent_asks_again_although_consent_is_stored(user_client, app):
    consented(user_client, app)
    page = authorize(user_client, app, prompt="consent")
    assert page.status_code == 200 and b'value="approve"' in page.content


@pytest.mark.parametrize("max_age", ["0", "1"])
def test_max_age_exceeded_requires_a_new_sign_in(world, user_client, app, max_age):
    consented(user_client, app)
    session = user_client.session
    session["auth_time"] = int(time.time()) - 5
    session.save()
    response = authorize(user_client, app, max_age=max_age)
    assert response.status_code == 302 and response["Location"].startswith("/login?next=")
    next_value = user_client.get(response["Location"]).context["next"]
    assert "max_age" not in next_value
    signed = user_client.post("/login", {"email": world.manager_l1.email, "password": PASSWORD, "next": next_value})
    issued = user_client.get(signed["Location"])
    assert issued.status_code == 302 and "code" in location_params(issued)
    grant = Grant.objects.order_by("-id").first()
    assert abs(grant.auth_time.timestamp() - time.time()) < 30  # the new sign-in's time


def test_max_age_within_the_limit_needs_no_new_sign_in(user_client, app):
    consented(user_client, app)
    response = authorize(user_client, app, max_age="3600")
    assert response.status_code == 302 and "code" in location_params(response)


def test_max_age_exceeded_with_prompt_none_is_login_required(user_client, app):
    consented(user_client, app)
    Grant.objects.all().delete()
    session = user_client.session
    session["auth_time"] = int(time.time()) - 100
    session.save()
    assert_error_redirect(authorize(user_client, app, max_age="10", prompt="none"), "login_required")


@pytest.mark.parametrize("max_age", ["-1", "abc", "1.5", "99999999999999"])
def test_a_malformed_max_age_is_invalid_request(user_client, app, max_age):
    assert_error_redirect(authorize(user_client, app, max_age=max_age), "invalid_request")


def test_nonce_and_auth_time_are_kept_on_the_grant(user_client, app):
    consented(user_client, app, nonce="n-0S6_WzA2Mj")
    grant = Grant.objects.get()
    assert grant.nonce == "n-0S6_WzA2Mj" and grant.auth_time is not None


# ---- no client-controlled consent skipping (dot-notes 3.1) -----------------------------------------

def test_approval_prompt_auto_does_not_skip_consent(world, user_client, app):
    AccessToken.objects.create(user=world.manager_l1, application=app, token="live-token", scope="openid profile",
                               expires=timezone.now() + timezone.timedelta(hours=1))
    page = authorize(user_client, app, approval_prompt="auto")
    assert page.status_code == 200 and b'value="approve"' in page.content


def test_skip_authorization_on_a_self_registered_client_does_not_skip_consent(user_client, db):
    sneaky = make_client(skip_authorization=True)
    page = authorize(user_client, sneaky)
    assert page.status_code == 200 and b'value="approve"' in page.content
    assert post_consent(user_client, page, "deny").status_code == 303


# ---- malformed input: a clear answer, never a 500 ----------------------------------------------------

@pytest.mark.parametrize("query", ["client_id=%zz", "response_type=code&client_id=%E0%A4%A&state=S1"])
def test_broken_url_encoding_is_an_error_page(user_client, query):
    response = user_client.get("/oauth/authorize?" + query)
    assert response.status_code == 400 and "Location" not in response


@pytest.mark.parametrize("suffix", ["&", "&&", "&prompt", "&nonce=", "&=x", "&scope=", "&nonce=="])
def test_parameters_without_a_value_are_treated_as_omitted(user_client, app, suffix):
    """RFC 6749 §3.1; oauthlib alone answers a link ending in '&' with an error page."""
    page = user_client.get(AUTHZ + "?" + urlencode(params(app, state="S&1")) + suffix)
    assert page.status_code == 200 and b'value="approve"' in page.content
    approved = post_consent(user_client, page)
    assert location_params(approved)["state"] == "S&1" and Grant.objects.get().scope == "openid profile"
    assert Grant.objects.get().nonce == ("=" if suffix == "&nonce==" else "")


def test_a_raw_equals_sign_in_a_value_is_kept(user_client, app):
    """Base64 padding sent unencoded (``state=abc==``) is part of the value, not an empty parameter."""
    page = user_client.get(AUTHZ + "?" + urlencode(params(app, drop=["state"])) + "&state=abc==")
    assert location_params(post_consent(user_client, page))["state"] == "abc=="


def test_an_overlong_request_is_an_error_page_signed_in_or_not(user_client, app, db):
    query = urlencode(params(app, scope="openid " * 2000))
    for client in (user_client, Client()):
        response = client.get(AUTHZ + "?" + query)
        assert response.status_code == 400 and "Location" not in response and b"longer than" in response.content


def test_a_request_whose_way_back_through_sign_in_is_too_long_is_an_error_page(app, db):
    # 4,000 raw '=' in state pass every limit, but encoded twice in /login?next= pass 16 KB.
    response = Client().get(AUTHZ + "?" + urlencode(params(app, drop=["state"])) + "&state=" + "=" * 4000)
    assert response.status_code == 400 and b"too long" in response.content


def test_a_long_request_comes_back_after_sign_in(world, app, db):
    client = Client()
    long_state = "s" * 3000  # the way back is over Django's 2,048-character check for ?next=
    to_login = client.get(AUTHZ + "?" + urlencode(params(app, state=long_state)))
    assert to_login.status_code == 302 and to_login["Location"].startswith("/login")
    page = client.get(to_login["Location"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    next_value = parse_qs(urlsplit(to_login["Location"]).query)["next"][0]
    signed = client.post("/login", {"csrfmiddlewaretoken": token, "next": next_value,
                                    "email": world.manager_l1.email, "password": PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == next_value


def test_an_overlong_state_is_an_error_page_not_a_giant_redirect(user_client, app):
    response = authorize(user_client, app, state="x" * 5000)
    assert response.status_code == 400 and "Location" not in response


@pytest.mark.parametrize("changes", [{"state": "a\x00b"}, {"state": "a\nb"}, {"nonce": "n\x7f"},
                                     {"nonce": "n" * 256}])
def test_control_characters_or_an_overlong_nonce_are_invalid_requests(user_client, app, changes):
    response = authorize(user_client, app, **changes)
    assert response.status_code == 302 and location_params(response)["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_a_nonce_at_the_column_limit_is_kept(user_client, app):
    consented(user_client, app, nonce="n" * 255)
    assert Grant.objects.get().nonce == "n" * 255


def test_the_nonce_is_kept_when_the_default_scopes_bring_openid(user_client, app):
    consented(user_client, app, drop=["scope"], nonce="n-default")
    grant = Grant.objects.get()
    assert "openid" in grant.scope.split() and grant.nonce == "n-default"


@pytest.mark.parametrize("changes, error", [
    ({"response_mode": "fragment"}, "invalid_request"),
    ({"response_mode": "form_post"}, "invalid_request"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
    ({"request_uri": "https://attacker.example/request.jwt"}, "request_uri_not_supported"),
])
def test_unsupported_request_shapes_are_named(user_client, app, changes, error):
    assert_error_redirect(authorize(user_client, app, **changes), error)


def test_response_mode_query_is_accepted(user_client, app):
    response = consented(user_client, app, response_mode="query")
    assert urlsplit(response["Location"]).fragment == "" and "code" in location_params(response)
