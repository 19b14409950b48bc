"""Wire models of the booking actions.

The input models are also the MCP tools' input schemas, so every field says its unit (ms, cents,
whole currency units) and its exact semantics. Wire names are camelCase as the public API spells them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from lockii import jsontext
from lockii.ids import is_valid

# Unix ms up to the year 9999: keeps every comparison inside a 64-bit column.
MAX_MS = 253_402_300_799_999
# Whole currency units; ×100 still fits a 64-bit cents column.
MAX_UNITS = 10**15
MAX_IDS = 100

StatusFilter = Literal["pending", "confirmed", "active", "returned", "cancelled", "overdue"]
SortKey = Literal["-createdAt", "createdAt", "-start", "start", "-end", "end", "-price", "price"]


def _not_a_boolean(value: Any) -> Any:
    # JSON true/false are not numbers, though pydantic's lax mode would read true as 1.
    if isinstance(value, bool):
        raise ValueError("Input should be a number, not true or false")
    return value


def whole(low: int, high: int) -> Any:
    """An integer in [low, high], never a boolean. The bounds come before the validator so that
    they reach JSON Schema as minimum/maximum (after it, pydantic would emit bare ge/le)."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_not_a_boolean)]


Ms = Annotated[whole(0, MAX_MS), Field(description="Unix time in milliseconds (UTC)")]
Units = whole(0, MAX_UNITS)


