"""Dynamic client registration (RFC 7591) and management (RFC 7592).

Rows: protocol.md AS8, AS18, AS19, B3, B25, B37, O18, §3.2 rule 4; dot-notes 3.1 (ALLOWED_REDIRECT_URI_SCHEMES,
DCR_REGISTRATION_TOKEN_EXPIRE_SECONDS), 3.8, 4.5, 4.6; CASE-13, 23, 26(1–2), 40 (DCR part).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lockii.oauth.models import AccessToken, Application
from tests.oauth.oauth_kit import CB, get_code, redeem, register

REG = "/oauth/register"
CLAUDE = {"client_name": "Claude", "grant_types": ["authorization_code", "refresh_token"],
          "response_types": ["code"], "token_endpoint_auth_method": "client_secret_post",
          "scope": "openid profile email offline_access",
          "redirect_uris": ["https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback"]}


def post(body, http=None, **extra):
    return (http or Client()).post(REG, json.dumps(body) if not isinstance(body, str) else body,
                                   content_type=extra.pop("content_type", "application/json"), **extra)


def assert_refused(response, error):
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert response["Cache-Control"] == "no-store"


def test_claudes_registration_is_echoed_as_registered(db):
    response = post(CLAUDE)
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_endpoint_auth_method"] == "client_secret_post"  # not DOT's client_secret_basic
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    assert abs(body["client_id_issued_at"] - timezone.now().timestamp()) < 10
    assert body["scope"] == "openid profile email offline_access"
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["response_types"] == ["code"] and body["application_type"] == "web"
    assert body["redirect_uris"] == CLAUDE["redirect_uris"] and body["client_name"] == "Claude"
    assert body["registration_client_uri"] == f"{settings.PUBLIC_URL}/oauth/register/{body['client_id']}"
    app = Application.objects.get(client_id=body["client_id"])
    assert app.company is None and app.user is None and app.created_via == "dcr"
    assert body["client_secret"] not in app.client_secret


def test_a_public_client_gets_no_secret_and_the_documented_defaults(db):
    body = post({"redirect_uris": ["http://127.0.0.1:5000/"], "token_endpoint_auth_method": "none"}).json()
    assert "client_secret" not in body and body["token_endpoint_auth_method"] == "none"
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    # Omitted (Copilot CLI): the client may use every scope, as the answer says; an authorization
    # request without a scope still gets only the defaults.
    assert body["scope"] == "openid profile email offline_access"


def test_the_auth_method_defaults_to_client_secret_basic_per_rfc7591(db):
    body = post({"redirect_uris": [CB]}).json()
    assert body["token_endpoint_auth_method"] == "client_secret_basic" and body["client_secret"]


def test_client_ids_are_random_and_never_urls(db):
    ids = {post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}).json()["client_id"] for _ in range(3)}
    assert len(ids) == 3 and all(len(i) >= 32 and not i.startswith("https://") for i in ids)


@pytest.mark.parametrize("uris", [
    ["javascript:alert(1)"], ["JaVaScRiPt:alert(1)//"], ["data:text/html,<b>x</b>"], ["vbscript:x"],
    ["file:///etc/passwd"], ["http://attacker.example/cb"], ["https://ok.example/cb#frag"],
    ["https://ok.example/cb#"], ["https://user:pw@ok.example/cb"], ["https://@ok.example/cb"], ["/relative/cb"],
    ["//ok.example/cb"], [], ["https://ok.example/cb", "http://attacker.example/cb"], ["http://127.0.0.1.nip.io/cb"],
    ["https://ok.example/c b"], ["https://ok.example/cb\n"], ["unknown-scheme://cb"], ["https:///cb"], [""], [42],
    "https://ok.example/cb",
])
def test_redirect_uris_are_checked_against_the_policy_first(db, uris):
    before = Application.objects.count()
    response = post({"redirect_uris": uris, "token_endpoint_auth_method": "none", "grant_types": ["password"]})
    assert response.status_code == 400
    # The redirect policy is reported as such (RFC 7591 §3.2.2), ahead of the bad grant type.
    if isinstance(uris, list) and all(isinstance(u, str) for u in uris):
        assert response.json()["error"] == "invalid_redirect_uri"
    assert Application.objects.count() == before


@pytest.mark.parametrize("uri", [
    "https://app.example.com/cb", "http://127.0.0.1:33418/callback", "http://[::1]:8080/cb",
    "http://localhost:3118/callback", "http://127.0.0.1/", "cursor://anysphere.cursor-mcp/oauth/callback",
    "vscode://vscode.github-authentication/did-authenticate", "https://grok.com/connectors-oauth-exchange-code/",
])
def test_https_loopback_and_listed_private_schemes_are_accepted(db, uri):
    assert post({"redirect_uris": [uri], "token_endpoint_auth_method": "none"}).status_code == 201


def test_cursor_registering_several_kinds_of_redirect_at_once_succeeds(db):
    uris = ["http://localhost:8787/callback", "cursor://anysphere.cursor-mcp/oauth/callback",
            "https://www.cursor.com/agents/mcp/oauth/callback"]
    assert post({"redirect_uris": uris, "token_endpoint_auth_method": "none"}).json()["redirect_uris"] == uris


@pytest.mark.parametrize("application_type,uris", [
    ("web", ["http://127.0.0.1:5000/cb", "https://app.example/cb"]),
    ("native", ["https://app.example/cb"]),
    ("native", ["cursor://anysphere.cursor-mcp/oauth/callback", "http://localhost:8787/callback"]),
    (None, ["http://localhost:8787/callback"]),
])
def test_application_type_is_recorded_but_redirect_uris_follow_one_policy(db, browser, application_type, uris):
    """O18 policy: ``application_type`` (default ``web``) is stored and echoed but does not narrow the
    redirect-URI rules. Enforcing the OIDC ``web`` rules (https only, no localhost) would break the MCP
    clients that omit it and register loopback callbacks; every client already gets the one strict
    policy (https, loopback http, listed private schemes), so nothing unsafe is let through."""
    body = {"redirect_uris": uris, "token_endpoint_auth_method": "none"}
    if application_type:
        body["application_type"] = application_type
    response = post(body)
    assert response.status_code == 201, response.content
    assert response.json()["application_type"] == (application_type or "web")
    client = register(redirect_uris=uris, application_type=application_type or "web")
    for uri in uris:
        assert redeem(get_code(browser, client, redirect_uri=uri)).status_code == 200


@pytest.mark.parametrize("application_type", ["web", "native"])
def test_application_type_never_opens_the_redirect_policy(db, application_type):
    """O18: neither type admits plain http to a non-loopback host."""
    response = post({"redirect_uris": ["http://app.example/cb"], "token_endpoint_auth_method": "none",
                     "application_type": application_type})
    assert_refused(response, "invalid_redirect_uri")


@pytest.mark.parametrize("body,why", [
    ({"grant_types": ["client_credentials"]}, "client_credentials"),
    ({"grant_types": ["authorization_code", "refresh_token", "client_credentials"]}, "client_credentials"),
    ({"grant_types": ["password"]}, "password"),
    ({"grant_types": ["implicit"]}, "implicit"),
    ({"grant_types": ["refresh_token"]}, "authorization_code"),
    ({"response_types": ["token"]}, "response_types"),
    ({"response_types": ["code", "id_token"]}, "response_types"),
    ({"token_endpoint_auth_method": "private_key_jwt", "jwks_uri": "http://169.254.169.254/latest/"},
     "token_endpoint_auth_method"),
    ({"token_endpoint_auth_method": "tls_client_auth"}, "token_endpoint_auth_method"),
    ({"application_type": "service"}, "application_type"),
    ({"scope": ["openid"]}, "scope"),
    ({"client_name": {"x": 1}}, "client_name"),
])
def test_unsupported_metadata_is_refused_clearly(db, body, why):
    response = post({"redirect_uris": [CB], "token_endpoint_auth_method": "none", **body})
    assert_refused(response, "invalid_client_metadata")
    assert why in response.json()["error_description"]


@pytest.mark.parametrize("raw,content_type", [
    ("not json", "application/json"), ("[]", "application/json"), ('"x"', "application/json"),
    ('{"redirect_uris":' + "[" * 5000 + "]" * 5000 + "}", "application/json"),  # too deep for json.loads
    (json.dumps({"redirect_uris": [CB]}), "text/plain"),
    (json.dumps({"redirect_uris": [CB]}), "application/x-www-form-urlencoded"),
])
def test_a_body_that_is_not_a_json_object_is_refused(db, raw, content_type):
    assert_refused(post(raw, content_type=content_type), "invalid_client_metadata")


def test_a_member_given_twice_is_refused(db):
    """A checker reading one copy and a user of the other is how redirect allowlists get bypassed."""
    raw = '{"redirect_uris": ["%s"], "token_endpoint_auth_method": "none", "redirect_uris": ["https://evil.example/cb"]}'
    response = post(raw % CB, content_type="application/json")
    assert_refused(response, "invalid_client_metadata")
    assert 'the key "redirect_uris" appears twice' in response.json()["error_description"]


def test_members_the_client_may_not_choose_are_ignored(db, world):
    response = post({"redirect_uris": [CB], "token_endpoint_auth_method": "client_secret_basic",
                     "client_id": "chosen", "client_secret": "chosen", "skip_authorization": True,
                     "skip_consent": True, "trusted": True, "company_id": world.b.pk, "user": world.owner_b.pk,
                     "scope": "openid admin:all", "logo_uri": "http://127.0.0.1:9911/logo.png",
                     "client_uri": "file:///etc/passwd", "sector_identifier_uri": "http://127.0.0.1:9911/s"})
    assert response.status_code == 201
    body = response.json()
    assert body["client_id"] != "chosen" and body["client_secret"] != "chosen"
    assert body["scope"] == "openid"  # unknown scope dropped: the server registers what it supports
    assert not {"skip_consent", "trusted", "company_id", "logo_uri", "client_uri"} & set(body)
    app = Application.objects.get(client_id=body["client_id"])
    assert app.company_id is None and app.user_id is None and app.skip_authorization is False


def test_a_confidential_dynamic_client_cannot_skip_its_secret(browser, db):
    conf = register(method="client_secret_basic")
    response = redeem(get_code(browser, conf))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_client_name_control_and_bidi_characters_are_stripped(db):
    body = post({"redirect_uris": [CB], "token_endpoint_auth_method": "none",
                 "client_name": "Cla\u202eude\x00\n Desktop"}).json()
    assert body["client_name"] == "Claude Desktop"


def test_the_registration_token_expires_instead_of_living_until_9999(db):
    register()
    token = AccessToken.objects.get()
    assert token.user is None
    assert token.expires < timezone.now() + timedelta(days=31)


def test_registration_is_rate_limited_per_ip_with_429(db, settings):
    settings.DCR_RATE_PER_HOUR = 3
    for _ in range(3):
        assert post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}).status_code == 201
    response = post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["error"] == "rate_limited"
    other_ip = post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}, REMOTE_ADDR="203.0.113.9")
    assert other_ip.status_code == 201


def test_a_spoofed_forwarded_for_does_not_reset_the_limit(db, settings):
    settings.DCR_RATE_PER_HOUR = 2
    for n in range(2):
        post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}, HTTP_X_FORWARDED_FOR="10.0.0.9")
    assert response.status_code == 429


def test_the_root_alias_registers_too(db):
    response = Client().post("/register", json.dumps({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}),
                             content_type="application/json")
    assert response.status_code == 201


def test_registration_answers_cors_preflight_and_never_allows_credentials(db):
    response = Client().options(REG, HTTP_ORIGIN="http://localhost:6274", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")
    assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == "*"
    assert "content-type" in response["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response
    created = post({"redirect_uris": [CB], "token_endpoint_auth_method": "none"}, HTTP_ORIGIN="https://attacker.example")
    assert created["Access-Control-Allow-Origin"] == "*"


# ---- RFC 7592: read, update, delete with the registration access token ---------------------------

def manage(method, client_id, token, body=None):
    http = Client()
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    path = f"{REG}/{client_id}"
    if body is None:
        return getattr(http, method)(path, **kwargs)
    return getattr(http, method)(path, json.dumps(body), content_type="application/json", **kwargs)


def test_the_read_endpoint_reports_the_real_registration(db):
    created = post(CLAUDE).json()
    response = manage("get", created["client_id"], created["registration_access_token"])
    assert response.status_code == 200
    body = response.json()
    assert body["token_endpoint_auth_method"] == "client_secret_post"  # DOT's GET says client_secret_basic
    assert body["scope"] == created["scope"] and "client_secret" not in body


def test_update_replaces_the_metadata_and_rotates_the_registration_token(db):
    created = post(CLAUDE).json()
    update = {**CLAUDE, "client_id": created["client_id"], "redirect_uris": ["https://claude.ai/new"],
              "scope": "openid"}
    response = manage("put", created["client_id"], created["registration_access_token"], update)
    assert response.status_code == 200
    body = response.json()
    assert body["redirect_uris"] == ["https://claude.ai/new"] and body["scope"] == "openid"
    assert body["registration_access_token"] != created["registration_access_token"]
    assert manage("get", created["client_id"], created["registration_access_token"]).status_code == 401
    bad = manage("put", created["client_id"], body["registration_access_token"],
                 {**update, "redirect_uris": ["http://attacker.example/cb"]})
    assert_refused(bad, "invalid_redirect_uri")


def test_update_cannot_turn_a_confidential_client_public(db):
    created = post(CLAUDE).json()
    response = manage("put", created["client_id"], created["registration_access_token"],
                      {**CLAUDE, "token_endpoint_auth_method": "none"})
    assert_refused(response, "invalid_client_metadata")


def test_delete_removes_the_client(db):
    created = post(CLAUDE).json()
    assert manage("delete", created["client_id"], created["registration_access_token"]).status_code == 204
    assert not Application.objects.filter(client_id=created["client_id"]).exists()


def test_management_needs_that_clients_own_registration_token(db):
    one, two = post(CLAUDE).json(), post(CLAUDE).json()
    assert manage("get", one["client_id"], two["registration_access_token"]).status_code == 401
    assert manage("delete", one["client_id"], "garbage").status_code == 401
    assert Client().get(f"{REG}/{one['client_id']}").status_code == 401
