"""The HTTP edge of /api/mcp/user: routing, the 401 challenge, credentials, methods and media types.

Rows: protocol.md RS5 (scope hint in the challenge), RS14 (no token from the query string), RS16 (no
session handles: every request authorised on its own).
"""

from __future__ import annotations

import logging

from tests.mcp.wire import LEGACY, MODERN, PATH, initialize, legacy_headers, modern, request

CHALLENGE = ('Bearer resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource/api/mcp/user", '
             'scope="openid profile email"')


def _every_method(mcp, auth: dict[str, str]):
    """One request of each kind a client may send first, without or with a (bad) credential."""
    body, headers = modern("tools/list", {}, **auth)
    yield "initialize", mcp.post(initialize(), legacy_headers(**auth))
    yield "tools/list 2025", mcp.post(request("tools/list"), legacy_headers(**auth))
    yield "server/discover 2026", mcp.post(*modern("server/discover", {}, **auth))
    yield "tools/list 2026", mcp.post(body, headers)
    yield "GET", mcp.send("GET", headers={"accept": "text/event-stream", **auth})
    yield "DELETE", mcp.send("DELETE", headers={"mcp-session-id": "x", **auth})
    yield "PUT", mcp.send("PUT", headers=auth)


def test_without_credentials_every_method_gets_the_challenge(mcp, mcp_world):
    """RS5: every 401 challenge carries the ``scope="…"`` hint."""
    for what, r in _every_method(mcp, {}):
        assert r.status_code == 401, what
        assert r.headers["www-authenticate"] == CHALLENGE, what  # no error= when nothing was sent (RFC 6750 §3.1)
        assert r.headers["content-type"] == "application/problem+json", what
        assert r.json()["code"] == "unauthenticated", what


BAD_CREDENTIALS = [{"authorization": "Bearer not-a-token"}, {"authorization": "Basic dXNlcjpwYXNz"},
                   {"x-api-key": "lk_wrong"}]


def test_a_bad_credential_gets_invalid_token(mcp, mcp_world):
    for auth in BAD_CREDENTIALS:
        for what, r in _every_method(mcp, auth):
            assert r.status_code == 401, (auth, what)
            challenge = r.headers["www-authenticate"]
            assert challenge.startswith(CHALLENGE + ', error="invalid_token"'), (auth, what, challenge)
            assert "Traceback" not in r.text


def test_access_token_in_the_query_string_is_not_a_credential(mcp, mcp_world):
    """RS14: ``?access_token=`` is ignored, so the request is as if no credential was sent."""
    r = mcp.post(initialize(), legacy_headers(), url=f"{PATH}?access_token=anything")
    assert r.status_code == 401
    assert "error=" not in r.headers["www-authenticate"]


def test_api_key_in_header_and_in_query(mcp, mcp_world, key_a):
    assert mcp.post(initialize(), legacy_headers(**key_a)).status_code == 200
    r = mcp.post(initialize(), legacy_headers(), url=f"{PATH}?api_key={mcp_world.key_a}")
    assert r.status_code == 200
    assert r.json()["result"]["serverInfo"]["name"] == "lockii"


def test_api_key_in_the_query_is_not_logged(mcp, mcp_world, caplog):
    with caplog.at_level(logging.INFO, logger="lockii.request"):
        mcp.post(initialize(), legacy_headers(), url=f"{PATH}?api_key={mcp_world.key_a}")
    lines = [r for r in caplog.records if r.name == "lockii.request"]
    assert lines and all(mcp_world.key_a not in str(r.__dict__) for r in lines)
    assert lines[-1].fields["query"] == "api_key=%5Bredacted%5D"


