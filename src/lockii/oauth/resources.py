"""The two first-party resources (RFC 8707) and the one canonical spelling of each.

A resource indicator is compared after normalising what RFC 3986 §6.2.2 lets differ: scheme and host
case, a default port and one trailing slash (CASE-08). Anything else, including a fragment or a query,
is not one of ours and gets ``invalid_target``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

_DEFAULT_PORTS = {"http": 80, "https": 443}


def first_party() -> tuple[str, str]:
    """Every resource we serve: the REST API and the User MCP."""
    return (settings.API_RESOURCE, settings.MCP_RESOURCE)


def _key(uri: str) -> tuple | None:
    if any(c.isspace() or ord(c) < 32 for c in uri):  # urlsplit would quietly strip some of them
        return None
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or parts.query or parts.fragment or "#" in uri or "@" in parts.netloc:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS.get(scheme), parts.path.removesuffix("/")


def canonical(uri: object) -> str | None:
    """The canonical identifier of the first-party resource ``uri`` names, or None if it names none."""
    if not isinstance(uri, str) or len(uri) > 500:
        return None
    key = _key(uri)
    if key is None:
        return None
    for resource in first_party():
        if _key(resource) == key:
            return resource
    return None


def expand(uri: object) -> list[str] | None:
    """The first-party resources ``uri`` names: one of ours, or both for the origin itself (whose
    metadata, ``/.well-known/oauth-protected-resource``, names the origin as its resource); None
    when it names neither."""
    one = canonical(uri)
    if one is not None:
        return [one]
    if isinstance(uri, str) and _key(uri) == _key(settings.PUBLIC_URL):
        return list(first_party())
    return None


def for_path(path: str) -> str | None:
    """The resource a request path belongs to (used instead of the Host header, dot-notes 3.6)."""
    for resource in first_party():
        prefix = urlsplit(resource).path
        if path == prefix or path.startswith(prefix + "/"):
            return resource
    return None
