"""A small hire shop with precisely known bookings, and helpers to search it over REST or directly.

Company A has locations L1 and L2, categories C1 (products P1, P2) and C2 (product P3), stock units
S1 (P1@L1), S2 (P2@L1), S3 (P3@L2), S4 (P1@L2), customers K1 and K2, and six bookings:

| booking | status    | location | customer | window (days from NOW) | total | created | lines            |
|---------|-----------|----------|----------|------------------------|-------|---------|------------------|
| B1      | confirmed | L1       | K1       | +1 .. +2               | 1000  | -5      | S1               |
| B2      | pending   | L1       | K2       | +3 .. +4               | 2550  | -4      | S2               |
| B3      | active    | L2       | K1       | -1 .. +1               | 5000  | -3      | S3               |
| B4      | active    | L1       | K2       | -3 .. -1 (overdue)     | 7500  | -2      | S1, S2           |
| B5      | returned  | L2       | K1       | -10 .. -8              | 10000 | -11     | S4               |
| B6      | cancelled | L2       | K2       | +1 .. +2               | 0     | -1      | S3 (released)    |

Company B mirrors a little of it (one location, product, customer and two bookings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from lockii.actions.registry import load_all
from lockii.actions.run import run_action
from lockii.bookings.models import Booking, OrderLine
from lockii.clock import now_ms
from lockii.identity.principal import Principal
from lockii.identity.roles import permissions_for
from tests import factories as f
from tests.factories import DAY


def principal_of(user) -> Principal:
    """The Principal a signed-in user acts as (what an OAuth token of theirs resolves to)."""
    ids = None if user.location_ids is None else frozenset(user.location_ids)
    return Principal(company_id=user.company_id, role=user.role, permissions=permissions_for(user.role),
                     location_ids=ids, user_id=user.id)


def owner_of(company) -> Principal:
    return Principal(company_id=company.id, role="owner", permissions=permissions_for("owner"), location_ids=None)


def run(name: str, principal: Principal, **raw):
    return run_action(load_all()[name], principal, raw)


def search_ids(principal: Principal, **raw) -> list[str]:
    return [b.id for b in run("search_bookings", principal, **raw).items]


def query(**params) -> dict:
    """Query parameters as the REST convention sends them: nested values as JSON strings."""
    return {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in params.items()}


def get(api, path: str, key: str, **params):
    return api.get(path, query(**params), HTTP_X_API_KEY=key)


def booking_with_lines(company, *, location, customer, start, end, status, total, created, stocks,
                       released=False) -> Booking:
    b = Booking.objects.create(company=company, customer=customer, location=location, start_ms=start,
                               end_ms=end, status=status, total=total, created_ms=created, updated_ms=created,
                               lock_codes={s.id: "1234" for s in stocks})
    share = total // len(stocks)
    for s in stocks:
        OrderLine.objects.create(booking=b, product=s.product, stock=s, start_ms=start, end_ms=end, price=share,
                                 released=released or status == "cancelled")
    return b


@dataclass
class Shop:
    now: int
    a: object
    b: object
    l1: object
    l2: object
    lb: object
    c1: object
    c2: object
    p1: object
    p2: object
    p3: object
    s1: object
    s2: object
    s3: object
    s4: object
    k1: object
    k2: object
    bk: dict = field(default_factory=dict)  # "B1".."B6" → Booking
    pb: object = None  # company B's product
    sb: object = None
    kb: object = None
    cb: object = None
    bb: dict = field(default_factory=dict)  # "X1", "X2" → company B bookings
    key_a: str = ""
    key_b: str = ""

    def names(self, ids) -> list[str]:
        """Booking ids back to their B1..B6 / X1..X2 names, in the given order."""
        by_id = {b.id: name for name, b in {**self.bk, **self.bb}.items()}
        return [by_id.get(i, i) for i in ids]


@pytest.fixture
def shop(db) -> Shop:
    now = now_ms()
    a, b = f.company("Alpha Hire"), f.company("Beta Rentals")
    l1, l2, lb = f.location(a, "Alpha North"), f.location(a, "Alpha South"), f.location(b, "Beta Depot")
    c1, c2 = f.category(a, "Trailers"), f.category(a, "Boats")
    p1, p2 = f.product(a, category_=c1, name="Box trailer"), f.product(a, category_=c1, name="Car trailer")
    p3 = f.product(a, category_=c2, name="Kayak")
    s1 = f.stock(a, product_=p1, location_=l1, label="Trailer ABC123")
    s2 = f.stock(a, product_=p2, location_=l1, label="Trailer XYZ789")
    s3 = f.stock(a, product_=p3, location_=l2, label="Kayak red")
    s4 = f.stock(a, product_=p1, location_=l2, label="Trailer DEF456")
    k1 = f.customer(a, first_name="Ada", last_name="Lovelace")
    k2 = f.customer(a, first_name="Alan", last_name="Turing")
    shop = Shop(now=now, a=a, b=b, l1=l1, l2=l2, lb=lb, c1=c1, c2=c2, p1=p1, p2=p2, p3=p3,
                s1=s1, s2=s2, s3=s3, s4=s4, k1=k1, k2=k2)
    rows = {
        "B1": dict(location=l1, customer=k1, start=now + DAY, end=now + 2 * DAY, status="confirmed", total=1000,
                   created=now - 5 * DAY, stocks=[s1]),
        "B2": dict(location=l1, customer=k2, start=now + 3 * DAY, end=now + 4 * DAY, status="pending", total=2550,
                   created=now - 4 * DAY, stocks=[s2]),
        "B3": dict(location=l2, customer=k1, start=now - DAY, end=now + DAY, status="active", total=5000,
                   created=now - 3 * DAY, stocks=[s3]),
        "B4": dict(location=l1, customer=k2, start=now - 3 * DAY, end=now - DAY, status="active", total=7500,
                   created=now - 2 * DAY, stocks=[s1, s2]),
        "B5": dict(location=l2, customer=k1, start=now - 10 * DAY, end=now - 8 * DAY, status="returned",
                   total=10000, created=now - 11 * DAY, stocks=[s4]),
        "B6": dict(location=l2, customer=k2, start=now + DAY, end=now + 2 * DAY, status="cancelled", total=0,
                   created=now - DAY, stocks=[s3]),
    }
    shop.bk = {name: booking_with_lines(a, **kw) for name, kw in rows.items()}
    cb = f.category(b, "Trailers")
    shop.cb, shop.pb = cb, f.product(b, category_=cb, name="Box trailer")
    shop.sb = f.stock(b, product_=shop.pb, location_=lb, label="Trailer B1")
    shop.kb = f.customer(b, first_name="Bea")
    shop.bb = {
        "X1": booking_with_lines(b, location=lb, customer=shop.kb, start=now + DAY, end=now + 2 * DAY,
                                 status="confirmed", total=1000, created=now - 5 * DAY, stocks=[shop.sb]),
        "X2": booking_with_lines(b, location=lb, customer=shop.kb, start=now - 3 * DAY, end=now - DAY,
                                 status="active", total=7500, created=now - 2 * DAY, stocks=[shop.sb]),
    }
    shop.key_a, shop.key_b = f.api_key(a), f.api_key(b)
    return shop
