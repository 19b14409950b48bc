"""Fixed-window counters in the database, so every node counts against the same limit.

Each window is one ``RateCounter`` row. Counting is a single conditional UPDATE
(``count < limit``), atomic on SQLite and PostgreSQL alike, so concurrent requests on several nodes
can never let more than ``limit`` through. (Django's cache ``incr`` is a read then a write, which
can.) Refused attempts are not counted; expired rows are deleted by ``oauth.gc``.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timezone

from django.db import IntegrityError, transaction
from django.db.models import F

from lockii.oauth.models import RateCounter


def _window(scope: str, key: str, window_seconds: int) -> tuple[str, float, int]:
    now = time.time()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    bucket = int(now // window_seconds)
    wait = max(1, int(window_seconds - now % window_seconds))
    return f"{scope}:{digest}:{bucket}", (bucket + 1) * window_seconds, wait


def _take(row_key: str, limit: int) -> bool:
    return bool(RateCounter.objects.filter(pk=row_key, count__lt=limit).update(count=F("count") + 1))


def hit(scope: str, key: str, limit: int, window_seconds: int) -> int | None:
    """Count one event; None when allowed, else the seconds until the window resets."""
    row_key, ends_at, wait = _window(scope, key, window_seconds)
    if limit < 1:
        return wait
    if _take(row_key, limit):
        return None
    try:
        with transaction.atomic():  # a savepoint: losing the race must not spoil an outer transaction
            RateCounter.objects.create(key=row_key, count=1,
                                       expires_at=datetime.fromtimestamp(ends_at, tz=timezone.utc))
        return None
    except IntegrityError:  # the row exists: either full, or another node created it just now
        return None if _take(row_key, limit) else wait


def exceeded(scope: str, key: str, limit: int, window_seconds: int) -> int | None:
    """Like ``hit`` without counting: None while under ``limit``, else the seconds to wait."""
    row_key, _, wait = _window(scope, key, window_seconds)
    full = limit < 1 or RateCounter.objects.filter(pk=row_key, count__gte=limit).exists()
    return wait if full else None
