"""Roles and permissions (product.md §3). A role is a fixed set of permissions."""

from __future__ import annotations

PERMISSIONS = (
    "booking:read", "booking:write",
    "customer:read", "customer:write", "customer:delete",
    "catalogue:read", "catalogue:write",
    "location:write",
    "payment:read", "payment:write",
    "organization:update",
    "report:read",
)

ALL = frozenset(PERMISSIONS)
# Managing the company itself: its team, API keys and OAuth apps (and refunds).
MANAGE = "organization:update"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": ALL,
    "admin": ALL,
    "manager": ALL - {"organization:update", "location:write"},
    "staff": frozenset({
        "booking:read", "booking:write", "customer:read", "customer:write",
        "catalogue:read", "payment:read",
    }),
    "viewer": frozenset(p for p in PERMISSIONS if p.endswith(":read")),
}

ROLES = tuple(ROLE_PERMISSIONS)
ROLE_CHOICES = [(r, r.title()) for r in ROLES]


def permissions_for(role: str) -> frozenset[str]:
    """The permissions a role grants; an unknown role grants nothing."""
    return ROLE_PERMISSIONS.get(role, frozenset())
