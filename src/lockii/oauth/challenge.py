"""``WWW-Authenticate: Bearer`` challenges for our resources (RFC 6750 §3, RFC 9728 §5.1).

Built here rather than with ``oauth2_provider.www_authenticate.build_bearer_challenge`` because
that helper always points at the root metadata document and has no ``scope`` parameter.
"""

from __future__ import annotations

from django.conf import settings


def prm_url(resource: str) -> str:
    """The path-inserted protected resource metadata URL of ``resource`` (RFC 9728 §3.1)."""
    path = resource[len(settings.PUBLIC_URL):]
    return f"{settings.PUBLIC_URL}/.well-known/oauth-protected-resource{path}"


def bearer_challenge(resource: str, *, token_sent: bool, scope: str | None = None,
                     error: str = "invalid_token", description: str | None = None) -> str:
    """The challenge for a request to ``resource``; ``error`` only when a token was sent (RFC 6750 §3.1)."""
    parts = [f'resource_metadata="{prm_url(resource)}"']
    if scope:
        parts.append(f'scope="{scope}"')
    if token_sent:
        parts.append(f'error="{error}"')
        if description:
            parts.append('error_description="{}"'.format(description.replace('"', "'")))
    return "Bearer " + ", ".join(parts)
