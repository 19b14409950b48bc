from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "lockii.catalogue"
    label = "catalogue"
