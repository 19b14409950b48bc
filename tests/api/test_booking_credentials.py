"""Credentials on the booking endpoints: API key in the header or the query, and every 401 case."""

from __future__ import annotations

import logging

import pytest

from lockii.identity.apikeys import create_key, revoke_key
from lockii.identity.models import ApiKey

URLS = ["/api/v1/booking", "/api/v1/booking/{B1}"]


def url(shop, template: str) -> str:
    return template.format(B1=shop.bk["B1"].id)


@pytest.mark.parametrize("template", URLS)
def test_api_key_in_header(shop, api, template):
    r = api.get(url(shop, template), HTTP_X_API_KEY=shop.key_a)
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("template", URLS)
def test_api_key_in_query(shop, api, template):
    r = api.get(url(shop, template), {"api_key": shop.key_a})
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("template", URLS)
def test_answers_for_a_credential_are_never_stored_by_caches(shop, api, template):
    # CASE-39: a URL may carry the key itself, and bookings carry lock codes; no browser or proxy
    # cache may keep either (RFC 9111 §5.2.2.5).
    for request in ({"HTTP_X_API_KEY": shop.key_a}, {"data": {"api_key": shop.key_a}},
                    {"data": {"api_key": "lk_wrong"}}, {"data": {"api_key": shop.key_a, "limit": "x"}}):
        assert api.get(url(shop, template), **request)["Cache-Control"] == "no-store"


def test_api_key_in_query_is_not_an_input_parameter(shop, api):
    r = api.get("/api/v1/booking", {"api_key": shop.key_a, "status": "overdue"})
    assert [b["id"] for b in r.json()] == [shop.bk["B4"].id]


def assert_401(response, *, token_sent: bool):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'resource_metadata="' in challenge
    assert ('error="invalid_token"' in challenge) is token_sent
    assert "error=" in challenge if token_sent else "error=" not in challenge


@pytest.mark.parametrize("template", URLS)
def test_missing_credential(shop, api, template):
    assert_401(api.get(url(shop, template)), token_sent=False)


@pytest.mark.parametrize("template", URLS)
def test_wrong_key_in_header_or_query(shop, api, template):
    assert_401(api.get(url(shop, template), HTTP_X_API_KEY="lk_wrong"), token_sent=True)
    assert_401(api.get(url(shop, template), {"api_key": "lk_wrong"}), token_sent=True)


@pytest.mark.parametrize("template", URLS)
def test_revoked_key(shop, api, template):
    key, secret = create_key(shop.a, "soon revoked")
    assert api.get(url(shop, template), HTTP_X_API_KEY=secret).status_code == 200
    revoke_key(shop.a, key.id)
    assert_401(api.get(url(shop, template), HTTP_X_API_KEY=secret), token_sent=True)
    assert_401(api.get(url(shop, template), {"api_key": secret}), token_sent=True)


def test_credential_check_comes_before_input_validation(shop, api):
    r = api.get("/api/v1/booking", {"limit": "0", "bogus": "1"})
    assert_401(r, token_sent=False)


def test_query_api_key_never_appears_in_body_or_logs(shop, api, caplog):
    _, secret = create_key(shop.a, "query key")
    wrong = "lk_" + "Q" * 43
    caplog.set_level(logging.INFO, logger="lockii.request")
    responses = [
        api.get("/api/v1/booking", {"api_key": secret}),
        api.get("/api/v1/booking", {"api_key": secret, "limit": "0"}),
        api.get("/api/v1/booking", {"api_key": secret, "dateRange": "{bad"}),
        api.get(f"/api/v1/booking/{shop.bk['B1'].id}", {"api_key": secret}),
        api.get("/api/v1/booking/booking_nope", {"api_key": secret}),
        api.get("/api/v1/booking", {"api_key": wrong}),
    ]
    assert [r.status_code for r in responses] == [200, 400, 400, 200, 404, 401]
    for r in responses:
        text = r.content.decode() + str(r.headers)
        assert secret not in text and wrong not in text
    request_logs = [rec for rec in caplog.records if rec.name == "lockii.request"]
    assert len(request_logs) == len(responses)
    for rec in caplog.records:
        logged = rec.getMessage() + repr(getattr(rec, "fields", {})) + repr(rec.args)
        assert secret not in logged and wrong not in logged
    assert all(rec.fields["query"].startswith("api_key=%5Bredacted%5D") for rec in request_logs)


def test_keys_are_stored_hashed(shop):
    assert not ApiKey.objects.filter(secret_hash=shop.key_a).exists()
