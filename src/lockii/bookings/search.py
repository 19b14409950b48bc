"""Booking search: filters, sort orders and keyset pages over the caller's scoped bookings.

Every sort is (column, id) in one direction, matching an index that leads with company
(``Booking.Meta.indexes``), so a page is an index range scan of ``limit + 1`` rows whatever the
table size. Pages continue from a (value, id) position rather than an offset, so rows inserted
while a client walks the pages never shift, repeat or hide the rows it has not reached yet.
"""

from __future__ import annotations

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.lookups import LessThan

from lockii.bookings.cursor import Position
from lockii.bookings.models import Booking, OrderLine
from lockii.bookings.schemas import SearchBookingsInput
from lockii.identity.principal import Principal
from lockii.identity.scoping import scoped

# Wire sort key → column. A leading "-" on the wire means descending.
SORT_COLUMNS = {"createdAt": "created_ms", "start": "start_ms", "end": "end_ms", "price": "total"}
CENTS_PER_UNIT = 100
# Up to this many matching order lines, the bookings are fetched by id; beyond it, the sort index
# is walked and each booking checked, which then finds a page within a few rows.
LINE_PROBE = 5000


def status_q(statuses: list[str], now_ms: int) -> Q:
    """Any of ``statuses``; 'overdue' is an active booking whose end has passed at ``now_ms``."""
    q = Q()
    plain = [s for s in statuses if s != "overdue"]
    if plain:
        q |= Q(status__in=plain)
    if "overdue" in statuses:
        # "end_ms + 0" keeps the end index out of it: without ANALYZE statistics SQLite preferred
        # that range (most of the table) to the (company, status, created_ms, id) index, 10 s at 1M.
        q |= Q(status="active") & Q(LessThan(F("end_ms") + 0, now_ms))
    return q


def _line_filter(params: SearchBookingsInput) -> dict:
    """Conditions one order line must meet together (product, stock, category)."""
    conditions = {}
    if params.productID:
        conditions["product_id__in"] = params.productID
    if params.stockID:
        conditions["stock_id__in"] = params.stockID
    if params.categoryID:
        conditions["product__category_id__in"] = params.categoryID
    return conditions


def filtered(principal: Principal, params: SearchBookingsInput, now_ms: int) -> QuerySet:
    """The caller's visible bookings matching every filter in ``params`` (no order yet)."""
    qs = scoped(principal, Booking)
    if params.status:
        qs = qs.filter(status_q(params.status, now_ms))
    if params.dateRange:  # overlap: the booking's window intersects [from, to)
        if params.dateRange.from_ is not None:
            qs = qs.filter(end_ms__gt=params.dateRange.from_)
            longest = _longest_booking_ms(principal)
            if longest is not None:
                # Implied by end > from since no booking lasts longer than ``longest``; it gives
                # the planner a bounded range on the start index instead of half the table.
                qs = qs.filter(start_ms__gt=params.dateRange.from_ - longest)
        if params.dateRange.to is not None:
            qs = qs.filter(start_ms__lt=params.dateRange.to)
    if params.createdAt:
        if params.createdAt.from_ is not None:
            qs = qs.filter(created_ms__gte=params.createdAt.from_)
        if params.createdAt.to is not None:
            qs = qs.filter(created_ms__lt=params.createdAt.to)
    if params.price:  # whole currency units on the wire, cents in the table
        if params.price.min is not None:
            qs = qs.filter(total__gte=params.price.min * CENTS_PER_UNIT)
        if params.price.max is not None:
            qs = qs.filter(total__lte=params.price.max * CENTS_PER_UNIT)
    if params.locationID:
        qs = qs.filter(location_id__in=params.locationID)
    if params.customerID:
        qs = qs.filter(customer_id__in=params.customerID)
    if params.endingAfter is not None:
        qs = qs.filter(end_ms__gt=params.endingAfter)
    if params.ids:
        qs = qs.filter(pk__in=params.ids)
    line_filter = _line_filter(params)
    if line_filter:
        qs = qs.filter(_lines_match(line_filter))
    return qs


def _longest_booking_ms(principal: Principal) -> int | None:
    """The longest window of the company's bookings (one probe of booking_company_duration).

    Company-wide rather than scoped() to the caller's locations on purpose: it is only a bound on
    the filter, never shown, and a location condition would turn the one-entry probe into a scan.
    """
    duration = F("end_ms") - F("start_ms")
    return Booking.objects.filter(company_id=principal.company_id).aggregate(m=Max(duration))["m"]


def _lines_match(line_filter: dict) -> Q:
    """Bookings with a line meeting ``line_filter``, as whichever condition is cheap for its size.

    The line queries only narrow the outer query, which scoped() already limited to the caller's
    company and locations; scoping them again would add a join and no safety.
    """
    lines = OrderLine.objects.filter(**line_filter)
    if lines[: LINE_PROBE + 1].count() <= LINE_PROBE:
        # Few matches: fetch them by id and sort them (cost bounded by LINE_PROBE).
        return Q(pk__in=lines.values("booking_id"))
    # Many matches: walk the sort index and keep bookings that have such a line; with at least
    # LINE_PROBE of them a page is found long before the walk gets expensive.
    return Q(Exists(lines.filter(booking_id=OuterRef("pk"))))


def sort_column(sort: str) -> tuple[str, bool]:
    """(column, descending) of a wire sort key such as '-createdAt'."""
    descending = sort.startswith("-")
    return SORT_COLUMNS[sort.lstrip("-")], descending


def ordered_page(qs: QuerySet, sort: str, after: Position | None) -> QuerySet:
    """``qs`` in (column, id) order, starting strictly after ``after``."""
    column, descending = sort_column(sort)
    if after is not None:
        # "column <= v" alone bounds the index range; the OR then drops the rows up to and
        # including the last one seen. Written this way rather than as a row-value comparison
        # so both SQLite and PostgreSQL plan it as a range scan of the (company, column, id) index.
        if descending:
            qs = qs.filter(Q(**{f"{column}__lte": after.value})
                           & (Q(**{f"{column}__lt": after.value}) | Q(pk__lt=after.id)))
        else:
            qs = qs.filter(Q(**{f"{column}__gte": after.value})
                           & (Q(**{f"{column}__gt": after.value}) | Q(pk__gt=after.id)))
    sign = "-" if descending else ""
    return qs.order_by(f"{sign}{column}", f"{sign}pk")

