"""Bookings (orders), their order lines (reservations of stock units) and change requests."""

from __future__ import annotations

from django.db import models

from lockii.ids import PrefixedIdField

BOOKING_STATUSES = ("pending", "confirmed", "active", "returned", "cancelled")


class Booking(models.Model):
    """A customer's hire window at one location. Times are Unix ms; money is cents."""

    id = PrefixedIdField("booking")
    # No single-column company index: every composite index below leads with company.
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="bookings",
                                db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="bookings")
    location = models.ForeignKey("catalogue.Location", on_delete=models.PROTECT, related_name="bookings")
    start_ms = models.BigIntegerField()
    end_ms = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=[(s, s) for s in BOOKING_STATUSES], default="pending")
    total = models.BigIntegerField(default=0)
    paid = models.BigIntegerField(default=0)
    refunded = models.BigIntegerField(default=0)
    coupon_code = models.CharField(max_length=64, blank=True)
    notes = models.TextField(blank=True)
    lock_codes = models.JSONField(default=dict)
    created_ms = models.BigIntegerField()
    updated_ms = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(end_ms__gt=models.F("start_ms")), name="booking_end_after_start"),
            models.CheckConstraint(condition=models.Q(total__gte=0, paid__gte=0, refunded__gte=0),
                                   name="booking_money_not_negative"),
            models.CheckConstraint(condition=models.Q(status__in=BOOKING_STATUSES), name="booking_status_valid"),
        ]
        # One index per search filter; each leads with company so tenants never scan each other,
        # and ends with (sort column, id) so a keyset page is a range scan with no sort step.
        indexes = [
            models.Index(fields=["company", "created_ms", "id"], name="booking_company_created"),
            models.Index(fields=["company", "status", "created_ms", "id"], name="booking_company_status"),
            models.Index(fields=["company", "start_ms", "id"], name="booking_company_start"),
            models.Index(fields=["company", "end_ms", "id"], name="booking_company_end"),
            models.Index(fields=["company", "total", "id"], name="booking_company_total"),
            models.Index(fields=["company", "location", "created_ms", "id"], name="booking_company_location"),
            # The front desk's list: one location's bookings of one status by pickup time (bench/ showed
            # 200 ms at 1M bookings without it, from sorting the whole location).
            models.Index(fields=["company", "location", "status", "start_ms", "id"], name="booking_loc_status_start"),
            models.Index(fields=["company", "customer", "created_ms", "id"], name="booking_company_customer"),
            # The longest booking of a company in one index probe: it turns the overlap filter
            # (start < to, end > from) into a bounded start range (lockii.bookings.search).
            models.Index(models.F("company"), models.F("end_ms") - models.F("start_ms"),
                         name="booking_company_duration"),
        ]


class OrderLine(models.Model):
    """One stock unit reserved for a window. ``released`` lines (cancelled) no longer hold the unit.

    No two unreleased lines of one stock unit may overlap: SQLite serialises writers (IMMEDIATE
    transactions) and PostgreSQL enforces it with an exclusion constraint (migration 0002).
    """

    id = PrefixedIdField("line")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="lines")
    # Single-column indexes would duplicate the composite ones below, which lead with these columns.
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="lines", db_index=False)
    stock = models.ForeignKey("catalogue.StockUnit", on_delete=models.PROTECT, related_name="lines", db_index=False)
    start_ms = models.BigIntegerField()
    end_ms = models.BigIntegerField()
    price = models.BigIntegerField(default=0)
    released = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(end_ms__gt=models.F("start_ms")), name="line_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["stock", "start_ms", "end_ms"], name="line_stock_window"),
            models.Index(fields=["product", "booking"], name="line_product_booking"),
        ]


class ChangeRequest(models.Model):
    TYPES = ("extend", "reschedule", "change_location", "change_items", "cancel")
    STATUSES = ("pending", "approved", "rejected", "applied")

    id = PrefixedIdField("change")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="change_requests")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="change_requests")
    type = models.CharField(max_length=20, choices=[(t, t) for t in TYPES])
    requested = models.JSONField(default=dict)
    price_difference = models.BigIntegerField(default=0, help_text="cents; negative is money back")
    status = models.CharField(max_length=16, choices=[(s, s) for s in STATUSES], default="pending")
    decided_by = models.CharField(max_length=64, blank=True)
    decided_ms = models.BigIntegerField(null=True, blank=True)
    created_ms = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["company", "status", "created_ms"], name="change_company_status")]
