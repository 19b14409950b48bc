from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "lockii.identity"
    label = "identity"
