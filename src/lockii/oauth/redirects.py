"""Redirect-URI policy (RFC 9700 §2.1, RFC 8252 §7) and exact matching, used at registration and at /authorize.

Policy: ``https`` anywhere; ``http`` only on a loopback host (``127.0.0.1``, ``[::1]``, ``localhost``);
a private-use scheme only when listed in ``LOCKII_PRIVATE_URI_SCHEMES``. Never a fragment, userinfo,
whitespace or control characters. DOT's ``ALLOWED_REDIRECT_URI_SCHEMES`` is only a scheme list (stock
DCR accepted ``http://evil.example/cb``), so the host rule lives here.

Matching is simple string comparison (RFC 9700 §4.1.3); the only relaxation is the port of a loopback
``http`` URI, which may differ at request time (RFC 8252 §7.3).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_URI_LENGTH = 2000
# Not allowed anywhere in a URI (RFC 3986 §2): whitespace, controls, and "<>\^`{|}. oauthlib never
# matches such a URI at /authorize, so registering one would only make a client that cannot sign in.
_FORBIDDEN_CHARS = re.compile(r'[\s\x00-\x1f\x7f\\"<>^`{|}]')
# A host name, an IPv4 address or (unbracketed by urlsplit) an IPv6 address. The consent page shows
# this host; a percent-encoded one would be shown encoded while browsers decode it and go elsewhere.
_HOST = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+")


def private_schemes() -> frozenset[str]:
    return frozenset(s.lower() for s in settings.PRIVATE_URI_SCHEMES)


def allowed_schemes() -> list[str]:
    """Every scheme a redirect may use (for DOT's ``get_allowed_schemes`` and its redirect check)."""
    return ["https", "http", *sorted(private_schemes())]


def policy_error(uri: object) -> str | None:
    """Why ``uri`` may not be registered as a redirect URI, or None when it may."""
    if not isinstance(uri, str) or not uri:
        return "a redirect URI must be a non-empty string"
    if len(uri) > MAX_URI_LENGTH:
        return f"a redirect URI may have at most {MAX_URI_LENGTH} characters"
    if _FORBIDDEN_CHARS.search(uri):
        return 'a redirect URI may not contain whitespace, control characters or any of \\ " < > ^ ` { | }'
    if not uri.isascii():
        # RFC 3986 URIs are ASCII. Refused here rather than at /authorize (oauthlib never matches
        # them), and no homograph or bidi-reordered host reaches the consent page.
        return "a redirect URI must be ASCII; percent-encode the path and write the host in punycode (xn--)"
    if "#" in uri:
        return "a redirect URI may not contain a fragment (RFC 6749 §3.1.2)"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 -- raises ValueError for a bad port
    except ValueError:
        return "the redirect URI is not a valid URI"
    if parts.port is not None and (parts.port == 0 or parts.netloc.rpartition(":")[2].startswith("0")):
        return "a redirect URI's port must be 1-65535, written without leading zeros"
    scheme = parts.scheme.lower()
    if not scheme:
        return "a redirect URI must be absolute"
    if "@" in parts.netloc:
        return "a redirect URI may not contain user information"
    if parts.netloc and not _HOST.fullmatch(parts.hostname or ""):
        return "the host of a redirect URI must be a plain host name or IP address (no percent-encoding)"
    if scheme == "https":
        return None if parts.hostname else "an https redirect URI needs a host"
    if scheme == "http":
        if parts.hostname in LOOPBACK_HOSTS:
            return None
        return "http redirect URIs are allowed only on 127.0.0.1, [::1] or localhost; use https"
    if scheme in private_schemes():
        return None if parts.netloc or parts.path else f"a {scheme}: redirect URI needs a path after the scheme"
    return f"the scheme '{scheme}' is not allowed for redirect URIs"


def _is_loopback_http(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def _without_port(uri: str) -> str:
    """``uri`` with the port removed from its authority, every other character untouched."""
    head, _, tail = uri.partition("//")
    end = len(tail)
    for delimiter in "/?":
        if delimiter in tail:
            end = min(end, tail.index(delimiter))
    netloc, rest = tail[:end], tail[end:]
    if urlsplit(uri).port is not None:
        netloc = netloc.rsplit(":", 1)[0]
    return f"{head}//{netloc}{rest}"


def consent_key(uri: str) -> str:
    """What a remembered approval is bound to: the URI itself, or for loopback http the URI without
    its port, since a native client binds a fresh port on every run (RFC 8252 §7.3)."""
    try:
        return _without_port(uri) if _is_loopback_http(uri) else uri
    except ValueError:
        return uri


def matches(uri: str, registered: list[str]) -> bool:
    """True when ``uri`` equals a registered URI (a loopback http URI may change only its port)."""
    if policy_error(uri):
        return False
    if uri in registered:
        return True
    if not _is_loopback_http(uri):
        return False
    try:
        bare = _without_port(uri)
        return any(_is_loopback_http(r) and _without_port(r) == bare for r in registered)
    except ValueError:
        return False
