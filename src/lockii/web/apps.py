from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lockii.web"
    label = "web"
