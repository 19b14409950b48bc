"""The redirect-URI policy and matcher, and the resource canonicaliser (unit level).

Rows: protocol.md AS7–AS9, B1–B3, RS17; dot-notes 3.1 (ALLOWED_REDIRECT_URI_SCHEMES), 3.4; CASE-08, 12, 13.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from lockii.oauth import redirects, resources

ALLOWED = [
    "https://app.example.com/cb", "https://app.example.com:8443/cb?x=1", "http://127.0.0.1/cb",
    "http://127.0.0.1:33418/callback", "http://[::1]:8080/cb", "http://localhost:3000/", "cursor://anysphere/cb",
    "claude://claude.ai/mcp-auth-callback/sdk", "com.lockii.app:/oauth", "https://xn--pple-43d.com/cb",
    "https://app.example.com/c%20b?q=%C3%A9",
]
REFUSED = [
    "http://app.example.com/cb", "http://127.0.0.2/cb", "http://localhost.attacker.example/cb",
    "http://127.0.0.1.nip.io/cb", "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd",
    "vbscript:x", "https://a.example/cb#f", "https://a.example/cb#", "https://u:p@a.example/cb", "https://@a.example/cb",
    "/relative", "relative", "https:///nohost", "https://a.example/c b", "https://a.example/cb\r\n",
    "https://a.example\\@evil.example/", "https://a.example:99999/cb", "mailto:x@example.com", "", "x" * 3000,
    # Not URIs (RFC 3986 is ASCII) or hosts the consent page would show differently from where a
    # browser goes: a homograph, a bidi override, a percent-encoded host (browsers decode it).
    "https://\u0430pple.com/cb", "https://a.example/cb\u202e", "https://evil.example\u202e.moc.elgoog/cb",
    "https://ex%61mple.com/cb", "https://a.example%2f.evil.example/cb",
    "cursor://anysph%65re/cb",
    # Characters no URI may hold, and a private-use scheme with nothing after it: /authorize could
    # never match these, so registering them would only make a client that cannot sign in.
    'https://ok.example/"><script>alert(1)</script>', "https://ok.example/{x}", "https://ok.example/a|b",
    "https://ok.example/`", "https://ok.example/^", "cursor:",
    # Port 0 is no port to listen on; leading zeros are a second spelling of another port.
    "http://127.0.0.1:0/cb", "http://127.0.0.1:033418/cb", "https://a.example:0443/cb", "http://[::1]:0/cb",
]


@pytest.mark.parametrize("uri", ALLOWED)
def test_the_policy_allows_https_loopback_http_and_listed_private_schemes(uri):
    assert redirects.policy_error(uri) is None


@pytest.mark.parametrize("uri", REFUSED)
def test_the_policy_refuses_everything_else(uri):
    assert redirects.policy_error(uri)


def test_private_schemes_come_from_the_setting(settings):
    settings.PRIVATE_URI_SCHEMES = ["myapp"]
    assert redirects.policy_error("myapp://cb") is None
    assert redirects.policy_error("cursor://cb")


REGISTERED = ["http://127.0.0.1:33418/callback", "http://localhost:3118/callback", "https://app.example.com/cb",
              "http://[::1]/cb"]


@pytest.mark.parametrize("uri,expected", [
    ("http://127.0.0.1:33418/callback", True),
    ("http://127.0.0.1:51004/callback", True),  # any loopback port (RFC 8252 §7.3)
    ("http://127.0.0.1/callback", True),
    ("http://localhost:4000/callback", True),  # our documented extension to localhost
    ("http://[::1]:9999/cb", True),
    ("http://127.0.0.1:51004/other", False),
    ("https://127.0.0.1:51004/callback", False),
    ("http://localhost:51004/cb", False),
    ("http://127.0.0.1:51004/callback/", False),
    ("http://127.0.0.1:51004/callback?x=1", False),
    ("http://127.0.0.1:51004/Callback", False),
    ("http://127.0.0.1:9999/cb", False),  # /cb is registered for [::1] only: hosts match literally
    ("https://app.example.com:8443/cb", False),  # only loopback ports may change
    ("https://APP.example.com/cb", False),  # simple string comparison
    ("HTTPS://app.example.com/cb", False),
    ("https://app.example.com/cb/", False),
    ("https://app.example.com/cb?", False),
    ("https://app.example.com/%63b", False),
    ("https://app.example.com/cb#x", False),
])
def test_matching_is_exact_except_the_loopback_port(uri, expected):
    assert redirects.matches(uri, REGISTERED) is expected


def test_a_registered_uri_that_breaks_the_policy_never_matches():
    assert redirects.matches("http://evil.example/cb", ["http://evil.example/cb"]) is False


@pytest.mark.parametrize("value,expected", [
    (settings.MCP_RESOURCE, settings.MCP_RESOURCE),
    (settings.MCP_RESOURCE + "/", settings.MCP_RESOURCE),
    (settings.MCP_RESOURCE.upper().replace("/API/MCP/USER", "/api/mcp/user"), settings.MCP_RESOURCE),
    (settings.API_RESOURCE, settings.API_RESOURCE),
    (settings.API_RESOURCE + "/", settings.API_RESOURCE),
    (settings.MCP_RESOURCE + "#frag", None),
    (settings.MCP_RESOURCE + "?x=1", None),
    (settings.MCP_RESOURCE + "/tools", None),
    (settings.PUBLIC_URL, None),
    ("https://evil.example/api/mcp/user", None),
    (settings.MCP_RESOURCE.replace("://", "://user@"), None),
    ("urn:lockii", None),
    (None, None),
])
def test_resource_indicators_are_canonicalised_or_refused(value, expected):
    assert resources.canonical(value) == expected
