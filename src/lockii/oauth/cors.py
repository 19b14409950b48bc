"""CORS for the OAuth endpoints browser-hosted clients call (protocol.md §3.2 rule 8, RFC 9700 §2.6).

``Access-Control-Allow-Origin: *`` and never credentials, on metadata, JWKS, /register, /token,
/revoke and /userinfo: none of them reads cookies, so any origin may call them. Never on /authorize
(a page the user's browser navigates to) or /introspect (server to server). DOT adds ``*`` only on
its metadata and JWKS views, and at /token only for a client's ``allowed_origins`` (dot-notes 3.8).
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
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, MCP-Protocol-Version"
MAX_AGE = "86400"


def applies(path: str) -> bool:
    return bool(_PATHS.match(path))


class CorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not applies(request.path):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = MAX_AGE
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "WWW-Authenticate, Retry-After"
        return response
