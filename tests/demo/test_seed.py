"""The demo data: realistic, complete and consistent with the business rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import Client

from lockii.audit.models import AuditEvent
from lockii.bookings.models import BOOKING_STATUSES, Booking, ChangeRequest, OrderLine
from lockii.catalogue.models import WEEKDAYS, Location, Product, StockUnit
from lockii.clock import now_ms
from lockii.customers.models import Customer
from lockii.demo.pricing import window_price
from lockii.demo.seed import DEMO_USERS, seed
from lockii.identity.models import User
from lockii.identity.principal import Principal
from lockii.identity.roles import permissions_for
from lockii.identity.scoping import scoped
from lockii.payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One seeded demo company for the whole module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = seed(bookings=2000)
        yield result
        transaction.set_rollback(True)


def test_counts_match_the_request(demo):
    assert Booking.objects.count() == demo.counts["bookings"] == 2000
    assert Customer.objects.count() == demo.counts["customers"] == 300
    assert Location.objects.count() == 3
    assert Product.objects.count() >= 10
    assert StockUnit.objects.count() >= 40
    assert OrderLine.objects.count() > 2000  # some bookings hire several units


def test_every_status_and_overdue_are_present(demo):
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == set(BOOKING_STATUSES)
    assert Booking.objects.filter(status="active", end_ms__lt=now_ms()).exists(), "no overdue booking"
    assert Booking.objects.filter(start_ms__lt=now_ms()).exists()
    assert Booking.objects.filter(start_ms__gt=now_ms()).exists()
    assert set(Payment.objects.values_list("status", flat=True)) == {"pending", "succeeded", "failed"}
    assert Refund.objects.exists() and ChangeRequest.objects.exists()
    assert Customer.objects.filter(blocked=True).exists()
    assert Customer.objects.filter(verification_status="verified").exists()


def test_no_stock_unit_holds_overlapping_live_reservations(demo):
    by_unit = defaultdict(list)
    for stock, start, end in OrderLine.objects.filter(released=False).values_list("stock_id", "start_ms", "end_ms"):
        by_unit[stock].append((start, end))
    for stock, windows in by_unit.items():
        windows.sort()
        for (_, end), (next_start, _) in zip(windows, windows[1:]):
            assert end <= next_start, f"{stock} double-booked"


def _inside_opening_hours(location: Location, moment: int) -> bool:
    local = datetime.fromtimestamp(moment / 1000, ZoneInfo("Europe/Oslo"))
    hours = location.opening_hours.get(WEEKDAYS[local.weekday()])
    return bool(hours) and hours["open"] <= local.strftime("%H:%M") <= hours["close"]


def test_pickup_and_return_fall_inside_opening_hours(demo):
    locations = {loc.id: loc for loc in Location.objects.all()}
    assert any(v is None for v in locations[demo_location(demo, "Voss Lakeside")].opening_hours.values())
    for loc_id, start, end in Booking.objects.values_list("location_id", "start_ms", "end_ms"):
        assert end > start
        assert _inside_opening_hours(locations[loc_id], start), start
        assert _inside_opening_hours(locations[loc_id], end), end


def demo_location(demo, name: str) -> str:
    return Location.objects.get(company=demo.company, name=name).id


def test_units_are_hired_from_their_home_location(demo):
    lines = OrderLine.objects.select_related("stock", "booking")
    for line in lines:
        assert line.stock.location_id == line.booking.location_id
        assert line.stock.product_id == line.product_id


def test_totals_come_from_the_pricing_template(demo):
    products = {p.id: p for p in Product.objects.select_related("pricing_template")}
    totals = defaultdict(int)
    for line in OrderLine.objects.all():
        expected = window_price(products[line.product_id].pricing_template, line.end_ms - line.start_ms)
        assert line.price <= expected and line.price >= expected * 80 // 100  # coupons take at most 20 %
        totals[line.booking_id] += line.price
    for booking_id, total in Booking.objects.values_list("id", "total"):
        assert totals[booking_id] == total


def test_money_adds_up(demo):
    paid = dict(Payment.objects.filter(status="succeeded").values("booking_id").annotate(s=Sum("amount"))
                .values_list("booking_id", "s"))
    refunded = dict(Refund.objects.values("payment__booking_id").annotate(s=Sum("amount"))
                    .values_list("payment__booking_id", "s"))
    for b in Booking.objects.all():
        assert b.paid == paid.get(b.id, 0)
        assert b.refunded == refunded.get(b.id, 0) <= b.paid
        if b.status in ("confirmed", "active", "returned"):
            assert b.paid == b.total
        if b.status == "pending":
            assert b.paid == 0
    for p in Payment.objects.all():
        assert p.refunded == sum(r.amount for r in p.refunds.all()) <= p.amount


def test_lock_codes_only_for_bookings_that_can_be_picked_up(demo):
    gates = dict(Location.objects.values_list("id", "access_lock_id"))
    for b in Booking.objects.prefetch_related("lines"):
        if b.status in ("pending", "cancelled"):
            assert b.lock_codes == {}
            continue
        assert {u["stockID"] for u in b.lock_codes["units"]} == {line.stock_id for line in b.lines.all()}
        assert all(len(u["code"]) == 6 for u in b.lock_codes["units"])
        assert ("gate" in b.lock_codes) == bool(gates[b.location_id])


def test_blocked_customers_get_no_new_bookings(demo):
    for c in Customer.objects.filter(blocked=True):
        assert not Booking.objects.filter(customer=c, created_ms__gte=c.blocked_ms).exists()
    for c in Customer.objects.all():
        assert not Booking.objects.filter(customer=c, created_ms__lt=c.created_ms).exists()


def test_units_out_of_service_take_no_future_hires(demo):
    out = StockUnit.objects.exclude(status="available")
    assert out.exists()
    assert not OrderLine.objects.filter(stock__in=out, released=False, end_ms__gt=now_ms()).exclude(
        booking__status="active").exists()


def test_every_booking_has_an_audit_trail(demo):
    created = set(AuditEvent.objects.filter(action="booking.create").values_list("target_id", flat=True))
    assert created == set(Booking.objects.values_list("id", flat=True))
    returned = set(Booking.objects.filter(status="returned").values_list("id", flat=True))
    assert returned <= set(AuditEvent.objects.filter(action="booking.return").values_list("target_id", flat=True))
    assert not AuditEvent.objects.filter(at_ms__gt=now_ms()).exists()
    assert not AuditEvent.objects.filter(company__isnull=True).exists()


def test_users_and_the_manager_limited_to_one_location(demo):
    assert [u["email"] for u in demo.users] == [d.email for d in DEMO_USERS]
    manager = User.objects.get(role="manager", company=demo.company)
    assert manager.check_password("fjord-manager-demo")
    assert len(manager.location_ids) == 1
    principal = Principal(company_id=demo.company.id, role="manager", permissions=permissions_for("manager"),
                          location_ids=frozenset(manager.location_ids), user_id=manager.id)
    visible = scoped(principal, Booking)
    assert 0 < visible.count() < Booking.objects.count()
    assert set(visible.values_list("location_id", flat=True)) == set(manager.location_ids)
    assert User.objects.get(role="owner", company=demo.company).location_ids is None


def test_printed_api_key_works_against_the_api(demo):
    r = Client().get("/api/v1/company", HTTP_X_API_KEY=demo.api_key)
    assert r.status_code == 200
    assert r.json()["company"]["slug"] == "fjord-trail-hire"
    assert r.json()["role"] == "owner"
