"""Locations, categories, pricing templates, products and stock units."""

from __future__ import annotations

from django.db import models

from lockii.ids import PrefixedIdField

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Location(models.Model):
    """A pickup/return site. ``opening_hours`` maps weekday → {"open": "08:00", "close": "18:00"} or None (closed)."""

    id = PrefixedIdField("location")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=400, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    opening_hours = models.JSONField(default=dict)
    access_details = models.TextField(blank=True)
    access_lock_id = models.CharField(max_length=100, blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["company", "name"])]


class Category(models.Model):
    id = PrefixedIdField("category")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="category_name_unique")]


class PricingTemplate(models.Model):
    """Rates in cents per unit; a window costs the cheapest mix of whole units covering it."""

    id = PrefixedIdField("pricing")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="pricing_templates")
    name = models.CharField(max_length=200)
    hour_rate = models.PositiveIntegerField(null=True, blank=True)
    day_rate = models.PositiveIntegerField(null=True, blank=True)
    week_rate = models.PositiveIntegerField(null=True, blank=True)
    minimum_minutes = models.PositiveIntegerField(default=60)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hour_rate__isnull=False) | models.Q(day_rate__isnull=False)
                | models.Q(week_rate__isnull=False),
                name="pricing_has_a_rate",
            )
        ]


class Product(models.Model):
    id = PrefixedIdField("product")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    pricing_template = models.ForeignKey(PricingTemplate, on_delete=models.PROTECT, related_name="products")
    public = models.BooleanField(default=True)
    images = models.JSONField(default=list)
    archived = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["company", "name"])]


class StockUnit(models.Model):
    STATUS_CHOICES = [("available", "Available"), ("maintenance", "Maintenance"), ("retired", "Retired")]

    id = PrefixedIdField("stock")
    company = models.ForeignKey("identity.Company", on_delete=models.CASCADE, related_name="stock_units")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_units")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_units")
    label = models.CharField(max_length=200)
    lock_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default="available")

    class Meta:
        indexes = [models.Index(fields=["company", "location", "product"])]
