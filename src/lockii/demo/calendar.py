"""Opening hours turned into concrete windows (UTC milliseconds), one per local calendar day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lockii.catalogue.models import WEEKDAYS

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _at(day: date, hhmm: str, tz: ZoneInfo) -> int:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    # Wall-clock arithmetic on a naive value ("24:00" becomes next midnight), then the zone's offset
    # for that wall-clock moment (DST-correct).
    moment = (datetime.combine(day, time(0)) + timedelta(hours=hours, minutes=minutes)).replace(tzinfo=tz)
    return int(moment.timestamp() * 1000)


class OpeningCalendar:
    """``windows[i]`` is (open_ms, close_ms) on day ``first_day + i``, or None when closed."""

    def __init__(self, opening_hours: dict, tz: ZoneInfo, first_day: date, days: int):
        self.first_day, self.tz = first_day, tz
        self.windows: list[tuple[int, int] | None] = []
        for i in range(days):
            day = first_day + timedelta(days=i)
            hours = opening_hours.get(WEEKDAYS[day.weekday()])
            self.windows.append(None if not hours else (_at(day, hours["open"], tz), _at(day, hours["close"], tz)))

    def __len__(self) -> int:
        return len(self.windows)

    def open_day_at_or_after(self, index: int) -> int | None:
        """The first day index >= ``index`` on which the location opens, or None past the end."""
        while index < len(self.windows):
            if self.windows[index] is not None:
                return index
            index += 1
        return None

    def day_of(self, moment_ms: int) -> int:
        """The index of the local calendar day containing ``moment_ms`` (may fall outside the range)."""
        return (datetime.fromtimestamp(moment_ms / 1000, self.tz).date() - self.first_day).days

    def first_open_moment(self, earliest_ms: int, *, room_ms: int = HOUR,
                          step_ms: int = 30 * MINUTE) -> tuple[int, int] | None:
        """(day index, moment) of the first moment >= ``earliest_ms`` on a ``step_ms`` grid from opening time
        that leaves ``room_ms`` before closing; None when there is none before the calendar ends."""
        index = self.open_day_at_or_after(max(0, self.day_of(earliest_ms)))
        while index is not None:
            open_ms, close_ms = self.windows[index]
            moment = open_ms + max(0, -(-(earliest_ms - open_ms) // step_ms)) * step_ms
            if moment + room_ms <= close_ms:
                return index, moment
            index = self.open_day_at_or_after(index + 1)
        return None
