"""The one bearer-token check shared by REST, MCP and userinfo: ``(token, resource) -> Principal``.

One indexed query (SHA-256 checksum, tokens are hashed at rest) that reads only the columns needed,
joined with the user and the client; no ORM model building (dot-notes: the ORM was 98% of the cost).
Revocation deletes the row, so it takes effect on every node at once. The audience check compares
the token's resources with the canonical resource of the edge, never the Host header.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from lockii.errors import Unauthenticated
from lockii.identity.principal import Principal
from lockii.identity.roles import permissions_for
from lockii.oauth import resources
from lockii.oauth.models import AccessToken

_FIELDS = ("expires", "resource", "scope", "user_id", "user__company_id", "user__role",
           "user__location_ids", "user__disabled", "application__client_id")


@dataclass(frozen=True)
class TokenInfo:
    user_id: str
    company_id: str
    role: str
    location_ids: frozenset[str] | None
    client_id: str
    scopes: tuple[str, ...]
    resources: tuple[str, ...]


def checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def lookup(token: str) -> TokenInfo:
    """The live access token ``token``, or ``Unauthenticated`` saying why not (no audience check)."""
    if not token or len(token) > 512:
        raise Unauthenticated("The access token is not valid.", token_sent=True)
    row = AccessToken.objects.filter(token_checksum=checksum(token)).values(*_FIELDS).first()
    if row is None:
        raise Unauthenticated("The access token is not valid.", token_sent=True)
    scopes = tuple(row["scope"].split())
    # Registration access tokens (RFC 7592) are AccessToken rows with no user: never API credentials
    # (dot-notes 4.6).
    if row["user_id"] is None or row["application__client_id"] is None \
            or oauth2_settings.DCR_REGISTRATION_SCOPE in scopes:
        raise Unauthenticated("The access token is not valid.", token_sent=True)
    if row["expires"] <= timezone.now():
        raise Unauthenticated("The access token has expired.", token_sent=True)
    if row["user__disabled"]:
        raise Unauthenticated("The access token is not valid.", token_sent=True)
    locations = row["user__location_ids"]
    return TokenInfo(
        user_id=row["user_id"], company_id=row["user__company_id"], role=row["user__role"],
        location_ids=None if locations is None else frozenset(locations),
        client_id=row["application__client_id"], scopes=scopes,
        # A token with no resources predates binding; it is bound to both first-party resources.
        resources=tuple(row["resource"] or resources.first_party()),
    )


def resolve_bearer(token: str, resource: str) -> Principal:
    """The Principal acting through ``token`` at ``resource`` (settings.API_RESOURCE or MCP_RESOURCE)."""
    info = lookup(token)
    if resource not in info.resources:
        raise Unauthenticated("The access token is not valid for this resource.", token_sent=True)
    return Principal(
        company_id=info.company_id, role=info.role, permissions=permissions_for(info.role),
        location_ids=info.location_ids, user_id=info.user_id, client_id=info.client_id,
        token_resources=info.resources,
    )
