from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lockii.audit"
    label = "audit"
