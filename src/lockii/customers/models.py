"""Customers: people who hire equipment. They have no login."""

from __future__ import annotations

from django.db import models

from lockii.ids import PrefixedIdField


class Customer(models.Model):
    VERIFICATION_CHOICES = [("unverified", "Unverified"), ("pending", "Pending"), ("verified", "Verified")]

    id = PrefixedIdField("customer")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="customers")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=400, blank=True)
    notes = models.TextField(blank=True)
    verification_status = models.CharField(max_length=16, choices=VERIFICATION_CHOICES, default="unverified")
    verified_by = models.CharField(max_length=64, blank=True)
    verified_ms = models.BigIntegerField(null=True, blank=True)
    blocked = models.BooleanField(default=False)
    blocked_reason = models.CharField(max_length=400, blank=True)
    blocked_by = models.CharField(max_length=64, blank=True)
    blocked_ms = models.BigIntegerField(null=True, blank=True)
    created_ms = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["company", "last_name", "first_name"]),
            models.Index(fields=["company", "email"]),
        ]
