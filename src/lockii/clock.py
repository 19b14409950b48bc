"""Time as the API speaks it: Unix milliseconds, UTC."""

import time


def now_ms() -> int:
    """The current time in Unix milliseconds."""
    return time.time_ns() // 1_000_000
