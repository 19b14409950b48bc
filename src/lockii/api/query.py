"""Query strings to action input: nested objects and arrays arrive as JSON strings (Lockii convention);
a single value may be plain (``status=active``) or JSON (``status="active"``)."""

from __future__ import annotations

from django.http import QueryDict

from lockii import jsontext
from lockii.errors import ValidationFailed

# Credentials are never action input.
NOT_INPUT = frozenset({"api_key"})


def query_to_input(query: QueryDict) -> dict:
    """A dict for validation: JSON-looking values decoded, repeated keys kept as lists."""
    data: dict = {}
    for name, values in query.lists():
        if name in NOT_INPUT:
            continue
        decoded = [_decode(name, v) for v in values]
        data[name] = decoded[0] if len(decoded) == 1 else decoded
    return data


def _decode(name: str, value: str):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        # OpenAPI declares these parameters as application/json content, so generated clients send
        # a single value as a JSON string ("active"). Plain text that merely has quotes stays as is.
        try:
            return jsontext.loads(value)
        except ValueError:
            return value
    if value[:1] not in ("{", "["):
        return value
    try:
        return jsontext.loads(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"Query parameter '{name}' is not valid JSON: {exc.msg} at position {exc.pos}.",
            errors=[{"field": name, "message": "not valid JSON"}],
        ) from None
