"""Seed the demo company "Fjord & Trail Hire": catalogue, staff, customers and a booking history.

Deterministic for a given ``seed`` (relative to the moment it runs). Bookings are generated in time
order and written in batches with bulk inserts, one transaction per batch, so a million bookings
fit in memory and on disk at a steady pace.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from lockii.clock import now_ms
from lockii.demo.calendar import OpeningCalendar
from lockii.demo.catalogue import COMPANY, create_catalogue, stock_count
from lockii.demo.history import Actors, History
from lockii.demo.people import make_customers
from lockii.demo.schedule import Scheduler
from lockii.demo.writer import Batch
from lockii.identity.accounts import create_company, create_user
from lockii.identity.apikeys import create_key
from lockii.identity.models import Company
from lockii.ops.planner import refresh_statistics

PAST_DAYS, FUTURE_DAYS = 180, 90
CALENDAR_MARGIN_DAYS = 60  # room for hires that move later because every unit was out
BATCH = 5000
DEFAULT_BOOKINGS, DEFAULT_CUSTOMERS = 2000, 300


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    role: str
    name: str
    location: str | None  # location key the user is limited to; None = all


# Fixed and documented so a trial can sign in; change them (or use `lockii init`) for real use.
DEMO_USERS = (
    DemoUser("owner@fjordtrail.example", "fjord-owner-demo", "owner", "Ingrid Solberg", None),
    DemoUser("manager@fjordtrail.example", "fjord-manager-demo", "manager", "Lars Haugen", "harbour"),
    DemoUser("staff@fjordtrail.example", "fjord-staff-demo", "staff", "Maja Berg", None),
)


@dataclass
class SeedResult:
    company: Company
    users: list[dict]
    api_key: str
    counts: dict[str, int]
    seconds: float


def demo_company() -> Company | None:
    return Company.objects.filter(slug=COMPANY["slug"]).first()


def sign_in_details(company: Company) -> list[dict]:
    """The demo users as printed by ``lockii demo``: email, password, role and location ids (None = all)."""
    from lockii.identity.models import User

    by_email = {u.email: u for u in User.objects.filter(company=company)}
    return [{"email": d.email, "password": d.password, "role": d.role, "name": d.name,
             "locations": by_email[d.email].location_ids}
            for d in DEMO_USERS if d.email in by_email]


def _setup(rng: random.Random, bookings: int, customers: int, now: int):
    """Company, catalogue, staff, the web shop's key and customers: one transaction."""
    with transaction.atomic():
        company = create_company(COMPANY["name"], slug=COMPANY["slug"], currency=COMPANY["currency"],
                                 timezone=COMPANY["timezone"])
        company.settings = {**company.settings, "verification_required": True}
        company.save(update_fields=["settings"])
        catalogue = create_catalogue(company, rng, units=stock_count(bookings))
        users = {}
        for d in DEMO_USERS:
            ids = None if d.location is None else [catalogue.locations[d.location].id]
            users[d.role] = create_user(company, email=d.email, password=d.password, role=d.role, name=d.name,
                                        location_ids=ids)
        shop_key, _ = create_key(company, "Web shop (fjordtrail.example)")  # its secret lives in the shop
        first_ms = now - PAST_DAYS * 86_400_000
        staff_ids = [users["owner"].id, users["staff"].id, users["manager"].id]
        batch = Batch()
        states = make_customers(batch, company.id, rng, customers, first_ms=first_ms, now_ms=now,
                                staff_ids=staff_ids)
        batch.flush()
    actors = Actors(owner=users["owner"].id, manager=users["manager"].id,
                    manager_location=catalogue.locations["harbour"].id, staff=users["staff"].id, shop_key=shop_key.id)
    return company, catalogue, actors, states


def _tune_connection() -> None:
    """SQLite settings for this connection only: a large page cache (the booking indexes outgrow the
    2 MB default early, and then every insert pays for page reads and writes), and no fsync at WAL
    checkpoints (a third of the seeding time; a crash mid-seed leaves a demo to re-seed, not lost work)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB
            if not connection.in_atomic_block:  # SQLite refuses it inside a transaction
                cursor.execute("PRAGMA synchronous = OFF")


def seed(*, bookings: int = DEFAULT_BOOKINGS, customers: int | None = None, seed: int = 2024,
         progress=None) -> SeedResult:
    """Create the demo company with ``bookings`` bookings; ``progress(n)`` is told of each written batch."""
    started = time.perf_counter()
    _tune_connection()
    rng, now = random.Random(seed), now_ms()
    customers = customers if customers is not None else max(DEFAULT_CUSTOMERS, bookings // 8)
    company, catalogue, actors, states = _setup(rng, bookings, customers, now)
    tz = ZoneInfo(company.timezone)
    first_day = datetime.now(tz).date() - timedelta(days=PAST_DAYS)
    days = PAST_DAYS + FUTURE_DAYS + CALENDAR_MARGIN_DAYS
    calendars = {key: OpeningCalendar(loc.opening_hours, tz, first_day, days)
                 for key, loc in catalogue.locations.items()}
    scheduler = Scheduler(catalogue, calendars, states, rng, now_ms=now, today=PAST_DAYS, future_days=FUTURE_DAYS)
    history = History(company, catalogue, actors, rng, now)
    counts = {"locations": len(catalogue.locations), "products": len(catalogue.products),
              "stock_units": len(catalogue.units), "customers": customers}
    candidates = scheduler.candidates(bookings)
    for offset in range(0, len(candidates), BATCH):
        batch = Batch()
        for start, loc, day in candidates[offset:offset + BATCH]:
            history.add(scheduler.plan(start, loc, day), batch)
        with transaction.atomic():
            written = batch.flush()
        for name, n in written.items():
            if name != "customers":
                counts[name] = counts.get(name, 0) + n
        if progress:
            progress(written["bookings"])
    with transaction.atomic():
        _, secret = create_key(company, "Demo key")
    refresh_statistics(full=True)
    return SeedResult(company, sign_in_details(company), secret, counts, time.perf_counter() - started)
