"""OAuth routes (no trailing slashes; APPEND_SLASH is off) and the discovery URL matrix.

DOT's own URLconf is not mounted: it uses trailing slashes, and its
``.well-known/oauth-authorization-server/<path>`` route would claim the root issuer for a path
issuer (dot-notes 3.2). Included from ``lockii.urls`` before the REST API, so the
``/api/v1/.well-known/...`` documents are matched before ninja's routes.
"""

from django.urls import path

from lockii.oauth import endpoints, metadata
from lockii.oauth.authorize import LockiiAuthorizationView
from lockii.oauth.registration import LockiiRegistrationManagementView, LockiiRegistrationView

app_name = "oauth"

authorize = LockiiAuthorizationView.as_view()
token = endpoints.LockiiTokenView.as_view()
register = LockiiRegistrationView.as_view()

urlpatterns = [
    path("oauth/authorize", authorize, name="authorize"),
    path("oauth/token", token, name="token"),
    path("oauth/register", register, name="register"),
    path("oauth/register/<str:client_id>", LockiiRegistrationManagementView.as_view(), name="register-client"),
    path("oauth/userinfo", endpoints.userinfo, name="userinfo"),
    path("oauth/jwks", endpoints.jwks, name="jwks"),
    path("oauth/revoke", endpoints.LockiiRevokeView.as_view(), name="revoke"),
    path("oauth/introspect", endpoints.IntrospectView.as_view(), name="introspect"),
    # Clients that guess endpoints from the issuer (MCP 2025-03-26 fallback, VS Code).
    path("authorize", authorize, name="authorize-alias"),
    path("token", token, name="token-alias"),
    path("register", register, name="register-alias"),
]

# The same authorization-server document at every location a client may look (architecture.md).
for prefix in ("", "api/v1/", "api/mcp/user/"):
    for document in ("oauth-authorization-server", "openid-configuration"):
        urlpatterns.append(path(f"{prefix}.well-known/{document}", metadata.server_metadata_view))

# RFC 9728: path-inserted and path-appended forms per resource, and the origin's own document.
urlpatterns += [
    path(".well-known/oauth-protected-resource/api/v1", metadata.api_resource_view),
    path("api/v1/.well-known/oauth-protected-resource", metadata.api_resource_view),
    path(".well-known/oauth-protected-resource/api/mcp/user", metadata.mcp_resource_view),
    path("api/mcp/user/.well-known/oauth-protected-resource", metadata.mcp_resource_view),
    path(".well-known/oauth-protected-resource", metadata.origin_resource_view),
]
