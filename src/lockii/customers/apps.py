from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "lockii.customers"
    label = "customers"
