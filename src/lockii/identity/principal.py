"""The Principal: who is calling, resolved once per request from whatever credential was sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from lockii.errors import PermissionDenied
from lockii.identity.roles import permissions_for


@dataclass(frozen=True)
class Principal:
    """A caller within one company. ``location_ids`` None means every location."""

    company_id: str
    role: str
    permissions: frozenset[str]
    location_ids: frozenset[str] | None
    user_id: str | None = None
    api_key_id: str | None = None
    client_id: str | None = None  # the OAuth client acting for the user, if any
    token_resources: tuple[str, ...] = field(default=())

    @property
    def actor_type(self) -> str:
        return "apikey" if self.api_key_id else "user"

    @property
    def actor_id(self) -> str:
        return self.api_key_id or self.user_id or ""

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        """Raise 403 naming ``permission`` when the caller lacks it."""
        if permission not in self.permissions:
            raise PermissionDenied(permission)

    def sees_location(self, location_id: str) -> bool:
        return self.location_ids is None or location_id in self.location_ids


def principal_for_user(user, *, client_id: str | None = None) -> Principal:
    """The Principal a signed-in user acts as (on the pages, or approving ``client_id``)."""
    return Principal(
        company_id=user.company_id, role=user.role, permissions=permissions_for(user.role),
        location_ids=None if user.location_ids is None else frozenset(user.location_ids),
        user_id=user.id, client_id=client_id,
    )