def _from_json_string(value: Any) -> Any:
    """Accept nested values sent as JSON strings (the REST convention) on every surface."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return jsontext.loads(value)
        except jsontext.DuplicateKey as exc:
            raise ValueError(f"not valid JSON: {exc.msg}") from None
        except ValueError:
            raise ValueError("not valid JSON") from None
    return value


def _as_list(value: Any) -> Any:
    """A single value means a one-element list."""
    value = _from_json_string(value)
    return value if isinstance(value, list) else [value]


def _ids_of(prefix: str):
    def check(values: list[str]) -> list[str]:
        bad = [v for v in values if not is_valid(v, prefix)]
        if bad:
            raise ValueError(f"not a {prefix} id ({prefix}_<uuidv7>): {', '.join(repr(b) for b in bad[:3])}")
        return list(dict.fromkeys(values))  # duplicates change nothing

    return check


def one_or_many(item_schema: dict, *, prefix: str | None = None, max_items: int = MAX_IDS, item_type=str):
    """A filter taking one value or a JSON array of values (matched with OR)."""
    validators = [AfterValidator(_ids_of(prefix))] if prefix else []
    return Annotated[
        list[item_type], BeforeValidator(_as_list), Field(min_length=1, max_length=max_items), *validators,
        WithJsonSchema({"anyOf": [item_schema, {"type": "array", "items": item_schema, "minItems": 1,
                                                "maxItems": max_items}]}),
    ]


def _id_schema(prefix: str) -> dict:
    return {"type": "string", "pattern": f"^{prefix}_[0-9a-f-]{{36}}$",
            "examples": [f"{prefix}_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f"]}


_STATUS_SCHEMA = {"type": "string", "enum": list(StatusFilter.__args__)}


class MsRange(BaseModel):
    """A time window in Unix ms; either end may be omitted (open-ended)."""

    model_config = ConfigDict(extra="forbid")

    from_: Ms | None = Field(None, alias="from", description="Unix ms (UTC)")
    to: Ms | None = Field(None, description="Unix ms (UTC); must be greater than 'from'")

    @model_validator(mode="after")
    def _ordered(self) -> "MsRange":
        if self.from_ is None and self.to is None:
            raise ValueError("give 'from', 'to' or both")
        if self.from_ is not None and self.to is not None and self.to <= self.from_:
            raise ValueError("'to' must be greater than 'from'")
        return self


class PriceRange(BaseModel):
    """Bounds on the booking total in WHOLE currency units (not cents), both inclusive."""

    model_config = ConfigDict(extra="forbid")

    min: Units | None = Field(None, description="whole currency units, inclusive (10 means 10.00)")
    max: Units | None = Field(None, description="whole currency units, inclusive (10 means 10.00)")

    @model_validator(mode="after")
    def _ordered(self) -> "PriceRange":
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("'max' must not be less than 'min'")
        return self


JsonRange = Annotated[MsRange | None, BeforeValidator(_from_json_string)]
JsonPrice = Annotated[PriceRange | None, BeforeValidator(_from_json_string)]


class SearchBookingsInput(BaseModel):
    """Filters of search_bookings. All filters combine with AND; a list inside one filter means OR."""

    model_config = ConfigDict(extra="forbid")

    status: one_or_many(_STATUS_SCHEMA, item_type=StatusFilter, max_items=6) | None = Field(
        None, description="Booking status, or a JSON array of statuses (any of them). 'overdue' means "
                          "status 'active' whose end is already past.", examples=["active", ["confirmed", "overdue"]])
    limit: whole(1, 500) = Field(50, description="Bookings per page, 1..500. Default 50.")
    sort: SortKey = Field(
        "-createdAt", description="Order of results: createdAt (creation time), start, end or price (the total); "
                                  "a leading '-' means descending. Ties are broken by id. Default '-createdAt' "
                                  "(newest first).")
    dateRange: JsonRange = Field(
        None, description="Bookings whose hire window OVERLAPS this window: start < to and end > from (Unix ms). "
                          'Over REST send JSON, e.g. {"from":1711270800000,"to":1711357200000}.')
    createdAt: JsonRange = Field(
        None, description="Bookings created in [from, to): from inclusive, to exclusive (Unix ms).")
    price: JsonPrice = Field(
        None, description="Booking total between min and max, inclusive, in WHOLE currency units (not cents): "
                          '{"min":10,"max":50} matches totals 1000..5000 cents.')
    productID: one_or_many(_id_schema("product"), prefix="product") | None = Field(
        None, description="Bookings with an order line of this product (or any of these products).")
    stockID: one_or_many(_id_schema("stock"), prefix="stock") | None = Field(
        None, description="Bookings with an order line reserving this stock unit (or any of these).")
    categoryID: one_or_many(_id_schema("category"), prefix="category") | None = Field(
        None, description="Bookings with an order line whose product is in this category (or any of these).")
    locationID: one_or_many(_id_schema("location"), prefix="location") | None = Field(
        None, description="Bookings at this location (or any of these). Locations you may not see match nothing.")
    customerID: one_or_many(_id_schema("customer"), prefix="customer") | None = Field(
        None, description="Bookings of this customer (or any of these customers).")
    endingAfter: Ms | None = Field(
        None, description="Bookings whose end is strictly after this time (Unix ms).", examples=[1711270800000])
    ids: one_or_many(_id_schema("booking"), prefix="booking", max_items=500) | None = Field(
        None, description="Only these bookings (JSON array of booking ids, at most 500).")
    cursor: str | None = Field(
        None, max_length=2000, description="Opaque cursor from the previous page (X-Next-Cursor header over REST, "
                                           "nextCursor in tool results). Send the same filters and sort with it.")


class GetBookingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Booking id (booking_<uuidv7>)", examples=["booking_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f"])


# --- output -----------------------------------------------------------------------------------

class CustomerRef(BaseModel):
    id: str
    firstName: str
    lastName: str
    email: str
    phone: str
    verificationStatus: str = Field(description="unverified, pending or verified")
    blocked: bool


class LocationRef(BaseModel):
    id: str
    name: str
    address: str


class CompanyRef(BaseModel):
    id: str
    name: str
    currency: str = Field(description="ISO 4217 code; all money fields are integer cents of it")


class ProductRef(BaseModel):
    id: str
    name: str
    categoryID: str | None


class StockRef(BaseModel):
    id: str
    label: str = Field(description="what customers see on the unit, e.g. 'Trailer ABC123'")
    locationID: str = Field(description="the unit's home location")
    status: str = Field(description="available, maintenance or retired")


class OrderLineOut(BaseModel):
    id: str
    product: ProductRef
    stock: StockRef
    start: int = Field(description="Unix ms: start of this unit's reservation")
    end: int = Field(description="Unix ms: end of this unit's reservation")
    price: int = Field(description="cents")
    released: bool = Field(description="true when the line no longer holds the unit (cancelled)")


class BookingOut(BaseModel):
    id: str
    status: str = Field(description="pending, confirmed, active, returned or cancelled")
    overdue: bool = Field(description="active and past its end at the time of the request")
    start: int = Field(description="Unix ms")
    end: int = Field(description="Unix ms")
    total: int = Field(description="cents")
    paid: int = Field(description="cents")
    refunded: int = Field(description="cents")
    currency: str = Field(description="the company's ISO 4217 currency")
    couponCode: str
    notes: str
    lockCodes: dict[str, Any] = Field(description="lock and gate codes (shown to staff always)")
    createdAt: int = Field(description="Unix ms")
    updatedAt: int = Field(description="Unix ms")
    customer: CustomerRef
    location: LocationRef
    company: CompanyRef
    orderLines: list[OrderLineOut]


class ReservationOut(BaseModel):
    stockID: str
    start: int = Field(description="Unix ms")
    end: int = Field(description="Unix ms")
    held: bool = Field(description="true while the reservation blocks the unit for this window")


class BookingLineOut(OrderLineOut):
    reservation: ReservationOut


class RefundOut(BaseModel):
    id: str
    amount: int = Field(description="cents")
    reason: str
    createdBy: str
    createdAt: int = Field(description="Unix ms")


class PaymentOut(BaseModel):
    id: str
    amount: int = Field(description="cents")
    refunded: int = Field(description="cents")
    status: str = Field(description="pending, succeeded or failed")
    method: str
    providerRef: str
    createdAt: int = Field(description="Unix ms")
    refunds: list[RefundOut]


class ChangeRequestOut(BaseModel):
    id: str
    type: str = Field(description="extend, reschedule, change_location, change_items or cancel")
    status: str = Field(description="pending, approved, rejected or applied")
    requested: dict[str, Any]
    priceDifference: int = Field(description="cents; negative is money back")
    decidedBy: str
    decidedAt: int | None = Field(description="Unix ms")
    createdAt: int = Field(description="Unix ms")


class AuditEventOut(BaseModel):
    id: str
    at: int = Field(description="Unix ms")
    action: str
    actorType: str = Field(description="user, apikey or system")
    actorID: str
    viaClient: str = Field(description="the OAuth client that acted for the user, if any")
    targetType: str
    targetID: str
    result: str
    detail: dict[str, Any]


class BookingDetailOut(BookingOut):
    orderLines: list[BookingLineOut]
    payments: list[PaymentOut] | None = Field(
        description="payments with their refunds, oldest first; null when the caller lacks payment:read")
    changeRequests: list[ChangeRequestOut] = Field(description="oldest first")
    timeline: list[AuditEventOut] = Field(
        description="audit events about this booking, its payments, refunds and change requests, oldest first")
