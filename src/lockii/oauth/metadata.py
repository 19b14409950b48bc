"""Discovery: one authorization-server document at six URLs, and protected-resource metadata.

DOT's two documents disagree (dot-notes 3.3): ``ConnectDiscoveryInfoView`` lacks the registration,
revocation and introspection endpoints (openid-client then fails at discovery), and
``OAuthServerMetadataView`` lacks userinfo, claims and signing algorithms; both derive endpoints from
DOT's URL names (trailing slashes) and advertise ``HS256``. We build one merged document from
settings, so the issuer and every URL are the same string at every location.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from oauth2_provider.settings import oauth2_settings

from lockii.oauth.models import AUTH_METHODS

CACHE_CONTROL = "public, max-age=300"
# Scopes a resource server advertises (RS7: offline_access is an AS concern, not listed in PRM).
PRM_SCOPES = ["openid", "profile", "email"]


def issuer() -> str:
    return settings.PUBLIC_URL


def endpoint(path: str) -> str:
    return f"{settings.PUBLIC_URL}{path}"


def server_metadata() -> dict:
    """RFC 8414 + OpenID Connect Discovery 1.0 in one document."""
    from lockii.oauth.validator import LockiiValidator

    return {
        "issuer": issuer(),
        "authorization_endpoint": endpoint("/oauth/authorize"),
        "token_endpoint": endpoint("/oauth/token"),
        "registration_endpoint": endpoint("/oauth/register"),
        "userinfo_endpoint": endpoint("/oauth/userinfo"),
        "jwks_uri": endpoint("/oauth/jwks"),
        "revocation_endpoint": endpoint("/oauth/revoke"),
        "introspection_endpoint": endpoint("/oauth/introspect"),
        "scopes_supported": list(oauth2_settings.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        # Revocation accepts public clients by client_id (RFC 7009 §2.1); introspection does not.
        "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": sorted({"iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                                    *LockiiValidator.oidc_claim_scope}),
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "client_id_metadata_document_supported": bool(oauth2_settings.CIMD_ENABLED),
        "service_documentation": endpoint("/api/v1/docs"),
    }


def protected_resource_metadata(resource: str) -> dict:
    """RFC 9728 metadata for ``resource``, the exact string clients use as the resource indicator."""
    names = {settings.API_RESOURCE: "Lockii REST API", settings.MCP_RESOURCE: "Lockii User MCP"}
    body = {
        "resource": resource,
        "authorization_servers": [issuer()],
        "scopes_supported": PRM_SCOPES,
        "bearer_methods_supported": ["header"],
        "resource_name": names.get(resource, "Lockii"),
    }
    if resource == settings.API_RESOURCE:
        body["resource_documentation"] = endpoint("/api/v1/docs")
    return body


def _public_json(body: dict, request) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = JsonResponse(body)
    response["Cache-Control"] = CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"
    return response


def server_metadata_view(request, *args, **kwargs):
    """Served identically at every authorization-server metadata URL (architecture.md)."""
    return _public_json(server_metadata(), request)


def api_resource_view(request):
    return _public_json(protected_resource_metadata(settings.API_RESOURCE), request)


def mcp_resource_view(request):
    return _public_json(protected_resource_metadata(settings.MCP_RESOURCE), request)


def origin_resource_view(request):
    """The root document describes the origin (VS Code compares it with the origin)."""
    return _public_json(protected_resource_metadata(settings.PUBLIC_URL), request)

