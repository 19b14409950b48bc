"""Company-wide integration settings, API keys and OAuth apps, are managed only by people who reach
the whole company: ``organization:update`` and every location (owners, and admins not limited to
some locations).

An API key acts as the owner at every location, so a location-limited admin could otherwise mint a
credential wider than their own. An OAuth app is shown on every user's consent page as the company's
own, so such an admin could otherwise re-point the redirect URIs of an app other users trust.
"""

from __future__ import annotations

from lockii.errors import BeyondReach
from lockii.identity.roles import MANAGE


def may_manage(principal) -> bool:
    return principal.has(MANAGE) and principal.location_ids is None


def require_manage(principal, why: str) -> None:
    """Refuse unless ``principal`` may manage company-wide settings (None: the CLI's operator)."""
    if principal is None:
        return
    principal.require(MANAGE)
    if principal.location_ids is not None:
        raise BeyondReach(MANAGE, f"{why}, so only someone with access to all locations can manage them.")
