"""Record audit events. Called inside the edge's transaction, so a failed write leaves no event."""

from __future__ import annotations

from lockii.audit.models import AuditEvent
from lockii.clock import now_ms


def record(principal, action: str, *, target_type: str = "", target_id: str = "", result: str = "ok",
           company_id: str | None = None, **detail) -> AuditEvent:
    """Write one audit event for ``principal`` (a Principal, or None for the system acting on ``company_id``)."""
    if principal is None:
        actor_type, actor_id, via = "system", "system", ""
    else:
        company_id, actor_type, actor_id, via = (
            principal.company_id, principal.actor_type, principal.actor_id, principal.client_id or "")
    return AuditEvent.objects.create(
        company_id=company_id, actor_type=actor_type, actor_id=actor_id, via_client=via,
        action=action, target_type=target_type, target_id=target_id, result=result,
        detail=detail, at_ms=now_ms(),
    )
