"""Hostile input to the OAuth endpoints we own: always an RFC 6749 / RFC 7591 error, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.oauth.oauth_kit import CB, refresh, tokens_for

NASTY = ["\x00", "a\x00b", "%zz", "%", "é" * 300, "x" * 20000, " ", "\r\n", "null", "[]", "{}"]


@pytest.fixture
def http():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("field", ["code", "client_id", "redirect_uri", "code_verifier", "resource", "scope",
                                   "refresh_token", "grant_type", "client_secret"])
@pytest.mark.parametrize("value", NASTY)
def test_the_token_endpoint_answers_every_bad_value_with_an_oauth_error(http, pub, field, value):
    for grant_type in ("authorization_code", "refresh_token"):
        form = {"grant_type": grant_type, "code": "c", "refresh_token": "r", "client_id": pub.client_id,
                "redirect_uri": CB, "code_verifier": "v" * 43, field: value}
        response = http.post("/oauth/token", form)
        assert 400 <= response.status_code < 500, (field, value, response.status_code)
        assert response.json()["error"]


@pytest.mark.parametrize("raw", ["code=%zz&grant_type=authorization_code", "grant_type=authorization_code&code=a&code=b",
                                 "\x00", "a" * 100000, "grant_type=authorization_code&code=%ED%A0%80&client_id=%00",
                                 "grant_type=refresh_token&refresh_token=%FF%FE"])
def test_the_token_endpoint_survives_malformed_bodies(http, pub, raw):
    response = http.post("/oauth/token", raw, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/oauth/introspect"])
def test_json_bodies_are_told_to_use_the_form_encoding(http, pub, path):
    response = http.post(path, json.dumps({"grant_type": "authorization_code"}), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description":
                               "Send the parameters as application/x-www-form-urlencoded (RFC 6749 §3.2)."}


@pytest.mark.parametrize("path", ["/oauth/revoke", "/oauth/introspect"])
@pytest.mark.parametrize("value", NASTY)
def test_revocation_and_introspection_answer_bad_values_cleanly(http, pub, path, value):
    for form in ({"token": value, "client_id": pub.client_id}, {"token": "t", "client_id": value},
                 {"token": "t", "token_type_hint": value, "client_id": pub.client_id}):
        response = http.post(path, form)
        assert response.status_code in (200, 400, 401), (form, response.status_code)


@pytest.mark.parametrize("value", NASTY)
def test_userinfo_answers_bad_tokens_cleanly(http, db, value):
    response = http.get("/oauth/userinfo", HTTP_AUTHORIZATION=f"Bearer {value}".replace("\r\n", ""))
    assert response.status_code in (400, 401)


@pytest.mark.parametrize("value", NASTY)
def test_registration_answers_bad_values_cleanly(http, db, value):
    for body in ({"redirect_uris": [value]}, {"redirect_uris": [CB], "client_name": value},
                 {"redirect_uris": [CB], "scope": value}, {"redirect_uris": [CB], "token_endpoint_auth_method": value},
                 {"redirect_uris": [CB], "grant_types": [value]}, {"redirect_uris": [CB], "application_type": value}):
        response = http.post("/oauth/register", json.dumps(body), content_type="application/json")
        assert response.status_code in (201, 400), (body, response.status_code)
    for client_id in (value, "client_x"):
        response = http.get(f"/oauth/register/{client_id}".replace("\x00", "%00"), HTTP_AUTHORIZATION="Bearer x")
        assert response.status_code in (401, 404)


@pytest.mark.parametrize("path", ["/oauth/token", "/token", "/oauth/revoke", "/oauth/introspect", "/oauth/userinfo",
                                  "/oauth/register", "/register"])
@pytest.mark.parametrize("body", ["a=" + "x" * (3 * 1024 * 1024), "&".join(f"a{i}=1" for i in range(1500))])
def test_oversized_bodies_get_an_oauth_json_error_not_an_html_page(http, db, path, body):
    # Django refuses these before the view runs (RequestDataTooBig, TooManyFieldsSent) and answers
    # through handler400; a client of a JSON endpoint still gets RFC 6749 §5.2 JSON.
    response = http.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    expected = "invalid_client_metadata" if path.endswith("/register") else "invalid_request"  # RFC 7591 §3.2.2
    assert response["Content-Type"] == "application/json" and response.json()["error"] == expected
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("repeated", ["grant_type", "refresh_token", "client_id", "scope"])
def test_a_repeated_token_parameter_is_invalid_request_and_grants_nothing(http, browser, pub, repeated):
    """RFC 6749 §3.2: parameters MUST NOT be included more than once; the last copy is not a tiebreak."""
    tokens = tokens_for(browser, pub, scope="openid offline_access")
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": pub.client_id,
            "scope": "openid"}
    first = {"grant_type": "authorization_code"}.get(repeated, form[repeated])
    response = http.post("/oauth/token", {**form, repeated: [first, form[repeated]]})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request",
                               "error_description": f"The {repeated} parameter may appear only once."}
    assert refresh(pub.client_id, tokens["refresh_token"]).status_code == 200  # the token was not spent


@pytest.mark.parametrize("path", ["/oauth/revoke", "/oauth/introspect"])
def test_revocation_and_introspection_refuse_repeated_parameters(http, conf, path):
    response = http.post(path, {"token": ["a", "b"], "client_id": conf.client_id, "client_secret": conf.secret})
    assert response.status_code == 400
    assert response.json()["error_description"] == "The token parameter may appear only once."


def test_token_errors_carry_a_description(http, browser, pub):
    """RFC 6749 §5.2 error_description: oauthlib leaves most of these bare."""
    tokens = tokens_for(browser, pub, scope="openid offline_access")
    assert refresh(pub.client_id, tokens["refresh_token"]).status_code == 200
    for form in ({"grant_type": "refresh_token", "client_id": pub.client_id, "refresh_token": tokens["refresh_token"]},
                 {"grant_type": "refresh_token", "client_id": pub.client_id, "refresh_token": "never issued"},
                 {"grant_type": "password", "client_id": pub.client_id},
                 {"grant_type": "refresh_token", "client_id": "nobody", "refresh_token": "x"}):
        answer = http.post("/oauth/token", form).json()
        assert answer["error"] in ("invalid_grant", "unsupported_grant_type", "invalid_client"), answer
        assert len(answer["error_description"]) > 20, answer
