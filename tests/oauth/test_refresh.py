"""Refresh tokens, resources (RFC 8707) and ID tokens.

Rows: protocol.md AS10, AS12, AS22, B18, B19, B20, B22, B23, O1, O3, O8–O11, O14, O16; dot-notes 4.1, 4.8;
CASE-07, CASE-08, CASE-19, CASE-42.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jwcrypto import jwk, jwt

from lockii.identity import accounts
from lockii.identity.models import User
from lockii.oauth import bearer as bearer_tokens
from lockii.oauth.models import AccessToken, Consent, RefreshToken, SigningKey
from tests.oauth.oauth_kit import (
    bearer, get_code, jwt_claims, jwt_header, redeem, refresh, register, signed_in, tokens_for,
)

API, MCP = settings.API_RESOURCE, settings.MCP_RESOURCE


def api_status(token):
    return bearer(Client(), "/api/v1/booking?limit=1", token).status_code


def resources_of(access_token_body):
    from lockii.oauth.bearer import lookup

    return set(lookup(access_token_body["access_token"]).resources)


# ---- rotation and reuse (B18, AS10, CASE-19) ----------------------------------------------------

def test_every_refresh_rotates_and_reusing_an_old_token_ends_the_family(browser, pub):
    first = tokens_for(browser, pub)
    second = refresh(pub.client_id, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert api_status(first["access_token"]) == 401  # rotated away
    third = refresh(pub.client_id, second["refresh_token"]).json()
    replay = refresh(pub.client_id, first["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert refresh(pub.client_id, third["refresh_token"]).json()["error"] == "invalid_grant"
    assert api_status(third["access_token"]) == 401


def test_a_refresh_token_works_only_for_its_own_client(browser, pub):
    other = register()
    first = tokens_for(browser, pub)
    assert refresh(other.client_id, first["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_confidential_client_must_authenticate_to_refresh(browser, conf):
    first = tokens_for(browser, conf)
    assert refresh(conf.client_id, first["refresh_token"]).status_code == 401
    assert refresh(conf.client_id, first["refresh_token"], client_secret=conf.secret).status_code == 200


def test_a_disabled_user_can_no_longer_refresh(browser, pub, world):
    first = tokens_for(browser, pub)
    world.manager_l1.disabled = True
    world.manager_l1.save()
    assert refresh(pub.client_id, first["refresh_token"]).json()["error"] == "invalid_grant"
    assert api_status(first["access_token"]) == 401


def test_tokens_of_a_disabled_user_stay_dead_after_re_enabling(browser, pub, world):
    """Disabling revokes (RFC 9700 §4.14.2): re-enabling the account does not revive old tokens."""
    first = tokens_for(browser, pub)
    accounts.set_disabled(world.manager_l1, True)
    accounts.set_disabled(world.manager_l1, False)
    assert refresh(pub.client_id, first["refresh_token"]).json()["error"] == "invalid_grant"
    assert api_status(first["access_token"]) == 401
    assert not Consent.objects.filter(user=world.manager_l1).exists()  # the app must be approved again
    world.manager_l1.refresh_from_db()
    assert api_status(tokens_for(signed_in(world.manager_l1), pub)["access_token"]) == 200  # a new sign-in works


def test_refresh_cannot_widen_the_scope_but_may_narrow_it(browser, pub):
    first = tokens_for(browser, pub, scope="openid profile")
    wider = refresh(pub.client_id, first["refresh_token"], scope="openid profile email")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    narrower = refresh(pub.client_id, first["refresh_token"], scope="openid")
    assert narrower.status_code == 200 and narrower.json()["scope"] == "openid"


def test_an_empty_scope_on_refresh_keeps_the_granted_scope(browser, pub):
    first = tokens_for(browser, pub, scope="openid profile")
    again = refresh(pub.client_id, first["refresh_token"], scope="")
    assert again.status_code == 200 and set(again.json()["scope"].split()) == {"openid", "profile"}


# ---- refresh-token policy: offline_access and grant types (O14, AS22, CASE-42) -----------------

def test_a_client_registered_for_refresh_tokens_gets_one_without_asking_for_offline_access(browser, pub):
    assert "refresh_token" in tokens_for(browser, pub, scope="openid profile")


def test_a_client_not_registered_for_refresh_gets_one_only_with_offline_access(browser, db):
    client = register(grant_types=["authorization_code"])
    assert "refresh_token" not in tokens_for(browser, client, scope="openid")
    offline = tokens_for(browser, client, scope="openid offline_access")
    assert offline["refresh_token"]
    assert refresh(client.client_id, offline["refresh_token"]).status_code == 200


# ---- resources (B22, AS12, CASE-07, CASE-08, dot-notes 3.5) ------------------------------------

def test_a_token_asked_without_resource_is_bound_to_both_first_party_resources(browser, pub):
    assert resources_of(tokens_for(browser, pub)) == {API, MCP}


def test_the_resource_given_at_authorize_binds_the_token_even_when_the_token_request_omits_it(browser, pub):
    body = tokens_for(browser, pub, resource=MCP)
    assert resources_of(body) == {MCP}
    assert api_status(body["access_token"]) == 401


def test_the_token_request_may_narrow_but_never_switch_or_widen_the_resource(browser, pub):
    code = get_code(browser, pub, resource=MCP)
    switched = redeem(code, resource=API)
    assert switched.status_code == 400 and switched.json()["error"] == "invalid_target"
    narrowed = redeem(get_code(browser, pub), resource=API)
    assert narrowed.status_code == 200 and resources_of(narrowed.json()) == {API}


@pytest.mark.parametrize("resource", ["https://evil.example/mcp", MCP + "#frag", MCP + "?x=1",
                                      "http://127.0.0.1:8000/api", "urn:lockii:api"])
def test_a_foreign_resource_at_the_token_endpoint_is_invalid_target(browser, pub, resource):
    response = redeem(get_code(browser, pub), resource=resource)
    assert response.status_code == 400 and response.json()["error"] == "invalid_target"


def test_refresh_keeps_the_resource_and_refuses_another(browser, pub):
    first = tokens_for(browser, pub, resource=MCP)
    evil = refresh(pub.client_id, first["refresh_token"], resource="https://evil.example/mcp")
    assert evil.status_code == 400 and evil.json()["error"] == "invalid_target"
    kept = refresh(pub.client_id, first["refresh_token"])
    assert kept.status_code == 200 and resources_of(kept.json()) == {MCP}


def test_refresh_may_narrow_a_two_resource_token_to_one(browser, pub):
    first = tokens_for(browser, pub)
    narrowed = refresh(pub.client_id, first["refresh_token"], resource=API)
    assert narrowed.status_code == 200 and resources_of(narrowed.json()) == {API}
    wider = refresh(pub.client_id, narrowed.json()["refresh_token"], resource=MCP)
    assert wider.json()["error"] == "invalid_target"


@pytest.mark.parametrize("spelling", [MCP + "/", MCP.replace("http://", "HTTP://")])
def test_equivalent_spellings_of_a_resource_mean_the_same_resource_everywhere(browser, pub, spelling):
    body = tokens_for(browser, pub, resource=spelling)
    assert resources_of(body) == {MCP}
    again = refresh(pub.client_id, body["refresh_token"], resource=spelling)
    assert again.status_code == 200 and resources_of(again.json()) == {MCP}


# ---- ID tokens (O1, O3, O8–O11, dot-notes 4.1) ---------------------------------------------------

def _verify(id_token: str) -> dict:
    keys = jwk.JWKSet.from_json(Client().get("/oauth/jwks").content)
    return json.loads(jwt.JWT(jwt=id_token, key=keys, algs=["RS256"]).claims)


def test_a_dynamically_registered_client_gets_a_signed_id_token(browser, pub, world):
    code = get_code(browser, pub, nonce="n-0S6_WzA2Mj")
    body = redeem(code).json()
    claims = _verify(body["id_token"])
    header = jwt_header(body["id_token"])
    assert header["alg"] == "RS256" and header["kid"]
    assert claims["iss"] == settings.PUBLIC_URL
    assert claims["aud"] == pub.client_id
    assert claims["sub"] == world.manager_l1.pk and len(claims["sub"]) <= 255
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["exp"] > claims["iat"] and isinstance(claims["auth_time"], int)
    assert claims["at_hash"]
    assert claims["company_id"] == world.a.pk and claims["role"] == "manager"


def test_the_auth_time_is_the_sign_in_of_the_session_that_approved(pub, world):
    browser = Client()
    assert browser.post("/login", {"email": world.staff_a.email, "password": "pw-123456789"}).status_code == 302
    signed_in_at = browser.session["auth_time"]
    claims = jwt_claims(redeem(get_code(browser, pub)).json()["id_token"])
    assert claims["auth_time"] == signed_in_at


def test_a_refreshed_id_token_keeps_the_original_auth_time(pub, world):
    """OIDC Core §12.2; a later sign-in elsewhere (a newer last_login) changes nothing."""
    browser = Client()
    assert browser.post("/login", {"email": world.staff_a.email, "password": "pw-123456789"}).status_code == 302
    signed_in_at = browser.session["auth_time"]
    first = redeem(get_code(browser, pub, scope="openid offline_access")).json()
    User.objects.filter(pk=world.staff_a.pk).update(last_login=timezone.now() + timedelta(hours=1))
    refreshed = refresh(pub.client_id, first["refresh_token"]).json()
    assert jwt_claims(refreshed["id_token"])["auth_time"] == signed_in_at == jwt_claims(first["id_token"])["auth_time"]


def test_without_openid_there_is_no_id_token(browser, pub):
    body = tokens_for(browser, pub, scope="profile")
    assert "id_token" not in body


def test_id_token_claims_follow_the_granted_scopes(browser, pub):
    claims = jwt_claims(tokens_for(browser, pub, scope="openid")["id_token"])
    assert "email" not in claims and "name" not in claims and claims["sub"]


def test_an_id_token_or_refresh_token_is_not_an_access_token(browser, pub):
    body = tokens_for(browser, pub)
    for token in (body["id_token"], body["refresh_token"]):
        assert api_status(token) == 401
        assert bearer(Client(), "/oauth/userinfo", token).status_code == 401


def test_an_unsigned_or_altered_jwt_is_never_accepted(browser, pub, world):
    body = tokens_for(browser, pub)
    header_b64, payload_b64, signature = body["id_token"].split(".")
    payload = jwt_claims(body["id_token"])
    payload["sub"] = world.owner_b.pk
    forged_payload = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    for alg in ("none", "None", "NONE", "nOnE"):
        forged_header = base64.urlsafe_b64encode(json.dumps({"alg": alg, "typ": "at+jwt"}).encode()).rstrip(b"=")
        for token in (f"{forged_header.decode()}.{payload_b64}.", f"{forged_header.decode()}.{forged_payload}.",
                      f"{forged_header.decode()}.{payload_b64}.{signature}"):
            assert api_status(token) == 401
            assert bearer(Client(), "/oauth/userinfo", token).status_code == 401


def test_refreshing_an_openid_grant_gives_a_fresh_id_token_for_the_same_subject(browser, pub, world):
    first = tokens_for(browser, pub)
    second = refresh(pub.client_id, first["refresh_token"]).json()
    claims = _verify(second["id_token"])
    assert claims["sub"] == world.manager_l1.pk and claims["aud"] == pub.client_id


def test_the_access_token_of_a_refresh_links_the_id_token_it_was_issued_with(browser, pub):
    first = tokens_for(browser, pub)
    second = refresh(pub.client_id, first["refresh_token"]).json()
    row = AccessToken.objects.select_related("id_token").get(
        token_checksum=bearer_tokens.checksum(second["access_token"]))
    assert row.id_token is not None and str(row.id_token.jti) == _verify(second["id_token"])["jti"]
    assert jwt_header(second["id_token"])["kid"] == SigningKey.objects.get(state=SigningKey.CURRENT).kid


# Statements of one refresh grant with an ID token, counted so that a regression shows:
#   rate-limit read; transaction; client; refresh token with its user, company and client (one join);
#   current signing key; ID token insert (DOT's savepoint); rotation in DOT's savepoint: lock the
#   refresh token and its access token, RefreshToken.revoke() (its own savepoint, re-lock, read and
#   delete the access token, save the refresh token), insert the new access and refresh tokens.
REFRESH_GRANT_STATEMENTS = 23


def test_one_refresh_grant_runs_a_known_number_of_sql_statements(browser, pub):
    first = tokens_for(browser, pub, scope="openid profile email offline_access")
    with CaptureQueriesContext(connection) as queries:
        second = refresh(pub.client_id, first["refresh_token"])
    assert second.status_code == 200 and second.json()["id_token"]
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == REFRESH_GRANT_STATEMENTS, "\n".join(s[:120] for s in statements)
    assert sum("oauth_signingkey" in s for s in statements) == 1
    assert sum('FROM "oauth_application"' in s for s in statements) == 1  # not again for the refresh token


def test_access_tokens_are_short_lived(browser, pub):
    body = tokens_for(browser, pub)
    token = AccessToken.objects.get(user__isnull=False)
    assert body["expires_in"] == settings.ACCESS_TOKEN_SECONDS
    assert abs((token.expires - token.created).total_seconds() - settings.ACCESS_TOKEN_SECONDS) < 5
    assert RefreshToken.objects.get().token_family == token.family


def test_a_refresh_token_idle_longer_than_its_lifetime_is_refused(browser, pub):
    """B20: refresh tokens expire after inactivity."""
    from datetime import timedelta

    from django.utils import timezone

    body = tokens_for(browser, pub)
    idle = timedelta(seconds=settings.REFRESH_TOKEN_SECONDS + 1)
    AccessToken.objects.update(expires=timezone.now() - idle)
    assert refresh(pub.client_id, body["refresh_token"]).json()["error"] == "invalid_grant"


def test_the_refresh_lifetime_counts_from_the_last_use_not_from_sign_in(browser, pub):
    """B20: expiry is by inactivity: a grant in use lives on past LOCKII_REFRESH_TOKEN_SECONDS."""
    from datetime import timedelta

    from django.utils import timezone

    first = tokens_for(browser, pub)
    almost = timedelta(seconds=settings.REFRESH_TOKEN_SECONDS - 60)
    AccessToken.objects.update(expires=timezone.now() - almost, created=timezone.now() - almost)
    RefreshToken.objects.update(created=timezone.now() - almost)
    second = refresh(pub.client_id, first["refresh_token"])
    assert second.status_code == 200, second.content
    # The grant is now older than the lifetime, but its tokens were just renewed.
    third = refresh(pub.client_id, second.json()["refresh_token"])
    assert third.status_code == 200 and api_status(third.json()["access_token"]) == 200


def test_signing_out_of_lockii_leaves_connected_apps_connected(browser, pub):
    """B20 policy: sign-out ends the browser session only. An app's grant ends when the user disconnects
    it, revokes a token, or is disabled (test_a_disabled_user_can_no_longer_refresh); there is no
    password change yet to hook a revocation to."""
    first = tokens_for(browser, pub)
    assert browser.post("/logout").status_code == 302
    assert browser.get("/settings/integrations").status_code == 302  # signed out
    after = refresh(pub.client_id, first["refresh_token"])
    assert after.status_code == 200 and api_status(after.json()["access_token"]) == 200