def test_every_answer_carries_the_logged_request_id(mcp, mcp_world, key_a, caplog):
    with caplog.at_level(logging.INFO, logger="lockii.request"):
        ok = mcp.post(initialize(), legacy_headers(**key_a))
        denied = mcp.post(initialize(), legacy_headers())
        traced = mcp.post(initialize(), {**legacy_headers(**key_a), "X-Request-ID": "trace-12345678"})
    logged = [r.fields["request_id"] for r in caplog.records if r.name == "lockii.request"]
    assert logged == [ok.headers["x-request-id"], denied.headers["x-request-id"], "trace-12345678"]
    assert traced.headers["x-request-id"] == "trace-12345678" and denied.status_code == 401


def test_only_the_exact_path_is_mcp(mcp, mcp_world, key_a):
    for path in (PATH + "/", PATH + "x", PATH + "/tools"):
        r = mcp.post(initialize(), legacy_headers(**key_a), url=path)
        assert r.status_code == 404, path  # Django's answer, not a redirect to or from a trailing slash
        assert "www-authenticate" not in r.headers, path


def test_well_known_below_the_endpoint_is_served_by_django(mcp, mcp_world):
    r = mcp.send("GET", f"{PATH}/.well-known/oauth-protected-resource")
    assert r.status_code == 200  # public, from Django: never the MCP 401
    assert r.json()["resource"] == "http://127.0.0.1:8000/api/mcp/user"


def test_the_challenge_points_at_metadata_that_matches_it(mcp, mcp_world):
    """RS5, RS6: the challenge's scope hint is the resource metadata's baseline ``scopes_supported``."""
    challenge = mcp.post(initialize(), legacy_headers()).headers["www-authenticate"]
    url = challenge.split('resource_metadata="', 1)[1].split('"', 1)[0]
    scope = challenge.split('scope="', 1)[1].split('"', 1)[0]
    r = mcp.send("GET", url.removeprefix("http://127.0.0.1:8000"))
    assert r.status_code == 200
    prm = r.json()
    assert prm["resource"] == "http://127.0.0.1:8000/api/mcp/user"
    assert scope.split() == prm["scopes_supported"]
    assert "offline_access" not in scope.split()


def test_get_and_delete_are_405_without_sessions(mcp, key_a):
    for version in (None, LEGACY, MODERN):
        headers = {"accept": "text/event-stream", **key_a, "mcp-session-id": "abc"}
        if version:
            headers["mcp-protocol-version"] = version
        for method in ("GET", "DELETE", "PUT", "PATCH", "HEAD"):
            r = mcp.send(method, headers=headers)
            assert r.status_code == 405, (method, version)
            assert r.headers["allow"] == "POST"
            assert method == "HEAD" or r.json()["error"]["code"] == -32600


def test_no_session_id_is_issued(mcp, key_a):
    """RS16: no session handle exists to hijack; a made-up one grants and changes nothing."""
    r = mcp.post(initialize(), legacy_headers(**key_a))
    assert "mcp-session-id" not in r.headers
    # A session id that was never issued changes nothing: every request stands alone.
    r = mcp.post(request("tools/list"), legacy_headers(**key_a, **{"mcp-session-id": "made-up"}))
    assert r.status_code == 200


def test_wrong_content_type_is_415(mcp, key_a):
    r = mcp.post(initialize(), {**legacy_headers(**key_a), "content-type": "text/plain"})
    assert r.status_code == 415
    assert r.json()["error"]["code"] == -32600


def test_unacceptable_accept_is_406(mcp, key_a):
    for body, headers in (modern("tools/list", {}, **key_a), (request("tools/list"), legacy_headers(**key_a))):
        assert mcp.post(body, {**headers, "accept": "text/html"}).status_code == 406


def test_unsupported_protocol_version_is_400_naming_ours(mcp, key_a):
    assert mcp.post(request("tools/list"), legacy_headers("1999-01-01", **key_a)).status_code == 400
    body, headers = modern("tools/list", {}, **key_a)
    body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2099-01-01"
    r = mcp.post(body, {**headers, "mcp-protocol-version": "2099-01-01"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == -32022
    assert "2026-07-28" in error["data"]["supported"]
