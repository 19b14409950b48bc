"""Browser apps on any origin may call the REST API with their own token; no cookies are involved."""

from __future__ import annotations

ORIGIN = "https://app.example"


def test_preflight_allows_bearer_and_api_key_headers(db, client):
    r = client.options("/api/v1/booking", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                       HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-api-key")
    assert r.status_code == 204
    assert r["Access-Control-Allow-Origin"] == "*"
    allowed = r["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "x-api-key" in allowed
    assert "Access-Control-Allow-Credentials" not in r


def test_answers_expose_paging_and_challenge_headers(world, client):
    r = client.get("/api/v1/booking?limit=1", HTTP_ORIGIN=ORIGIN, HTTP_X_API_KEY=world.key_a)
    assert r.status_code == 200 and r["Access-Control-Allow-Origin"] == "*"
    exposed = r["Access-Control-Expose-Headers"]
    assert "X-Next-Cursor" in exposed and "WWW-Authenticate" in exposed
    denied = client.get("/api/v1/booking", HTTP_ORIGIN=ORIGIN)
    assert denied.status_code == 401 and denied["Access-Control-Allow-Origin"] == "*"


def test_pages_and_authorize_get_no_cors(db, client):
    for path in ("/oauth/authorize", "/settings/integrations", "/login"):
        r = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
        assert "Access-Control-Allow-Origin" not in r, path
