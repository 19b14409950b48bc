"""Userinfo, revocation, introspection and CORS on the OAuth endpoints.

Rows: protocol.md O12, O13, B30, B34, B35, B36, §3.2 rules 7–8; dot-notes 3.8 (CORS), 4.7; CASE-06(3–4), 32.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lockii.oauth.models import AccessToken, RefreshToken
from tests.oauth.oauth_kit import bearer, get_code, jwt_claims, refresh, register, tokens_for

MCP = settings.MCP_RESOURCE


# ---- userinfo (O12, O13, dot-notes 4.7) ----------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_userinfo_answers_get_and_post_with_claims_of_the_granted_scopes(browser, pub, world, method):
    token = tokens_for(browser, pub, scope="openid email")["access_token"]
    response = bearer(Client(), "/oauth/userinfo", token, method=method)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    claims = response.json()
    assert claims["sub"] == world.manager_l1.pk
    assert claims["email"] == world.manager_l1.email and claims["email_verified"] is True
    assert "name" not in claims  # profile was not granted
    assert claims["company_id"] == world.a.pk and claims["role"] == "manager"


def test_userinfo_sub_equals_the_id_token_sub(browser, pub):
    body = tokens_for(browser, pub)
    assert bearer(Client(), "/oauth/userinfo", body["access_token"]).json()["sub"] == jwt_claims(body["id_token"])["sub"]


def test_an_mcp_bound_token_works_at_userinfo(browser, pub):
    token = tokens_for(browser, pub, resource=MCP)["access_token"]
    assert bearer(Client(), "/oauth/userinfo", token).status_code == 200
    assert bearer(Client(), "/oauth/userinfo", token, HTTP_HOST="localhost:8000").status_code == 200


def test_userinfo_without_openid_is_insufficient_scope(browser, pub):
    token = tokens_for(browser, pub, scope="profile")["access_token"]
    response = bearer(Client(), "/oauth/userinfo", token)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert 'scope="openid"' in response["WWW-Authenticate"]


def test_userinfo_with_a_bad_or_missing_token_is_a_bearer_challenge(db):
    invalid = bearer(Client(), "/oauth/userinfo", "garbage")
    assert invalid.status_code == 401 and 'error="invalid_token"' in invalid["WWW-Authenticate"]
    missing = Client().get("/oauth/userinfo")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert "error=" not in missing["WWW-Authenticate"]


def test_userinfo_never_takes_the_token_from_the_query_or_body(browser, pub):
    token = tokens_for(browser, pub)["access_token"]
    assert Client().get(f"/oauth/userinfo?access_token={token}").status_code == 400
    assert Client().post("/oauth/userinfo", {"access_token": token}).status_code == 400


# ---- revocation (RFC 7009, B35) -------------------------------------------------------------------

def revoke(client, token, secret=None, **extra):
    data = {"token": token, "client_id": client.client_id, **extra}
    if secret:
        data["client_secret"] = secret
    return Client().post("/oauth/revoke", data)


def api_status(token):
    return bearer(Client(), "/api/v1/booking?limit=1", token).status_code


def test_revoking_a_refresh_token_ends_its_whole_grant(browser, pub):
    first = tokens_for(browser, pub)
    second = refresh(pub.client_id, first["refresh_token"]).json()
    response = revoke(pub, second["refresh_token"], token_type_hint="refresh_token")
    assert response.status_code == 200
    assert api_status(second["access_token"]) == 401
    assert refresh(pub.client_id, second["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_an_access_token_ends_its_refresh_token_too(browser, pub):
    body = tokens_for(browser, pub)
    assert revoke(pub, body["access_token"]).status_code == 200
    assert refresh(pub.client_id, body["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_an_unknown_token_is_still_200(pub):
    assert revoke(pub, "never-issued").status_code == 200


def test_a_client_cannot_revoke_another_clients_token(browser, pub):
    other = register()
    body = tokens_for(browser, pub)
    assert revoke(other, body["access_token"]).status_code == 200
    assert api_status(body["access_token"]) == 200


def test_a_confidential_client_must_authenticate_to_revoke(browser, conf):
    body = tokens_for(browser, conf)
    assert revoke(conf, body["access_token"]).status_code == 401
    assert api_status(body["access_token"]) == 200
    assert revoke(conf, body["access_token"], secret=conf.secret).status_code == 200
    assert api_status(body["access_token"]) == 401


def test_revocation_is_post_only(db):
    assert Client().get("/oauth/revoke").status_code == 405


# ---- introspection (RFC 7662, B36) -----------------------------------------------------------------

def introspect(token, client=None, secret=None, basic=False):
    headers, data = {}, {"token": token}
    if client and basic:
        raw = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {raw}"
    elif client:
        data.update(client_id=client.client_id, client_secret=secret or "")
    return Client().post("/oauth/introspect", data, **headers)


@pytest.mark.parametrize("basic", [True, False])
def test_a_confidential_client_introspects_its_own_live_tokens(browser, conf, world, basic):
    body = tokens_for(browser, conf, resource=MCP)
    response = introspect(body["access_token"], conf, conf.secret, basic=basic)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["active"] is True and data["client_id"] == conf.client_id
    assert data["sub"] == world.manager_l1.pk and data["aud"] == [MCP] and data["iss"] == settings.PUBLIC_URL
    assert data["exp"] > data["iat"]
    assert introspect(body["refresh_token"], conf, conf.secret).json()["active"] is True


def test_introspection_needs_client_authentication(browser, conf, pub):
    body = tokens_for(browser, conf)
    assert introspect(body["access_token"]).status_code == 401
    assert introspect(body["access_token"], conf, "wrong").status_code == 401
    assert introspect(body["access_token"], pub).status_code == 401  # public clients cannot authenticate
    assert Client().post("/oauth/introspect", {"token": body["access_token"]},
                         HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").status_code == 401


def test_other_clients_dead_and_registration_tokens_are_inactive(browser, conf, pub):
    other = register(method="client_secret_post")
    body = tokens_for(browser, conf)
    assert introspect(body["access_token"], other, other.secret).json() == {"active": False}
    assert introspect(conf.body["registration_access_token"], conf, conf.secret).json() == {"active": False}
    assert introspect("garbage", conf, conf.secret).json() == {"active": False}
    AccessToken.objects.filter(user__isnull=False).delete()
    RefreshToken.objects.update(revoked="2020-01-01T00:00:00Z")
    assert introspect(body["access_token"], conf, conf.secret).json() == {"active": False}
    assert introspect(body["refresh_token"], conf, conf.secret).json() == {"active": False}


def test_a_refresh_token_past_its_lifetime_is_inactive_as_at_the_token_endpoint(browser, conf):
    """B36: introspection agrees with /token: dead once its lifetime has passed since its access token expired."""
    body = tokens_for(browser, conf)
    live = introspect(body["refresh_token"], conf, conf.secret).json()
    token = AccessToken.objects.get(user__isnull=False)
    assert live["active"] is True and live["exp"] == int(token.expires.timestamp()) + settings.REFRESH_TOKEN_SECONDS
    AccessToken.objects.filter(pk=token.pk).update(
        expires=timezone.now() - timedelta(seconds=settings.REFRESH_TOKEN_SECONDS + 1))
    assert introspect(body["refresh_token"], conf, conf.secret).json() == {"active": False}
    assert refresh(conf.client_id, body["refresh_token"], client_secret=conf.secret).json()["error"] == "invalid_grant"


def test_introspection_without_a_token_is_invalid_request(conf):
    response = Client().post("/oauth/introspect", {"client_id": conf.client_id, "client_secret": conf.secret})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


# ---- CORS (protocol.md §3.2 rule 8, B30, CASE-32) ---------------------------------------------------

def preflight(path, method="POST", headers="content-type", origin="http://localhost:6274"):
    return Client().options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                            HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers)


@pytest.mark.parametrize("path", ["/oauth/token", "/token", "/oauth/revoke", "/oauth/register", "/register",
                                  "/oauth/userinfo"])
def test_browser_clients_may_call_token_revoke_register_and_userinfo(db, path):
    response = preflight(path, headers="content-type, authorization")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_token_responses_carry_cors_headers_for_any_origin(browser, pub):
    code = get_code(browser, pub)
    response = Client().post("/oauth/token", {"grant_type": "authorization_code", "code": code.code,
                                              "redirect_uri": code.redirect_uri, "client_id": pub.client_id,
                                              "code_verifier": code.verifier}, HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"  # no cookies are read: any origin is harmless
    assert "Access-Control-Allow-Credentials" not in response
    assert "WWW-Authenticate" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("path", ["/oauth/authorize", "/authorize", "/oauth/introspect"])
def test_no_cors_on_the_authorization_or_introspection_endpoints(db, path):
    response = preflight(path, method="GET")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in Client().get(path, HTTP_ORIGIN="http://localhost:6274")
