"""The price of a hire window: the cheapest mix of whole hours, days and weeks covering it."""

from __future__ import annotations

from functools import lru_cache

HOUR_MIN, DAY_MIN, WEEK_MIN = 60, 24 * 60, 7 * 24 * 60


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@lru_cache(maxsize=65536)
def cheapest(minutes: int, hour: int | None, day: int | None, week: int | None) -> int:
    """Cheapest cents covering ``minutes`` with whole units of the rates that exist (None = not offered)."""
    best = None
    max_weeks = _ceil_div(minutes, WEEK_MIN) if week is not None else 0
    for weeks in range(max_weeks + 1):
        rest = minutes - weeks * WEEK_MIN
        max_days = _ceil_div(max(rest, 0), DAY_MIN) if day is not None else 0
        for days in range(max_days + 1):
            left = rest - days * DAY_MIN
            if left > 0 and hour is None:
                continue
            hours = _ceil_div(left, HOUR_MIN) if left > 0 else 0
            cost = weeks * (week or 0) + days * (day or 0) + hours * (hour or 0)
            if best is None or cost < best:
                best = cost
    if best is None:
        raise ValueError("a pricing template needs at least one rate")
    return best


def window_price(template, duration_ms: int) -> int:
    """Cents for hiring one unit priced by ``template`` for ``duration_ms`` (never under its minimum)."""
    minutes = max(_ceil_div(duration_ms, 60_000), template.minimum_minutes)
    return cheapest(minutes, template.hour_rate, template.day_rate, template.week_rate)
