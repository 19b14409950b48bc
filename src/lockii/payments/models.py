"""Payments and refunds, in cents. Refunds of a payment never exceed its amount."""

from __future__ import annotations

from django.db import models

from lockii.ids import PrefixedIdField


class Payment(models.Model):
    STATUSES = ("pending", "succeeded", "failed")

    id = PrefixedIdField("payment")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="payments")
    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField()
    refunded = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=[(s, s) for s in STATUSES], default="pending")
    method = models.CharField(max_length=32, default="ledger")
    provider_ref = models.CharField(max_length=200, blank=True)
    created_ms = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=models.Q(refunded__gte=0, refunded__lte=models.F("amount")),
                                   name="payment_refunds_within_amount"),
        ]
        indexes = [models.Index(fields=["company", "created_ms"], name="payment_company_created")]


class Refund(models.Model):
    id = PrefixedIdField("refund")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=400, blank=True)
    created_by = models.CharField(max_length=64)
    created_ms = models.BigIntegerField()
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(fields=["payment", "idempotency_key"], name="refund_idempotency_unique"),
        ]
