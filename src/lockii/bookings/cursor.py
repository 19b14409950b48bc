"""Opaque, signed keyset cursors for booking search.

A cursor names the last row of a page by its (sort value, id) and carries the query's fingerprint
and the "now" of the first page, so later pages continue exactly where the previous one ended even
while rows are inserted, and 'overdue' keeps meaning the same thing for the whole walk. It is signed
with the deployment's secret (``django.core.signing``), so every node accepts every node's cursors
and a tampered cursor is refused instead of being trusted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core import signing

from lockii.errors import ValidationFailed

_SALT = "lockii.bookings.cursor.v1"


@dataclass(frozen=True)
class Position:
    """Where the previous page ended: rows strictly after (value, id) in the sort order come next."""

    value: int
    id: str
    now_ms: int  # the clock of the first page


def fingerprint(query: dict) -> str:
    """A short digest of the filters and sort; lists are order-insensitive (they mean OR)."""
    normal = {k: sorted(v) if isinstance(v, list) else v for k, v in query.items() if v is not None}
    raw = json.dumps(normal, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def encode(position: Position, query_fingerprint: str) -> str:
    return signing.dumps([position.value, position.id, position.now_ms, query_fingerprint],
                         salt=_SALT, compress=True)


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(f"Invalid value for: cursor. {message}",
                            errors=[{"field": "cursor", "message": message}])


def decode(token: str, query_fingerprint: str) -> Position:
    """The position in ``token``; 400 naming ``cursor`` when it is forged, garbled or from another query."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise _invalid("The cursor is not one this server issued (tampered or truncated).") from None
    if not (isinstance(data, list) and len(data) == 4 and isinstance(data[0], int) and isinstance(data[1], str)
            and isinstance(data[2], int) and isinstance(data[3], str)):
        raise _invalid("The cursor is malformed.")
    value, last_id, now, fp = data
    if fp != query_fingerprint:
        raise _invalid("The cursor belongs to a different query: send the same filters and sort as for "
                       "the first page (only limit may change).")
    return Position(value=value, id=last_id, now_ms=now)
