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
        errors = [{"field": _field(err["loc"], raw), "message": _message(err)} for err in exc.errors(include_url=False)]
        fields = ", ".join(e["field"] for e in errors)
        raise ValidationFailed(f"Invalid value for: {fields}.", errors=errors) from None


def _message(err: dict) -> str:
    # pydantic names the model class here ("a valid dictionary or instance of MsRange"), which
    # means nothing to a caller.
    if err["type"] in ("model_type", "model_attributes_type", "dict_type"):
        return "Input should be a JSON object"
    if err["type"] == "value_error":  # our validators' own words, without pydantic's "Value error, "
        return str(err["ctx"]["error"])
    return err["msg"]


def _field(loc: tuple, raw: dict[str, Any]) -> str:
    """The path of a bad value as the caller sent it: ``status``, not ``status.0``, when a single
    value was sent where a list is also accepted (the model holds it as a one-element list)."""
    parts = list(loc)
    if len(parts) >= 2 and parts[1] == 0 and isinstance(parts[0], str):
        sent = raw.get(parts[0])
        if not isinstance(sent, list) and not (isinstance(sent, str) and sent.startswith("[")):
            del parts[1]
    return ".".join(str(p) for p in parts) or "(body)"


def run_action(action: Action, principal: Principal, raw: dict[str, Any]):
    """Check the permission, validate ``raw`` and run the handler inside one transaction."""
    if action.permission:
        principal.require(action.permission)
    params = validate_input(action, raw)
    if action.read_only:
        return action.handler(principal, params)
    with transaction.atomic():
        return action.handler(principal, params)
