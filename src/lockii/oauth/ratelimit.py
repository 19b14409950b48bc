"""Fixed-window counters in the shared cache (the database cache by default), so every node agrees.

Django's ``cache.incr`` is a read then a write, so two nodes counting the same instant may lose one
increment: a limit of N can let N+1 through under a race. That is acceptable for abuse throttling.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def hit(scope: str, key: str, limit: int, window_seconds: int) -> int | None:
    """Count one event; None when allowed, else the seconds until the window resets."""
    now = time.time()
    bucket = int(now // window_seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"lockii:rl:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds + 60):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window_seconds + 60)
            count = 1
    if count > limit:
        return max(1, int(window_seconds - now % window_seconds))
    return None


def exceeded(scope: str, key: str, limit: int, window_seconds: int) -> int | None:
    """Like ``hit`` without counting: None while under ``limit``, else the seconds to wait."""
    now = time.time()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    count = cache.get(f"lockii:rl:{scope}:{digest}:{int(now // window_seconds)}", 0)
    if count >= limit:
        return max(1, int(window_seconds - now % window_seconds))
    return None
