"""The bearer resolver shared by REST and MCP: one query, hashed lookup, audience, user state.

Rows: protocol.md RS8, RS10, RS11, RS12, RS14, B22, B34; dot-notes 3.6, 4.6, 4.7; CASE-04, 06, 27, 29, 39.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from oauthlib.common import Request as OauthlibRequest

from lockii.errors import Unauthenticated
from lockii.identity.roles import permissions_for
from lockii.oauth.bearer import resolve_bearer
from lockii.oauth.models import AccessToken
from lockii.oauth.validator import LockiiValidator, resource_validator
from tests.oauth.oauth_kit import bearer, register, tokens_for

API, MCP = settings.API_RESOURCE, settings.MCP_RESOURCE
BOOKINGS = "/api/v1/booking?limit=1"


def assert_invalid_token(response):
    assert response.status_code == 401
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
    assert f'resource_metadata="{settings.PUBLIC_URL}/.well-known/oauth-protected-resource/api/v1"' in challenge


def test_a_token_becomes_the_users_principal(browser, pub, world):
    body = tokens_for(browser, pub)
    principal = resolve_bearer(body["access_token"], API)
    assert principal.user_id == world.manager_l1.pk and principal.company_id == world.a.pk
    assert principal.role == "manager" and principal.permissions == permissions_for("manager")
    assert principal.location_ids == frozenset({world.l1.pk})
    assert principal.client_id == pub.client_id and principal.api_key_id is None
    assert set(principal.token_resources) == {API, MCP}


def test_the_check_is_one_query(browser, pub, django_assert_num_queries):
    token = tokens_for(browser, pub)["access_token"]
    with django_assert_num_queries(1):
        resolve_bearer(token, MCP)


def test_a_token_is_accepted_only_by_the_resource_it_was_issued_for(browser, pub):
    mcp_only = tokens_for(browser, pub, resource=MCP)["access_token"]
    api_only = tokens_for(browser, pub, resource=API)["access_token"]
    assert_invalid_token(bearer(Client(), BOOKINGS, mcp_only))
    assert bearer(Client(), BOOKINGS, api_only).status_code == 200
    with pytest.raises(Unauthenticated):
        resolve_bearer(api_only, MCP)
    assert resolve_bearer(mcp_only, MCP).user_id


def test_the_host_header_plays_no_part(browser, pub):
    token = tokens_for(browser, pub, resource=API)["access_token"]
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert bearer(Client(), BOOKINGS, token, HTTP_HOST=host).status_code == 200


def test_an_expired_token_is_refused(browser, pub):
    token = tokens_for(browser, pub)["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = bearer(Client(), BOOKINGS, token)
    assert_invalid_token(response)
    assert "expired" in response["WWW-Authenticate"]


def test_a_disabled_users_tokens_stop_working_at_once(browser, pub, world):
    token = tokens_for(browser, pub)["access_token"]
    world.manager_l1.disabled = True
    world.manager_l1.save()
    assert_invalid_token(bearer(Client(), BOOKINGS, token))


def test_a_role_change_applies_to_tokens_already_issued(browser, pub, world):
    token = tokens_for(browser, pub)["access_token"]
    world.manager_l1.role = "viewer"
    world.manager_l1.save()
    assert resolve_bearer(token, API).permissions == permissions_for("viewer")


def test_a_registration_access_token_is_never_an_api_credential(db):
    registration = register().body["registration_access_token"]
    assert_invalid_token(bearer(Client(), BOOKINGS, registration))
    with pytest.raises(Unauthenticated):
        resolve_bearer(registration, MCP)
    assert bearer(Client(), "/oauth/userinfo", registration).status_code == 401


def test_dots_own_bearer_check_refuses_registration_tokens_too(db):
    # Regression for dot-notes 4.6 through DOT's path (oauthlib verify_request → validate_bearer_token).
    registration = register().body["registration_access_token"]
    request = OauthlibRequest(f"{settings.PUBLIC_URL}/api/v1/booking", headers={})
    assert LockiiValidator().validate_bearer_token(registration, [], request) is False


@pytest.mark.parametrize("token", ["garbage", "x" * 5000, "ünïcödé", "a.b.c", "\x00"])
def test_nonsense_tokens_are_invalid_not_errors(db, token):
    with pytest.raises(Unauthenticated):
        resolve_bearer(token, API)


def test_a_token_in_the_query_string_is_ignored(browser, pub):
    """RS14, B34: a valid token in ``?access_token=`` is not a credential."""
    token = tokens_for(browser, pub)["access_token"]
    response = Client().get(f"{BOOKINGS}&access_token={token}")
    assert response.status_code == 401
    assert "error=" not in response["WWW-Authenticate"]  # no credential was sent at all


@pytest.mark.parametrize("query", ["limit=0", "dateRange=%7Bnot-json", "bogus=1", "status=lost"])
def test_a_malformed_request_with_a_valid_token_is_400_not_a_challenge(browser, pub, query):
    """RS10: the token is fine, the request is not: 400 naming the parameter, no WWW-Authenticate.

    A malformed credential itself (wrong scheme, empty token) is a 401 ``invalid_token`` instead, so
    that clients re-authorise (tests/mcp/test_endpoint.py test_a_bad_credential_gets_invalid_token).
    """
    token = tokens_for(browser, pub)["access_token"]
    response = bearer(Client(), f"/api/v1/booking?{query}", token)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed" and response.json()["errors"]
    assert "WWW-Authenticate" not in response
    assert bearer(Client(), BOOKINGS, token).status_code == 200


def test_a_revoked_token_fails_on_the_next_call(browser, pub):
    body = tokens_for(browser, pub)
    assert Client().post("/oauth/revoke", {"token": body["access_token"], "client_id": pub.client_id}).status_code == 200
    assert_invalid_token(bearer(Client(), BOOKINGS, body["access_token"]))


# ---- RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR (dot-notes 3.6, 4.7) -------------------------------

@pytest.mark.parametrize("uri,audiences,expected", [
    ("http://127.0.0.1:8000/api/v1/booking", [API], True),
    ("http://localhost:8000/api/v1/booking", [API], True),  # path, not Host
    ("http://127.0.0.1:8000/api/v1/booking", [MCP], False),
    ("http://127.0.0.1:8000/api/mcp/user", [MCP], True),
    ("http://127.0.0.1:8000/api/v1x/booking", [API], False),
    ("/oauth/userinfo", [MCP], True),  # userinfo accepts every one of our tokens
    ("http://127.0.0.1:8000/elsewhere", [API, MCP], False),
])
def test_the_resource_validator_maps_the_path_to_a_resource(uri, audiences, expected):
    assert resource_validator(uri, audiences) is expected
