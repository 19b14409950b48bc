"""Booking windows and stock units for the demo, never double-booking a unit.

Candidate pickups are drawn over the demo period, sorted by time, and each takes the units of its
(product, location) that have been free the longest (a heap per group). A unit's next hire starts
after its previous one ends plus a turnaround, so live reservations of one unit never overlap (the
PostgreSQL exclusion constraint would reject the insert otherwise). Cancelled hires hold nothing.
When every unit of a group is out, the hire moves to the first opening after one comes back.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from itertools import accumulate

from lockii.demo.calendar import DAY, HOUR, MINUTE, OpeningCalendar
from lockii.demo.catalogue import LOCATIONS, Catalogue
from lockii.demo.people import CustomerState

TURNAROUND = 30 * MINUTE
NEVER = 2**62  # free-from time of a unit that is not coming back (overdue) or taking no more hires
PAST_SHARE = 0.72  # share of hires picked up before today ends


@dataclass
class Plan:
    """One booking to write: where, when, which units, who, and what happened to it."""

    location: str
    start: int
    end: int
    units: list[int]  # indices into Catalogue.units
    status: str
    created: int
    customer: str
    cancelled_at: int | None = None
    picked_up_at: int | None = None
    returned_at: int | None = None


class Scheduler:
    def __init__(self, catalogue: Catalogue, calendars: dict[str, OpeningCalendar], customers: list[CustomerState],
                 rng: random.Random, *, now_ms: int, today: int, future_days: int):
        self.cat, self.cal, self.customers, self.rng = catalogue, calendars, customers, rng
        self.now, self.today, self.future_days = now_ms, today, future_days
        self.overdue_wanted = 0
        loc_key = {loc.id: key for key, loc in catalogue.locations.items()}
        prod_key = {p.id: key for key, p in catalogue.products.items()}
        self.group_of = [(prod_key[u.product_id], loc_key[u.location_id]) for u in catalogue.units]
        self.until = [self._until(u.status) for u in catalogue.units]
        self.free = [0] * len(catalogue.units)
        self.heaps: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for i, group in enumerate(self.group_of):
            self.heaps.setdefault(group, []).append((0, i))
        # (product keys, cumulative weights) per location, for rng.choices(cum_weights=...)
        self.stocked = {loc: ([p.key for p in catalogue.specs.values() if loc in p.locations],
                              list(accumulate(p.weight / len(p.locations) for p in catalogue.specs.values()
                                              if loc in p.locations)))
                        for loc in catalogue.locations}
        self.durations = {key: (spec.durations, list(accumulate(w for w, _, _ in spec.durations)))
                          for key, spec in catalogue.specs.items()}

    def _until(self, status: str) -> int:
        """Units now in the workshop or retired took hires only until some days ago."""
        if status == "maintenance":
            return self.now - self.rng.randrange(1, 10) * DAY
        if status == "retired":
            return self.now - self.rng.randrange(30, 150) * DAY
        return NEVER

    def candidates(self, count: int) -> list[tuple[int, str, int]]:
        """``count`` (pickup ms, location, day index) tuples in time order, inside opening hours."""
        keys, weights = [spec["key"] for spec in LOCATIONS], list(accumulate(spec["weight"] for spec in LOCATIONS))
        self.overdue_wanted = max(2, count // 500)  # so every demo shows a few overdue hires
        out = []
        for _ in range(count):
            loc = self.rng.choices(keys, cum_weights=weights)[0]
            cal = self.cal[loc]
            if self.rng.random() < PAST_SHARE:
                day = self.rng.randrange(0, self.today + 1)
            else:  # fewer hires are booked far ahead
                day = self.today + int(self.future_days * self.rng.random() ** 1.8)
            day = cal.open_day_at_or_after(day)
            open_ms, close_ms = cal.windows[day]
            slots = (close_ms - HOUR - open_ms) // (30 * MINUTE)
            out.append((open_ms + self.rng.randrange(slots + 1) * 30 * MINUTE, loc, day))
        out.sort()
        return out

    def _end(self, loc: str, product: str, day: int, start: int) -> int:
        """Return time for a hire picked up at ``start`` on ``day``: inside opening hours, after ``start``."""
        cal, (durations, weights) = self.cal[loc], self.durations[product]
        _, unit, choices = self.rng.choices(durations, cum_weights=weights)[0]
        n, close = self.rng.choice(choices), cal.windows[day][1]
        if unit == "hour":
            return min(start + n * HOUR, close)
        back = cal.open_day_at_or_after(day + n)
        if back is None:
            return close
        open_ms, close_ms = cal.windows[back]
        target = start + n * DAY
        if not open_ms <= target <= close_ms:  # outside that day's hours: back soon after opening
            target = min(open_ms + self.rng.randrange(1, 4) * HOUR, close_ms)
        return target

    def _take(self, group: tuple[str, str], start: int, end: int, *, may_wait: bool) -> int | None:
        """The longest-free unit of ``group`` that can be out for the window (with ``may_wait``: even if
        it is still out at ``start``), removed from the group until released."""
        heap = self.heaps.get(group, [])
        while heap and heap[0][0] < NEVER:
            unit = heap[0][1]
            waits = self.free[unit] > start
            if self.until[unit] < end or (waits and may_wait and self.until[unit] < NEVER):
                heapq.heappop(heap)  # going to the workshop or retiring: no further hires
                continue
            if not waits or may_wait:
                return heapq.heappop(heap)[1]
            return None
        return None

    def plan(self, start: int, loc: str, day: int) -> Plan:
        """One booking for a pickup drawn at ``start`` (it moves later when every unit is out)."""
        products, weights = self.stocked[loc]
        product = self.rng.choices(products, cum_weights=weights)[0]
        end = self._end(loc, product, day, start)
        unit = self._take((product, loc), start, end, may_wait=True)
        if unit is None:  # every unit of that product is retired or overdue: any product here will do
            for product in products:
                unit = self._take((product, loc), start, NEVER - 1, may_wait=True)  # units staying in service
                if unit is not None:
                    end = self._end(loc, product, day, start)
                    break
            else:
                raise RuntimeError(f"no stock left to hire out at {loc}")
        if self.free[unit] > start:
            found = self.cal[loc].first_open_moment(self.free[unit])
            if found is None:
                raise RuntimeError("the demo period is too short for this many bookings")
            day, start = found
            end = self._end(loc, product, day, start)
        units = [unit] + self._companions(product, loc, start, end)
        plan = self._story(loc, start, end, units)
        self._release(plan)
        return plan

    def _companions(self, product: str, loc: str, start: int, end: int) -> list[int]:
        """Friends hiring kayaks or bikes together; a pressure washer with a trailer."""
        wanted: list[tuple[str, str]] = []
        if self.cat.specs[product].group and self.rng.random() < 0.25:
            wanted = [(product, loc)] * self.rng.choice((1, 1, 1, 2, 3))
        elif product.endswith("trailer") and ("washer", loc) in self.heaps and self.rng.random() < 0.06:
            wanted = [("washer", loc)]
        taken = (self._take(group, start, end, may_wait=False) for group in wanted)
        return [unit for unit in taken if unit is not None]

    def _story(self, loc: str, start: int, end: int, units: list[int]) -> Plan:
        """Status, booking time, customer and the pickup/return/cancel moments."""
        rng, now = self.rng, self.now
        lead = rng.choice((rng.randrange(10, 360) * MINUTE, rng.randrange(1, 8) * DAY, rng.randrange(7, 45) * DAY))
        created = min(start - lead, now - rng.randrange(1, 72 * 60) * MINUTE)
        plan = Plan(loc, start, end, units, "confirmed", created, self._customer(created))
        if rng.random() < 0.07:
            plan.status = "cancelled"
            plan.cancelled_at = created + int((min(start, now) - created) * rng.random())
        elif end <= now:
            plan.picked_up_at = start + rng.randrange(0, 45) * MINUTE
            if now - end < 4 * DAY and (rng.random() < 0.12 or self.overdue_wanted > 0):
                plan.status = "active"  # overdue: not back yet
                self.overdue_wanted -= 1
            else:
                plan.status = "returned"
                late = rng.randrange(0, 150) * MINUTE if rng.random() < 0.1 else -rng.randrange(0, 45) * MINUTE
                plan.returned_at = min(max(end + late, plan.picked_up_at + MINUTE), now)
        elif start <= now:
            if rng.random() < 0.93:  # the others are late for pickup
                plan.status = "active"
                plan.picked_up_at = min(start + rng.randrange(0, 45) * MINUTE, now)
        elif rng.random() < 0.12:
            plan.status = "pending"
        return plan

    def _customer(self, created: int) -> str:
        """Regulars book more often; nobody books before they exist or once blocked."""
        for _ in range(20):
            c = self.customers[int(len(self.customers) * self.rng.random() ** 2)]
            if c.created_ms <= created and (c.blocked_ms is None or created < c.blocked_ms):
                return c.id
        return next(c.id for c in self.customers if c.created_ms <= created and c.blocked_ms is None)

    def _release(self, plan: Plan) -> None:
        """Put the units back: free after the return plus turnaround; an overdue unit stays out."""
        for unit in plan.units:
            if plan.status == "cancelled":
                pass  # a cancelled hire holds nothing: the unit is free as before
            elif plan.status == "active" and plan.end <= self.now:
                self.free[unit] = NEVER
            else:
                self.free[unit] = max(plan.end, plan.returned_at or 0) + TURNAROUND
            heapq.heappush(self.heaps[self.group_of[unit]], (self.free[unit], unit))
