"""CORS for the OAuth endpoints browser-hosted clients call (protocol.md §3.2 rule 8, RFC 9700 §2.6).

``Access-Control-Allow-Origin: *`` and never credentials, on metadata, JWKS, /register, /token,
/revoke and /userinfo: none of them reads cookies, so any origin may call them. Never on /authorize
(a page the user's browser navigates to) or /introspect (server to server). DOT adds ``*`` only on
its metadata and JWKS views, and at /token only for a client's ``allowed_origins`` (dot-notes 3.8).
The REST API (``/api/v1/…``) gets the same policy: it reads credentials only from the
``Authorization`` and ``x-api-key`` headers (or ``?api_key=``), never from cookies, so a browser
app on any origin may call it with its own token and no ambient authority is exposed.
The MCP endpoint handles its own CORS.
"""

from __future__ import annotations

import re

from django.http import HttpResponse

_PATHS = re.compile(
    r"^(?:/api/v1|/api/mcp/user)?/\.well-known/(?:oauth-authorization-server|openid-configuration"
    r"|oauth-protected-resource)(?:/.*)?$"
    r"|^/oauth/(?:jwks|token|revoke|userinfo|register(?:/[^/]+)?)$"
    r"|^/(?:token|register)$"
)
_REST = re.compile(r"^/api/v1/")
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, MCP-Protocol-Version"
REST_ALLOWED_HEADERS = "Authorization, Content-Type, Accept, x-api-key, Idempotency-Key, X-Request-ID"
EXPOSED_HEADERS = "WWW-Authenticate, Retry-After, X-Next-Cursor, X-Request-ID"
MAX_AGE = "86400"


def applies(path: str) -> bool:
    return bool(_PATHS.match(path) or _REST.match(path))


class CorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not applies(request.path):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            rest = _REST.match(request.path) and not _PATHS.match(request.path)
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response["Access-Control-Allow-Headers"] = REST_ALLOWED_HEADERS if rest else ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = MAX_AGE
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
