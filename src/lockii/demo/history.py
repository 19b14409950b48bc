"""Everything one planned booking leaves behind: lines, payments, refunds, lock codes, changes, audit events."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lockii.demo.calendar import DAY, HOUR, MINUTE
from lockii.demo.catalogue import Catalogue
from lockii.demo.pricing import window_price
from lockii.demo.schedule import Plan
from lockii.demo.writer import Batch
from lockii.ids import new_id

COUPONS = {"SUMMER10": 10, "FJORD15": 15, "LOCAL20": 20}
NOTES = ["Picking up after the 10:40 ferry.", "Needs a 13-pin adapter for the tow bar.", "Gate code sent by SMS.",
         "Two helmets, one child size.", "Returning to the quay bay 4.", "Called to confirm the pickup time."]
REFUND_REASONS = ["Gate keypad failed at pickup; 30 minutes lost.", "Goodwill: flat tyre on the way out.",
                  "Paddle was missing from the locker."]
CANCEL_REASONS = ["Weather: strong wind warning.", "Plans changed.", "Booked the wrong date.", "Car broke down."]


@dataclass
class Actors:
    """Who acts in the story: the staff users, the manager's location and the web shop's API key."""

    owner: str
    manager: str
    manager_location: str
    staff: str
    shop_key: str


class History:
    """Turns plans into rows on a Batch; every booking gets a consistent paper trail."""

    def __init__(self, company, catalogue: Catalogue, actors: Actors, rng: random.Random, now_ms: int):
        self.company_id, self.cat, self.actors, self.rng, self.now = company.id, catalogue, actors, rng, now_ms
        self.pricing_of = {p.id: catalogue.pricing_by_id[p.pricing_template_id] for p in catalogue.products.values()}

    def event(self, batch: Batch, at: int, action: str, actor: tuple[str, str], target_type: str, target_id: str,
              **detail) -> int:
        at = min(at, self.now)
        batch.events.add(id=new_id("audit"), company_id=self.company_id, actor_type=actor[0], actor_id=actor[1],
                         action=action, target_type=target_type, target_id=target_id, detail=detail, at_ms=at)
        return at

    def _booker(self, plan: Plan) -> tuple[str, str]:
        roll, a = self.rng.random(), self.actors
        if roll < 0.55:
            return "apikey", a.shop_key
        if roll < 0.7 and self.cat.locations[plan.location].id == a.manager_location:
            return "user", a.manager
        return "user", a.owner if roll > 0.92 else a.staff

    def add(self, plan: Plan, batch: Batch) -> None:
        """Queue the rows of ``plan`` on ``batch``."""
        rng, loc = self.rng, self.cat.locations[plan.location]
        booking_id = new_id("booking")
        coupon = rng.choice(list(COUPONS)) if rng.random() < 0.03 else ""
        lines = []
        for unit_index in plan.units:
            unit = self.cat.units[unit_index]
            price = window_price(self.pricing_of[unit.product_id], plan.end - plan.start)
            lines.append(batch.lines.add(
                id=new_id("line"), booking_id=booking_id, product_id=unit.product_id, stock_id=unit.id,
                start_ms=plan.start, end_ms=plan.end, price=price * (100 - COUPONS.get(coupon, 0)) // 100,
                released=plan.status == "cancelled"))
        total = sum(line["price"] for line in lines)
        booking = batch.bookings.add(
            id=booking_id, company_id=self.company_id, customer_id=plan.customer, location_id=loc.id,
            start_ms=plan.start, end_ms=plan.end, status=plan.status, total=total, coupon_code=coupon,
            notes=rng.choice(NOTES) if rng.random() < 0.05 else "", created_ms=plan.created,
            lock_codes=self._lock_codes(plan, loc) if plan.status in ("confirmed", "active", "returned") else {})
        booker = self._booker(plan)
        moments = [self.event(batch, plan.created, "booking.create", booker, "booking", booking_id, total=total)]
        moments += self._payments(plan, booking, booker, batch)
        moments += self._visits(plan, booking, batch)
        if rng.random() < 0.025:
            moments += self._change_request(plan, booking, lines, batch)
        booking["updated_ms"] = max(moments)

    def _lock_codes(self, plan: Plan, loc) -> dict:
        """Time-limited codes for each unit's smart lock, plus the gate when the location has one."""
        codes = {"validFrom": plan.start - 15 * MINUTE, "validUntil": plan.end + 15 * MINUTE,
                 "units": [{"stockID": self.cat.units[u].id, "lockID": self.cat.units[u].lock_id,
                            "code": f"{self.rng.randrange(10**6):06d}"} for u in plan.units]}
        if loc.access_lock_id:
            codes["gate"] = {"lockID": loc.access_lock_id, "code": f"{self.rng.randrange(10**4):04d}"}
        return codes

    def _payment(self, booking: dict, status: str, at: int, batch: Batch) -> dict:
        payment = batch.payments.add(
            id=new_id("payment"), company_id=self.company_id, booking_id=booking["id"], amount=booking["total"],
            status=status, method="ledger", provider_ref=f"ledger_{self.rng.getrandbits(48):012x}",
            created_ms=min(at, self.now))
        if status == "succeeded":
            booking["paid"] += payment["amount"]
        return payment

    def _refund(self, payment: dict, booking: dict, amount: int, reason: str, at: int, batch: Batch) -> int:
        at = min(at, self.now)
        batch.refunds.add(id=new_id("refund"), payment_id=payment["id"], amount=amount, reason=reason,
                          created_by=self.actors.owner, created_ms=at, idempotency_key=None)
        payment["refunded"] += amount
        booking["refunded"] += amount
        return self.event(batch, at, "payment.refund", ("user", self.actors.owner), "payment", payment["id"],
                          amount=amount, reason=reason, booking=booking["id"])

    def _payments(self, plan: Plan, booking: dict, booker, batch: Batch) -> list[int]:
        """Payments as the status implies; returns the moments of the audit events written."""
        rng, created, moments = self.rng, plan.created, []
        if plan.status in ("confirmed", "active", "returned"):
            if rng.random() < 0.05:
                self._payment(booking, "failed", created + MINUTE, batch)
            paid_at = min(created + rng.randrange(2, 30) * MINUTE, max(plan.start - MINUTE, created + MINUTE))
            payment = self._payment(booking, "succeeded", paid_at, batch)
            if plan.status == "returned" and rng.random() < 0.03:
                amount = booking["total"] * rng.choice((20, 30, 50)) // 100
                if amount:
                    moments.append(self._refund(payment, booking, amount, rng.choice(REFUND_REASONS),
                                                plan.returned_at + DAY, batch))
        elif plan.status == "pending":
            roll = rng.random()
            if roll < 0.6:
                self._payment(booking, "pending", created + MINUTE, batch)  # payment link sent
            elif roll < 0.7:
                self._payment(booking, "failed", created + MINUTE, batch)
        else:  # cancelled
            reason = rng.choice(CANCEL_REASONS)
            if plan.cancelled_at - created > 10 * MINUTE and rng.random() < 0.5:
                payment = self._payment(booking, "succeeded", created + 2 * MINUTE, batch)
                share = 100 if rng.random() < 0.7 else 75  # late cancellations keep a 25 % fee
                moments.append(self._refund(payment, booking, booking["total"] * share // 100 or booking["total"],
                                            reason, plan.cancelled_at, batch))
            moments.append(self.event(batch, plan.cancelled_at, "booking.cancel", booker, "booking",
                                      booking["id"], reason=reason))
        return moments

    def _visits(self, plan: Plan, booking: dict, batch: Batch) -> list[int]:
        """Pickup and return: mostly by the customer at the lock, sometimes marked by staff."""
        moments = []
        for moment, action in ((plan.picked_up_at, "booking.pickup"), (plan.returned_at, "booking.return")):
            if moment is None:
                continue
            manual = self.rng.random() < 0.15
            actor = ("user", self.actors.staff) if manual else ("system", "system")
            moments.append(self.event(batch, moment, action, actor, "booking", booking["id"],
                                      via="manual" if manual else "lock"))
        return moments

    def _change_request(self, plan: Plan, booking: dict, lines: list[dict], batch: Batch) -> list[int]:
        rng, now, owner = self.rng, self.now, self.actors.owner
        change = dict(id=new_id("change"), company_id=self.company_id, booking_id=booking["id"],
                      created_ms=min(plan.created + HOUR, now), price_difference=0, decided_by="",
                      decided_ms=None)
        if plan.status in ("active", "returned") and plan.end - plan.start > 3 * HOUR:
            previous_end = plan.end - rng.choice((1, 2)) * HOUR
            old = sum(window_price(self.pricing_of[x["product_id"]], previous_end - plan.start) for x in lines)
            change.update(type="extend", status="applied", decided_by="system",
                          requested={"end": plan.end, "previousEnd": previous_end},
                          price_difference=max(0, booking["total"] - old),
                          created_ms=max(plan.created, min(previous_end - HOUR, now)))
        elif plan.status == "cancelled":
            change.update(type="cancel", status="applied", decided_by=owner,
                          requested={"reason": "Customer asked to cancel."},
                          price_difference=-booking["refunded"],
                          created_ms=max(plan.created, plan.cancelled_at - MINUTE))
        elif plan.status in ("confirmed", "pending"):
            kind = rng.choice(("reschedule", "change_location", "change_items"))
            status = rng.choice(("pending", "pending", "rejected"))
            requested = ({"start": plan.start + DAY, "end": plan.end + DAY} if kind == "reschedule"
                         else {"locationID": self.actors.manager_location} if kind == "change_location"
                         else {"note": "Add a second life jacket."})
            change.update(type=kind, status=status, requested=requested,
                          decided_by="" if status == "pending" else owner)
        else:
            return []
        batch.changes.add(**change)
        if change["status"] == "pending":
            return []
        by_system = change["decided_by"] == "system"
        change["decided_ms"] = change["created_ms"] if by_system else min(change["created_ms"] + HOUR, now)
        return [self.event(batch, change["decided_ms"], f"change_request.{change['status']}",
                           ("system", "system") if by_system else ("user", owner), "change_request", change["id"],
                           booking=booking["id"], type=change["type"])]
