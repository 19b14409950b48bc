"""Booking actions: search_bookings, get_booking."""

from __future__ import annotations

from django.db.models import Prefetch

from lockii.actions.registry import Page, action
from lockii.audit.models import AuditEvent
from lockii.bookings import cursor as cursors
from lockii.bookings.models import Booking, ChangeRequest
from lockii.bookings.schemas import BookingDetailOut, BookingOut, GetBookingInput, SearchBookingsInput
from lockii.bookings.related import load_related
from lockii.bookings.search import filtered, ordered_page, sort_column
from lockii.bookings.serialize import booking_detail_out, booking_out
from lockii.clock import now_ms
from lockii.errors import NotFound
from lockii.identity.principal import Principal
from lockii.identity.scoping import get_scoped, scoped
from lockii.ids import is_valid
from lockii.payments.models import Payment, Refund

# A booking's audit trail is short; the cap only bounds a pathological one (newest kept).
TIMELINE_LIMIT = 500


@action(name="search_bookings", method="GET", path="/booking", input=SearchBookingsInput, output=BookingOut,
        permission="booking:read", paged=True, tags=("bookings",))
def search_bookings(principal: Principal, params: SearchBookingsInput) -> Page[BookingOut]:
    """Search bookings (orders) with filters; newest first by default, paged with an opaque cursor.

    Each booking comes with its customer, location, company (currency) and order lines (product,
    stock unit, reservation window, price). Times are Unix milliseconds (UTC); money is integer
    cents, except the `price` filter, which takes WHOLE currency units. Filters combine with AND; a
    list given to one filter matches any of its values. `status` accepts 'overdue' (active and past
    its end). `dateRange` matches bookings whose window overlaps it. Order-line filters
    (`productID`, `stockID`, `categoryID`) must all hold for one and the same line. To get the next
    page, repeat the same filters and sort with `cursor` set to the previous page's cursor; the
    walk stays stable while new bookings are created. Only bookings of the caller's company and
    locations are ever returned.
    """
    query = params.model_dump(mode="json", by_alias=True, exclude={"limit", "cursor"})
    fingerprint = cursors.fingerprint(query)
    after = cursors.decode(params.cursor, fingerprint) if params.cursor else None
    # 'overdue' is judged against the first page's clock so the set does not drift mid-walk.
    now = after.now_ms if after else now_ms()
    qs = ordered_page(filtered(principal, params, now), params.sort, after)
    rows = list(qs[: params.limit + 1])
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        column, _ = sort_column(params.sort)
        last = rows[-1]
        next_cursor = cursors.encode(cursors.Position(getattr(last, column), last.id, now), fingerprint)
    # Output uses the real clock; only the filter is pinned.
    rel, shown_now = load_related(principal, rows), now_ms()
    return Page(items=[booking_out(b, rel, shown_now) for b in rows], next_cursor=next_cursor)


@action(name="get_booking", method="GET", path="/booking/{id}", input=GetBookingInput, output=BookingDetailOut,
        permission="booking:read", tags=("bookings",))
def get_booking(principal: Principal, params: GetBookingInput) -> BookingDetailOut:
    """Get one booking with everything about it.

    Returns the customer, location, order lines (product, stock unit and the reservation each line
    holds), payments with their refunds (when the caller has payment:read), change requests and the
    audit timeline (who did what to the booking, its payments and change requests, oldest first).
    Times are Unix milliseconds (UTC); money is integer cents. A booking of another company or of a
    location the caller may not see is reported as not found.
    """
    if not is_valid(params.id, "booking"):  # never reaches the database (NUL bytes, odd lengths)
        raise NotFound(f"No booking with id '{params.id[:80]}'.", id=params.id[:80])
    booking = get_scoped(principal, Booking, params.id, what="booking")
    payments = None
    refund_ids: list[str] = []
    if principal.has("payment:read"):
        refunds = Refund.objects.order_by("created_ms", "id")
        payments = list(scoped(principal, Payment).filter(booking=booking).order_by("created_ms", "id")
                        .prefetch_related(Prefetch("refunds", queryset=refunds)))
        refund_ids = [r.id for p in payments for r in p.refunds.all()]
    changes = list(scoped(principal, ChangeRequest).filter(booking=booking).order_by("created_ms", "id"))
    targets = [booking.id, *(c.id for c in changes), *(p.id for p in payments or []), *refund_ids]
    newest = scoped(principal, AuditEvent).filter(target_id__in=targets).order_by("-at_ms", "-id")
    events = list(newest[:TIMELINE_LIMIT])[::-1]
    rel = load_related(principal, [booking])
    return booking_detail_out(booking, rel, now_ms(), payments=payments, changes=changes, events=events)
