"""The one helper every query goes through: rows of the caller's company and locations only.

Each model names the path to its company and to the location that limits visibility (None when
the model is company-wide, such as customers and the catalogue). A model missing from SCOPES cannot
be queried through here at all, so a new model cannot silently skip scoping.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from lockii.errors import NotFound
from lockii.identity.principal import Principal


def _scopes() -> dict[type[Model], tuple[str, str | None]]:
    from lockii.audit.models import AuditEvent
    from lockii.bookings.models import Booking, ChangeRequest, OrderLine
    from lockii.catalogue.models import Category, Location, PricingTemplate, Product, StockUnit
    from lockii.customers.models import Customer
    from lockii.identity.models import ApiKey, User
    from lockii.payments.models import Payment, Refund

    return {
        Booking: ("company_id", "location_id"),
        OrderLine: ("booking__company_id", "booking__location_id"),
        ChangeRequest: ("company_id", "booking__location_id"),
        Payment: ("company_id", "booking__location_id"),
        Refund: ("payment__company_id", "payment__booking__location_id"),
        Location: ("company_id", "id"),
        StockUnit: ("company_id", "location_id"),
        Product: ("company_id", None),
        Category: ("company_id", None),
        PricingTemplate: ("company_id", None),
        Customer: ("company_id", None),
        User: ("company_id", None),
        ApiKey: ("company_id", None),
        AuditEvent: ("company_id", None),
    }


_SCOPES: dict[type[Model], tuple[str, str | None]] | None = None


def scoped(principal: Principal, model: type[Model] | QuerySet) -> QuerySet:
    """``model``'s rows that ``principal`` may see: its company, and its locations where that applies."""
    global _SCOPES
    if _SCOPES is None:
        _SCOPES = _scopes()
    qs = model if isinstance(model, QuerySet) else model._default_manager.all()
    company_path, location_path = _SCOPES[qs.model]
    qs = qs.filter(**{company_path: principal.company_id})
    if location_path is not None and principal.location_ids is not None:
        qs = qs.filter(**{f"{location_path}__in": principal.location_ids})
    return qs


def get_scoped(principal: Principal, model: type[Model] | QuerySet, object_id: str, *, what: str = "") -> Model:
    """One visible row by id, or NotFound: another company's or location's row looks absent (never 403)."""
    qs = scoped(principal, model)
    try:
        return qs.get(pk=object_id)
    except qs.model.DoesNotExist:
        noun = what or qs.model._meta.verbose_name
        raise NotFound(f"No {noun} with id '{object_id}'.", id=object_id) from None
