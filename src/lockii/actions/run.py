"""Running an action: permission check, input validation, one transaction. Shared by every edge."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from pydantic import ValidationError

from lockii.actions.registry import Action
from lockii.errors import ValidationFailed
from lockii.identity.principal import Principal


def validate_input(action: Action, raw: dict[str, Any]):
    """Build the action's input model from ``raw``, or raise ValidationFailed listing each field."""
    try:
        return action.input.model_validate(raw)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "message": err["msg"]}
            for err in exc.errors(include_url=False)
        ]
        fields = ", ".join(e["field"] for e in errors)
        raise ValidationFailed(f"Invalid value for: {fields}.", errors=errors) from None


def run_action(action: Action, principal: Principal, raw: dict[str, Any]):
    """Check the permission, validate ``raw`` and run the handler inside one transaction."""
    if action.permission:
        principal.require(action.permission)
    params = validate_input(action, raw)
    if action.read_only:
        return action.handler(principal, params)
    with transaction.atomic():
        return action.handler(principal, params)
