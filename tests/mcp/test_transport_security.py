"""DNS-rebinding guard (Host and Origin) and CORS for browser clients such as MCP Inspector.

Rows: CASE-33 (foreign, ``null`` and look-alike Origins 403; foreign Host 421; no Origin or an allowed one 200).
"""

from __future__ import annotations

from tests.mcp.wire import initialize, legacy_headers

INSPECTOR = "http://localhost:6274"
REQUESTED = "authorization, content-type, mcp-protocol-version, mcp-session-id"


def test_foreign_origin_is_403(mcp, key_a):
    """CASE-33 (a), (b)."""
    for origin in ("http://attacker.example", "null", "http://127.0.0.1.attacker.example:8000",
                   "https://127.0.0.1:8000", "http://127.0.0.1:8000@attacker.example",
                   "http://localhost:1.attacker.example", "http://127.0.0.1:", "http://127.0.0.1:8000/x"):
        r = mcp.post(initialize(), legacy_headers(**key_a, origin=origin))
        assert r.status_code == 403, origin
        assert r.json()["error"] == {"code": -32600, "message": "Invalid Origin header"}
        assert "access-control-allow-origin" not in r.headers


def test_foreign_origin_is_refused_before_authentication(mcp, mcp_world):
    r = mcp.post(initialize(), legacy_headers(origin="http://attacker.example"))
    assert r.status_code == 403
    assert "www-authenticate" not in r.headers


def test_foreign_host_is_421(mcp, key_a):
    """CASE-33 (c)."""
    for host in ("attacker.example:8000", "attacker.example", "127.0.0.1.nip.io:8000",
                 "127.0.0.1:8000.attacker.example", "127.0.0.1:8000@attacker.example", "127.0.0.1:", "127.0.0.1:800000"):
        r = mcp.post(initialize(), legacy_headers(**key_a, host=host))
        assert r.status_code == 421, host
        assert r.json()["error"] == {"code": -32600, "message": "Invalid Host header"}


def test_allowed_origins_and_no_origin_pass(mcp, key_a):
    """CASE-33 (d), (e)."""
    for origin in (None, "http://127.0.0.1:8000", INSPECTOR, "http://127.0.0.1:33418", "http://[::1]:6274"):
        headers = legacy_headers(**key_a) if origin is None else legacy_headers(**key_a, origin=origin)
        r = mcp.post(initialize(), headers)
        assert r.status_code == 200, origin
        assert r.headers.get("access-control-allow-origin") == origin


def test_allowed_origins_come_from_settings(settings):
    from lockii.mcp import policy

    settings.ALLOWED_ORIGINS = [*settings.ALLOWED_ORIGINS, "https://portal.example"]
    assert "https://portal.example" in policy.transport_security().allowed_origins
    settings.ALLOWED_HOSTS = ["mcp.example"]
    assert policy.transport_security().allowed_hosts == ["mcp.example", "mcp.example:*"]


def test_preflight_needs_no_credentials(mcp, mcp_world):
    r = mcp.send("OPTIONS", headers={"origin": INSPECTOR, "access-control-request-method": "POST",
                                     "access-control-request-headers": REQUESTED})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == INSPECTOR
    assert "POST" in r.headers["access-control-allow-methods"]
    allowed = {h.strip() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "mcp-protocol-version", "mcp-session-id", "last-event-id"} <= allowed
    assert "access-control-allow-credentials" not in r.headers
    assert r.headers["vary"] == "Origin"


def test_preflight_allows_2026_routing_and_param_headers(mcp, mcp_world):
    r = mcp.send("OPTIONS", headers={"origin": INSPECTOR, "access-control-request-method": "POST",
                                     "access-control-request-headers": "mcp-method, mcp-name, mcp-param-region"})
    allowed = {h.strip() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"mcp-method", "mcp-name", "mcp-param-region"} <= allowed


def test_preflight_from_a_foreign_origin_is_refused(mcp, mcp_world):
    r = mcp.send("OPTIONS", headers={"origin": "https://attacker.example", "access-control-request-method": "POST",
                                     "access-control-request-headers": REQUESTED})
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers


def test_browser_responses_expose_the_challenge_and_session_headers(mcp, mcp_world, key_a):
    unauthenticated = mcp.post(initialize(), legacy_headers(origin=INSPECTOR))
    ok = mcp.post(initialize(), legacy_headers(**key_a, origin=INSPECTOR))
    for r in (unauthenticated, ok):
        assert r.headers["access-control-allow-origin"] == INSPECTOR
        exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"www-authenticate", "mcp-session-id"} <= exposed
        assert "access-control-allow-credentials" not in r.headers
    assert unauthenticated.status_code == 401
