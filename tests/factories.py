"""Small builders for test data. Each returns a saved row; every argument has a sensible default."""

from __future__ import annotations

import itertools

from lockii.bookings.models import Booking, OrderLine
from lockii.catalogue.models import Category, Location, PricingTemplate, Product, StockUnit
from lockii.clock import now_ms
from lockii.customers.models import Customer
from lockii.identity.apikeys import create_key
from lockii.identity.models import Company, User

_seq = itertools.count(1)
HOUR = 3_600_000
DAY = 24 * HOUR
ALWAYS_OPEN = {d: {"open": "00:00", "close": "24:00"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def company(name: str | None = None, **kw) -> Company:
    n = next(_seq)
    return Company.objects.create(name=name or f"Company {n}", slug=f"company-{n}", **kw)


def user(company: Company, role: str = "owner", *, locations=None, password: str = "pw-123456789",
         email: str | None = None, **kw) -> User:
    email = email or f"user{next(_seq)}@example.test"
    ids = None if locations is None else [loc.id for loc in locations]
    return User.objects.create_user(email, password, company=company, role=role, location_ids=ids,
                                    name=kw.pop("name", email.split("@")[0]), **kw)


def api_key(company: Company, name: str = "test key") -> str:
    """A fresh key's secret."""
    return create_key(company, name)[1]


def location(company: Company, name: str | None = None, **kw) -> Location:
    kw.setdefault("opening_hours", ALWAYS_OPEN)
    return Location.objects.create(company=company, name=name or f"Location {next(_seq)}", **kw)


def category(company: Company, name: str | None = None) -> Category:
    return Category.objects.create(company=company, name=name or f"Category {next(_seq)}")


def pricing(company: Company, **kw) -> PricingTemplate:
    kw.setdefault("hour_rate", 1000)
    kw.setdefault("day_rate", 5000)
    kw.setdefault("week_rate", 25000)
    return PricingTemplate.objects.create(company=company, name=kw.pop("name", f"Pricing {next(_seq)}"), **kw)


def product(company: Company, *, category_=None, pricing_=None, name: str | None = None) -> Product:
    return Product.objects.create(
        company=company, name=name or f"Product {next(_seq)}",
        category=category_ or category(company), pricing_template=pricing_ or pricing(company),
    )


def stock(company: Company, *, product_=None, location_=None, label: str | None = None) -> StockUnit:
    return StockUnit.objects.create(
        company=company, product=product_ or product(company), location=location_ or location(company),
        label=label or f"Unit {next(_seq)}",
    )


def customer(company: Company, **kw) -> Customer:
    n = next(_seq)
    kw.setdefault("first_name", f"First{n}")
    kw.setdefault("last_name", f"Last{n}")
    kw.setdefault("email", f"customer{n}@example.test")
    return Customer.objects.create(company=company, created_ms=kw.pop("created_ms", now_ms()), **kw)


def booking(company: Company, *, stock_: StockUnit | None = None, customer_=None, location_=None,
            start_ms: int | None = None, end_ms: int | None = None, status: str = "confirmed",
            total: int = 5000, created_ms: int | None = None, **kw) -> Booking:
    """A booking with one order line reserving ``stock_`` (made at ``location_`` when not given)."""
    stock_ = stock_ or stock(company, location_=location_)
    start_ms = start_ms if start_ms is not None else now_ms() + DAY
    end_ms = end_ms if end_ms is not None else start_ms + DAY
    created = created_ms if created_ms is not None else now_ms()
    b = Booking.objects.create(
        company=company, customer=customer_ or customer(company), location=location_ or stock_.location,
        start_ms=start_ms, end_ms=end_ms, status=status, total=total, created_ms=created, updated_ms=created, **kw,
    )
    OrderLine.objects.create(booking=b, product=stock_.product, stock=stock_, start_ms=start_ms, end_ms=end_ms,
                             price=total, released=status == "cancelled")
    return b
