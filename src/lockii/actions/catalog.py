"""Every module that declares actions. Importing this module fills the registry."""

from lockii.bookings import actions as _bookings  # noqa: F401
from lockii.identity import actions as _identity  # noqa: F401
