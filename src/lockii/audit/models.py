"""Audit events: one row per write, naming who did what to which object."""

from __future__ import annotations

from django.db import models

from lockii.ids import PrefixedIdField


class AuditEvent(models.Model):
    id = PrefixedIdField("audit")
    company = models.ForeignKey("identity.Company", null=True, on_delete=models.CASCADE, related_name="audit_events")
    actor_type = models.CharField(max_length=16)  # user | apikey | oauth_client | system
    actor_id = models.CharField(max_length=200)
    via_client = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=200, blank=True)
    result = models.CharField(max_length=16, default="ok")
    detail = models.JSONField(default=dict)
    at_ms = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["company", "at_ms"], name="audit_company_at"),
            models.Index(fields=["target_id", "at_ms"], name="audit_target_at"),
        ]
