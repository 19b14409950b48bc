"""Who may reach the MCP endpoint from where: Host/Origin allow-lists (DNS rebinding) and CORS.

The Host and Origin checks are the SDK's (``TransportSecuritySettings``), configured from
``settings.ALLOWED_HOSTS`` and ``settings.ALLOWED_ORIGINS`` plus loopback origins, which local
browser clients such as MCP Inspector use, with one correction (``StrictTransportSecurity``).
CORS answers browser clients from allowed origins only:
the allowed origin is echoed, never ``*``, and never with ``Access-Control-Allow-Credentials``,
because credentials travel in headers (bearer token, API key), not cookies.
"""

from __future__ import annotations

from django.conf import settings
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings

LOOPBACK_ORIGINS = ("http://127.0.0.1", "http://localhost", "http://[::1]")
ALLOW_METHODS = "POST, GET, DELETE, OPTIONS"
# Request headers MCP clients send (2025 handshake and 2026-07-28 routing headers) plus our API key.
ALLOW_HEADERS = (
    "authorization", "content-type", "accept", "mcp-protocol-version", "mcp-session-id", "last-event-id",
    "mcp-method", "mcp-name", "x-api-key",
)
PARAM_HEADER_PREFIX = "mcp-param-"  # 2026-07-28 Mcp-Param-<name> headers, named by each tool's schema
EXPOSE_HEADERS = "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version"
PREFLIGHT_MAX_AGE_S = 600


def transport_security() -> TransportSecuritySettings:
    """The SDK's DNS-rebinding settings built from ours.

    The SDK matches a Host exactly or as ``host:*`` (any port), so each allowed host is given in
    both forms. Django-style wildcards (``.example.com``, ``*``) have no SDK equivalent: list each
    public host name in LOCKII_ALLOWED_HOSTS.
    """
    hosts = [form for host in settings.ALLOWED_HOSTS for form in (host, f"{host}:*")]
    origins = [*settings.ALLOWED_ORIGINS, *LOOPBACK_ORIGINS, *(f"{o}:*" for o in LOOPBACK_ORIGINS)]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=list(dict.fromkeys(origins)))


class StrictTransportSecurity(TransportSecurityMiddleware):
    """The SDK's Host/Origin guard, where ``name:*`` means the name and a port number.

    The SDK accepts anything after ``name:``, so ``Host: 127.0.0.1:8000.attacker.example`` and
    ``Origin: http://127.0.0.1:1@attacker.example`` passed (and the origin was echoed in CORS).
    """

    def _validate_host(self, host: str | None) -> bool:
        return bool(host) and _matches(host, self.settings.allowed_hosts)

    def _validate_origin(self, origin: str | None) -> bool:
        return not origin or _matches(origin, self.settings.allowed_origins)  # no Origin: not a browser


def _matches(value: str, allowed: list[str]) -> bool:
    if value in allowed:
        return True
    name, colon, port = value.rpartition(":")
    return bool(colon) and port.isascii() and port.isdigit() and len(port) <= 5 and f"{name}:*" in allowed


def cors_headers(origin: str | None) -> list[tuple[bytes, bytes]]:
    """CORS headers for a response to ``origin`` (which already passed the Origin check)."""
    if not origin:
        return []
    return [(b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
            (b"vary", b"Origin")]


def preflight_headers(origin: str, requested_headers: str) -> list[tuple[bytes, bytes]]:
    """Headers answering a preflight: the methods we serve and the requested headers we accept."""
    wanted = [h.strip().lower() for h in requested_headers.split(",") if h.strip()]
    extra = [h for h in wanted if h.startswith(PARAM_HEADER_PREFIX)]
    return [(b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-methods", ALLOW_METHODS.encode()),
            (b"access-control-allow-headers", ", ".join([*ALLOW_HEADERS, *extra]).encode("latin-1")),
            (b"access-control-max-age", str(PREFLIGHT_MAX_AGE_S).encode()),
            (b"vary", b"Origin")]
