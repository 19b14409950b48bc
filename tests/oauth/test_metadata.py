"""Discovery documents: one AS document at six URLs, protected-resource metadata, CORS, caching.

Rows: protocol.md RS1–RS4, RS6, RS7, AS2–AS5, AS13, AS14, AS18, AS20, AS21, B30, B31, B32, O15, O17,
O20; dot-notes 3.1, 3.2, 3.3, 4.2 (prompt values), 4.3; CASE-01, 02, 03, 32, 42(4).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

ORIGIN = settings.PUBLIC_URL
AS_URLS = [
    "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration",
    "/api/v1/.well-known/oauth-authorization-server", "/api/v1/.well-known/openid-configuration",
    "/api/mcp/user/.well-known/oauth-authorization-server", "/api/mcp/user/.well-known/openid-configuration",
]
PRM_URLS = {
    "/.well-known/oauth-protected-resource/api/v1": settings.API_RESOURCE,
    "/api/v1/.well-known/oauth-protected-resource": settings.API_RESOURCE,
    "/.well-known/oauth-protected-resource/api/mcp/user": settings.MCP_RESOURCE,
    "/api/mcp/user/.well-known/oauth-protected-resource": settings.MCP_RESOURCE,
    "/.well-known/oauth-protected-resource": ORIGIN,
}
CREDENTIALS = [{}, {"HTTP_AUTHORIZATION": "Bearer garbage"}, {"HTTP_X_API_KEY": "wrong"},
               {"HTTP_AUTHORIZATION": "Basic Zm9vOmJhcg=="}]


@pytest.fixture
def as_doc(db):
    return Client().get(AS_URLS[0]).json()


def test_the_same_document_is_served_at_every_authorization_server_url(db):
    bodies = [Client().get(url) for url in AS_URLS]
    assert all(r.status_code == 200 and r["Content-Type"] == "application/json" for r in bodies)
    assert len({r.content for r in bodies}) == 1
    assert all("max-age" in r["Cache-Control"] for r in bodies)


def test_the_issuer_is_the_origin_byte_for_byte_everywhere(as_doc):
    assert as_doc["issuer"] == ORIGIN and not ORIGIN.endswith("/")
    for url, resource in PRM_URLS.items():
        assert Client().get(url).json()["authorization_servers"] == [ORIGIN]


def test_the_document_merges_rfc8414_and_openid_discovery(as_doc):
    endpoints = {
        "authorization_endpoint": "/oauth/authorize", "token_endpoint": "/oauth/token",
        "registration_endpoint": "/oauth/register", "userinfo_endpoint": "/oauth/userinfo",
        "jwks_uri": "/oauth/jwks", "revocation_endpoint": "/oauth/revoke",
        "introspection_endpoint": "/oauth/introspect",
    }
    for key, path in endpoints.items():
        assert as_doc[key] == ORIGIN + path  # absolute, no trailing slash (dot-notes 3.2)
    assert as_doc["code_challenge_methods_supported"] == ["S256"]
    assert as_doc["response_types_supported"] == ["code"]
    assert as_doc["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert as_doc["authorization_response_iss_parameter_supported"] is True
    assert as_doc["client_id_metadata_document_supported"] is True
    assert as_doc["scopes_supported"] == ["openid", "profile", "email", "offline_access"]
    assert as_doc["subject_types_supported"] == ["public"]
    assert as_doc["id_token_signing_alg_values_supported"] == ["RS256"]  # never HS256 (dot-notes 3.1)
    assert set(as_doc["prompt_values_supported"]) == {"none", "login", "consent"}
    assert {"sub", "iss", "aud", "email", "name", "company_id", "role"} <= set(as_doc["claims_supported"])


def test_advertised_client_authentication_methods_are_truthful(as_doc):
    assert set(as_doc["token_endpoint_auth_methods_supported"]) == {"none", "client_secret_post",
                                                                   "client_secret_basic"}
    assert "none" not in as_doc["introspection_endpoint_auth_methods_supported"]


@pytest.mark.parametrize("url,resource", PRM_URLS.items())
def test_protected_resource_metadata_names_the_exact_resource(db, url, resource):
    response = Client().get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["resource"] == resource
    assert body["bearer_methods_supported"] == ["header"]
    assert "offline_access" not in body["scopes_supported"]  # RS7


def test_every_scope_a_resource_lists_exists_at_the_authorization_server(as_doc):
    for url in PRM_URLS:
        assert set(Client().get(url).json()["scopes_supported"]) <= set(as_doc["scopes_supported"])


def test_the_rest_resource_document_is_never_the_mcp_one(db):
    assert Client().get("/api/v1/.well-known/oauth-protected-resource").json()["resource"] == settings.API_RESOURCE


@pytest.mark.parametrize("url", [*AS_URLS, *PRM_URLS, "/oauth/jwks"])
@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_discovery_is_public_whatever_credential_is_sent(db, url, credentials):
    response = Client().get(url, **credentials)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", [*AS_URLS, *PRM_URLS, "/oauth/jwks"])
def test_discovery_answers_cors_preflights(db, url):
    response = Client().options(url, HTTP_ORIGIN="http://localhost:6274", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", [
    "/.well-known/oauth-authorization-server/api/v1",  # would claim the root issuer (dot-notes 3.2)
    "/.well-known/openid-configuration/api/v1",
    "/.well-known/oauth-authorization-server/",
    "/.well-known/openid-configuration/",
    "/.well-known/oauth-protected-resource/elsewhere",
])
def test_unserved_well_known_variants_are_a_clean_404(db, url):
    response = Client().get(url, HTTP_AUTHORIZATION="Bearer garbage")
    assert response.status_code == 404


def test_metadata_is_read_only(db):
    assert Client().post(AS_URLS[0]).status_code == 405
    assert Client().post("/api/v1/.well-known/oauth-protected-resource").status_code == 405


def test_jwks_publishes_public_keys_only(db):
    response = Client().get("/oauth/jwks")
    keys = response.json()["keys"]
    assert len(keys) == 2  # the signing key and the next one, published ahead of use
    for key in keys:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    assert "max-age" in response["Cache-Control"]


def test_resources_advertise_the_baseline_scopes_a_default_request_gets(db):
    """RS6: PRM ``scopes_supported`` is the minimal set (what an empty ``scope`` is granted), nothing more."""
    from oauth2_provider.settings import oauth2_settings

    for url in PRM_URLS:
        assert Client().get(url).json()["scopes_supported"] == oauth2_settings.DEFAULT_SCOPES


@pytest.mark.parametrize("headers", [
    {"HTTP_HOST": "localhost:8000"}, {"HTTP_HOST": "[::1]:8000"},
    {"HTTP_X_FORWARDED_HOST": "attacker.example", "HTTP_X_FORWARDED_PROTO": "https"},
    {"HTTP_FORWARDED": "host=attacker.example;proto=https", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
], ids=["localhost", "ipv6", "x-forwarded", "forwarded"])
def test_the_issuer_and_every_url_ignore_host_and_forwarded_headers(db, headers):
    """AS20, B31: clients key credentials by issuer, so it is the configured origin whatever the request says.

    Forwarded headers never change a URL (no ``USE_X_FORWARDED_HOST``/``SECURE_PROXY_SSL_HEADER``); only
    ``X-Forwarded-For`` is believed, and only from LOCKII_TRUSTED_PROXIES (tests/ops/test_client_ip.py).
    """
    plain = Client().get(AS_URLS[0]).json()
    doc = Client().get(AS_URLS[0], **headers).json()
    assert doc == plain and doc["issuer"] == ORIGIN
    for url, resource in PRM_URLS.items():
        prm = Client().get(url, **headers).json()
        assert prm["resource"] == resource and prm["authorization_servers"] == [ORIGIN]


def test_every_client_registration_path_is_offered(as_doc):
    """AS21: a client trying pre-registered, then CIMD, then DCR finds each one available."""
    from tests.oauth.oauth_kit import register

    assert as_doc["client_id_metadata_document_supported"] is True
    assert as_doc["registration_endpoint"] == ORIGIN + "/oauth/register"
    assert register().client_id  # DCR answers 201 (pre-registered apps: tests/oauth/test_apps_service.py)


def test_rp_initiated_logout_is_not_offered(as_doc):
    """O20: not offered, so not advertised: no ``end_session_endpoint``, and nothing honours
    ``post_logout_redirect_uri`` (sign-out is a POST with CSRF that always lands on /login)."""
    assert "end_session_endpoint" not in as_doc
    assert "backchannel_logout_supported" not in as_doc and "frontchannel_logout_supported" not in as_doc
    for path in ("/oauth/logout", "/oauth/end_session", "/logout/"):
        assert Client().get(path).status_code == 404
