from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "lockii.payments"
    label = "payments"
