"""Turn whatever credential a request carries into a Principal. Shared by REST and MCP.

API keys come from ``x-api-key`` or ``?api_key=``; OAuth access tokens from ``Authorization:
Bearer`` only (never from the query string). ``resolve`` raises ``Unauthenticated`` carrying
``token_sent`` so each edge can build the right ``WWW-Authenticate`` challenge.
"""

from __future__ import annotations

from typing import Callable, Mapping

from lockii.errors import Unauthenticated
from lockii.identity.apikeys import find_active
from lockii.identity.principal import Principal
from lockii.identity.roles import permissions_for

# Set by lockii.oauth at start-up: (token, resource) -> Principal, raising Unauthenticated.
BearerResolver = Callable[[str, str], Principal]
_bearer_resolver: BearerResolver | None = None


def set_bearer_resolver(resolver: BearerResolver) -> None:
    global _bearer_resolver
    _bearer_resolver = resolver


def principal_for_api_key(secret: str) -> Principal:
    key = find_active(secret)
    if key is None:
        raise Unauthenticated("The API key is not valid.", token_sent=True)
    return Principal(
        company_id=key.company_id, role="owner", permissions=permissions_for("owner"),
        location_ids=None, api_key_id=key.id,
    )


def resolve(headers: Mapping[str, str], query: Mapping[str, str], resource: str) -> Principal:
    """The Principal for a request to ``resource``. ``headers`` keys are lower-case."""
    authorization = headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Use 'Authorization: Bearer <token>'.", token_sent=True)
        if _bearer_resolver is None:
            raise Unauthenticated("Bearer tokens are not accepted here.", token_sent=True)
        return _bearer_resolver(token.strip(), resource)
    key = headers.get("x-api-key") or query.get("api_key")
    if key:
        return principal_for_api_key(key.strip())
    raise Unauthenticated("Send an access token (Authorization: Bearer) or an API key (x-api-key).",
                          token_sent=False)
