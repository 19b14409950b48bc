from django.apps import AppConfig


class LockiiConfig(AppConfig):
    """The project package itself is an app so that ``lockii <command>`` finds our commands."""

    name = "lockii"
    verbose_name = "Lockii"
