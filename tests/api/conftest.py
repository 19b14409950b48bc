from tests.bookings.shop import shop  # noqa: F401  (fixture)
