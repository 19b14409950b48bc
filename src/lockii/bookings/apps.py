from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "lockii.bookings"
    label = "bookings"
