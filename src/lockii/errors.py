"""One error base for the whole service; each edge renders it once (problem+json, OAuth JSON, HTML, MCP)."""

from __future__ import annotations


class LockiiError(Exception):
    """A failure that is safe to show: a stable ``code``, an HTTP status and a message."""

    code = "error"
    status = 400
    title = "Request failed"

    def __init__(self, detail: str, *, errors: list[dict] | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra


class ValidationFailed(LockiiError):
    code, status, title = "validation_failed", 400, "Validation failed"


class Unauthenticated(LockiiError):
    code, status, title = "unauthenticated", 401, "Authentication required"


class PermissionDenied(LockiiError):
    code, status, title = "permission_denied", 403, "Permission denied"

    def __init__(self, permission: str):
        super().__init__(f"This action needs the '{permission}' permission.", permission=permission)
        self.permission = permission


class BeyondReach(PermissionDenied):
    """403 for an act that would reach beyond the caller's own role or locations."""

    def __init__(self, permission: str, detail: str):
        super().__init__(permission)
        self.detail = detail


class NotFound(LockiiError):
    code, status, title = "not_found", 404, "Not found"


class Conflict(LockiiError):
    code, status, title = "conflict", 409, "Conflict"


class RateLimited(LockiiError):
    code, status, title = "rate_limited", 429, "Too many requests"
