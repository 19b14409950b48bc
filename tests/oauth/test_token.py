"""/oauth/token with real PKCE flows: codes, PKCE, redirect binding, replay, errors, client auth.

Rows: protocol.md AS1, B6–B13, B17, B21, B24, B33, AS6, AS10–AS11; dot-notes 4.9, 4.10, 4.11; CASE-14, 15, 17, 41.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from lockii.oauth.models import AccessToken, Application, Grant, RefreshToken
from tests.oauth.oauth_kit import (
    CB, TOKEN, bearer, get_code, pkce_pair, redeem, refresh, register, tokens_for,
)


def api_get(token: str):
    return bearer(Client(), "/api/v1/booking?limit=1", token)


def assert_token_error(response, error: str, status: int = 400):
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    assert response["Cache-Control"] == "no-store"


# ---- the happy path -----------------------------------------------------------------------------

def test_a_code_is_exchanged_once_for_bearer_tokens_that_are_never_cached(browser, pub):
    response = redeem(get_code(browser, pub))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == {"openid", "profile", "email"}
    assert body["refresh_token"] and body["id_token"]
    assert api_get(body["access_token"]).status_code == 200


def test_tokens_are_stored_hashed_never_in_clear(browser, pub):
    body = tokens_for(browser, pub)
    row = AccessToken.objects.get(user__isnull=False)
    assert row.token == "" and body["access_token"] not in str(AccessToken.objects.values_list())
    assert RefreshToken.objects.get().token == ""


def test_the_token_endpoint_accepts_only_post():
    response = Client().get(TOKEN)
    assert_token_error(response, "invalid_request", status=405)


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "implicit",
                                        "urn:ietf:params:oauth:grant-type:device_code", "nonsense"])
def test_grants_other_than_code_and_refresh_are_unsupported(pub, grant_type):
    response = Client().post(TOKEN, {"grant_type": grant_type, "client_id": pub.client_id,
                                     "username": "x", "password": "y", "device_code": "z"})
    assert_token_error(response, "unsupported_grant_type")


# ---- the code: single use, short-lived, bound to client and redirect (B10–B13, CASE-14, 17) ------

def test_a_replayed_code_fails_and_revokes_every_token_it_issued(browser, pub):
    code = get_code(browser, pub)
    first = redeem(code).json()
    rotated = refresh(pub.client_id, first["refresh_token"]).json()
    assert_token_error(redeem(code), "invalid_grant")
    assert api_get(first["access_token"]).status_code == 401
    assert api_get(rotated["access_token"]).status_code == 401  # the whole family, after rotation too
    assert_token_error(refresh(pub.client_id, rotated["refresh_token"]), "invalid_grant")
    assert Grant.objects.get(code=code.code).replayed_at is not None


def test_a_replay_also_revokes_a_code_redeemed_without_a_refresh_token(browser, db):
    no_refresh = register(grant_types=["authorization_code"])
    code = get_code(browser, no_refresh, scope="openid")
    first = redeem(code).json()
    assert "refresh_token" not in first
    assert_token_error(redeem(code), "invalid_grant")
    assert api_get(first["access_token"]).status_code == 401


def test_a_wrong_verifier_uses_up_the_code(browser, pub):
    code = get_code(browser, pub)
    assert_token_error(redeem(code, code_verifier=pkce_pair()[0]), "invalid_grant")
    assert_token_error(redeem(code), "invalid_grant")  # the right verifier is now too late


@pytest.mark.parametrize("change", [
    {"code_verifier": None},  # no verifier
    {"code_verifier": "short"},
    {"code_verifier": "CHALLENGE"},  # the challenge echoed as verifier
])
def test_a_missing_or_wrong_verifier_is_refused(browser, pub, change):
    code = get_code(browser, pub)
    if change.get("code_verifier") == "CHALLENGE":
        change = {"code_verifier": Grant.objects.get(code=code.code).code_challenge}
    response = redeem(code, **change)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_grant", "invalid_request")
    assert Grant.objects.get(code=code.code).used_at is not None


def test_a_verifier_for_a_code_issued_without_a_challenge_is_refused(browser, pub, world):
    # PKCE downgrade (RFC 9700 §4.8.2): such a code cannot be made through /authorize at all
    # (PKCE is required), so it is planted directly.
    verifier, _ = pkce_pair()
    app = Application.objects.get(client_id=pub.client_id)
    Grant.objects.create(application=app, user=world.manager_l1, code="no-challenge", redirect_uri=CB,
                         scope="openid", expires=timezone.now() + timedelta(seconds=60), resource=[])
    response = Client().post(TOKEN, {"grant_type": "authorization_code", "code": "no-challenge", "redirect_uri": CB,
                                     "client_id": pub.client_id, "code_verifier": verifier})
    assert_token_error(response, "invalid_grant")


def test_the_redirect_uri_must_be_the_one_the_code_was_issued_for(browser, db):
    two = register(redirect_uris=[CB, "http://127.0.0.1:33418/other"])
    code = get_code(browser, two)
    assert_token_error(redeem(code, redirect_uri="http://127.0.0.1:33418/other"), "invalid_grant")
    omitted = redeem(get_code(browser, two), redirect_uri=None)
    assert omitted.status_code == 400 and omitted.json()["error"] in ("invalid_grant", "invalid_request")


def test_a_loopback_code_must_be_redeemed_with_the_same_port(browser, pub):
    code = get_code(browser, pub, redirect_uri="http://127.0.0.1:51004/callback")
    assert_token_error(redeem(code, redirect_uri=CB), "invalid_grant")
    code = get_code(browser, pub, redirect_uri="http://127.0.0.1:51004/callback")
    assert redeem(code).status_code == 200


def test_a_code_issued_to_one_client_cannot_be_redeemed_by_another(browser, pub):
    other = register()
    code = get_code(browser, pub)
    assert_token_error(redeem(code, client_id=other.client_id), "invalid_grant")
    assert redeem(code).status_code == 200  # a stranger cannot burn someone else's code


def test_an_expired_code_is_refused(browser, pub):
    code = get_code(browser, pub)
    grant = Grant.objects.get(code=code.code)
    assert (grant.expires - grant.created).total_seconds() == pytest.approx(60, abs=2)
    Grant.objects.filter(pk=grant.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert_token_error(redeem(code), "invalid_grant")


def test_a_code_redeemed_by_a_disabled_user_fails(browser, pub, world):
    code = get_code(browser, pub)
    world.manager_l1.disabled = True
    world.manager_l1.save()
    assert_token_error(redeem(code), "invalid_grant")


@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_of_one_code_issue_one_token_set(world):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory shared-cache SQLite test database locks whole tables; "
                    "the file database with WAL that `lockii serve` uses does not (run on PostgreSQL)")
    client = register()
    browser = Client()
    browser.force_login(world.manager_l1)
    code = get_code(browser, client)

    def attempt(_):
        try:
            return redeem(code).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = list(pool.map(attempt, range(5)))
    assert sorted(statuses) == [200, 400, 400, 400, 400]
    # The others are replays: they waited for the first one's tokens, then revoked them.
    assert AccessToken.objects.filter(user__isnull=False).count() == 0
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0


@pytest.mark.parametrize("kind", ["pub", "conf"])
def test_public_and_confidential_clients_both_need_pkce_and_confidential_ones_their_secret(browser, kind, request):
    """AS1: one OAuth 2.1 code flow for both client types; PKCE is never optional, even with a secret."""
    client = request.getfixturevalue(kind)
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": CB, "state": "S1",
             "scope": "openid"}
    response = browser.get("/oauth/authorize?" + urlencode(query))
    assert response.status_code == 302 and "error=invalid_request" in response["Location"]

    # oauthlib calls a missing verifier invalid_request (MissingCodeVerifierError), a wrong one invalid_grant.
    assert_token_error(redeem(get_code(browser, client), secret=client.secret, code_verifier=None),
                       "invalid_request")
    if client.secret:
        assert_token_error(redeem(get_code(browser, client)), "invalid_client", status=401)
    assert redeem(get_code(browser, client), secret=client.secret).status_code == 200


def test_sender_constrained_tokens_are_not_offered(browser, pub):
    """B21: no DPoP (or mTLS binding): not advertised, and a DPoP proof is ignored, giving a Bearer token.

    Refresh-token rotation with reuse detection is the public-client protection instead (RFC 9700 §4.14.2).
    """
    doc = Client().get("/.well-known/oauth-authorization-server").json()
    assert "dpop_signing_alg_values_supported" not in doc
    assert "tls_client_certificate_bound_access_tokens" not in doc
    code = get_code(browser, pub)
    form = {"grant_type": "authorization_code", "code": code.code, "redirect_uri": CB, "client_id": pub.client_id,
            "code_verifier": code.verifier}
    response = Client().post(TOKEN, form, HTTP_DPOP="eyJhbGciOiJFUzI1NiIsInR5cCI6ImRwb3Arand0In0.e30.sig")
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"
    assert api_get(response.json()["access_token"]).status_code == 200


# ---- client authentication (CASE-23, CASE-41, B33) ---------------------------------------------

def test_a_confidential_client_authenticates_with_post_or_basic(browser, conf):
    assert redeem(get_code(browser, conf), secret=conf.secret).status_code == 200
    assert redeem(get_code(browser, conf), secret=conf.secret, basic=True).status_code == 200


def test_basic_and_post_together_are_accepted_when_they_agree(browser, conf):
    code = get_code(browser, conf)
    raw = base64.b64encode(f"{conf.client_id}:{conf.secret}".encode()).decode()
    response = Client().post(TOKEN, {"grant_type": "authorization_code", "code": code.code, "redirect_uri": CB,
                                     "client_id": conf.client_id, "client_secret": conf.secret,
                                     "code_verifier": code.verifier}, HTTP_AUTHORIZATION=f"Basic {raw}")
    assert response.status_code == 200


def test_basic_for_one_client_and_a_body_client_id_of_another_is_invalid_client(browser, conf):
    # oauthlib answers this contradiction with "server_error" (grant_types.base
    # validate_client_confidential), which is not a token endpoint error code (RFC 6749 §5.2).
    other = register(method="client_secret_post")
    raw = base64.b64encode(f"{other.client_id}:{other.secret}".encode()).decode()
    for body_client in (conf.client_id, "no-such-client"):
        code = get_code(browser, conf)
        response = Client().post(TOKEN, {"grant_type": "authorization_code", "code": code.code, "redirect_uri": CB,
                                         "client_id": body_client, "code_verifier": code.verifier},
                                 HTTP_AUTHORIZATION=f"Basic {raw}")
        assert_token_error(response, "invalid_client", status=401)


@pytest.mark.parametrize("basic", [True, False])
def test_a_wrong_secret_is_invalid_client_with_a_basic_challenge(browser, conf, basic):
    response = redeem(get_code(browser, conf), secret="wrong-" + conf.secret, basic=basic)
    assert_token_error(response, "invalid_client", status=401)
    assert response["WWW-Authenticate"].startswith("Basic")


def test_a_confidential_client_without_its_secret_is_refused(browser, conf):
    assert_token_error(redeem(get_code(browser, conf)), "invalid_client", status=401)


def test_a_secret_with_reserved_characters_works_form_encoded_in_basic(browser, conf):
    secret = "a:b+c%d/e f&g=h"
    app = Application.objects.get(client_id=conf.client_id)
    app.client_secret = secret
    app.save()
    assert redeem(get_code(browser, conf), secret=secret, basic=True).status_code == 200
    assert redeem(get_code(browser, conf), secret=secret).status_code == 200


def test_client_secrets_use_the_fast_hash_not_argon2(conf):
    """B24: secrets are stored hashed. Asymmetric client authentication (``private_key_jwt``, mTLS) is
    not offered: refused at registration (test_registration.py) and never advertised (test_metadata.py)."""
    stored = Application.objects.get(client_id=conf.client_id).client_secret
    assert stored.startswith("lockii_secret_sha256$") and conf.secret not in stored


def test_repeated_client_authentication_failures_are_throttled(browser, conf, settings):
    from lockii.oauth import endpoints

    code = get_code(browser, conf)
    for _ in range(endpoints.TOKEN_AUTH_FAILURES_PER_MINUTE):
        assert redeem(code, secret="wrong", basic=True).status_code == 401
    response = redeem(code, secret=conf.secret)  # the same client, named in the form this time
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["error"] == "temporarily_unavailable"


def test_one_clients_failures_do_not_lock_out_another_client_at_the_same_address(browser, conf, pub):
    from lockii.oauth import endpoints

    code = get_code(browser, conf)
    for _ in range(endpoints.TOKEN_AUTH_FAILURES_PER_MINUTE):
        assert redeem(code, secret="wrong").status_code == 401
    assert redeem(get_code(browser, pub)).status_code == 200
