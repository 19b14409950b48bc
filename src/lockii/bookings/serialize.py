"""Rows to wire models, from rows and their loaded relations (no queries here)."""

from __future__ import annotations

from lockii.audit.models import AuditEvent
from lockii.bookings.models import Booking, ChangeRequest, OrderLine
from lockii.bookings.related import Related
from lockii.bookings.schemas import (
    AuditEventOut, BookingDetailOut, BookingLineOut, BookingOut, ChangeRequestOut, CompanyRef, CustomerRef,
    LocationRef, OrderLineOut, PaymentOut, ProductRef, RefundOut, ReservationOut, StockRef,
)
from lockii.payments.models import Payment


def line_out(line: OrderLine) -> dict:
    p, s = line.product, line.stock
    return dict(
        id=line.id,
        product=ProductRef(id=p.id, name=p.name, categoryID=p.category_id),
        stock=StockRef(id=s.id, label=s.label, locationID=s.location_id, status=s.status),
        start=line.start_ms, end=line.end_ms, price=line.price, released=line.released,
    )


def _booking_fields(b: Booking, rel: Related, now_ms: int) -> dict:
    c, loc, co = rel.customers[b.customer_id], rel.locations[b.location_id], rel.company
    return dict(
        id=b.id, status=b.status, overdue=b.status == "active" and b.end_ms < now_ms,
        start=b.start_ms, end=b.end_ms, total=b.total, paid=b.paid, refunded=b.refunded,
        currency=co.currency, couponCode=b.coupon_code, notes=b.notes, lockCodes=b.lock_codes or {},
        createdAt=b.created_ms, updatedAt=b.updated_ms,
        customer=CustomerRef(id=c.id, firstName=c.first_name, lastName=c.last_name, email=c.email, phone=c.phone,
                             verificationStatus=c.verification_status, blocked=c.blocked),
        location=LocationRef(id=loc.id, name=loc.name, address=loc.address),
        company=CompanyRef(id=co.id, name=co.name, currency=co.currency),
    )


def booking_out(b: Booking, rel: Related, now_ms: int) -> BookingOut:
    lines = [OrderLineOut(**line_out(x)) for x in rel.lines.get(b.id, [])]
    return BookingOut(**_booking_fields(b, rel, now_ms), orderLines=lines)


def payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(
        id=p.id, amount=p.amount, refunded=p.refunded, status=p.status, method=p.method,
        providerRef=p.provider_ref, createdAt=p.created_ms,
        refunds=[RefundOut(id=r.id, amount=r.amount, reason=r.reason, createdBy=r.created_by,
                           createdAt=r.created_ms) for r in p.refunds.all()],
    )


def change_out(cr: ChangeRequest) -> ChangeRequestOut:
    return ChangeRequestOut(
        id=cr.id, type=cr.type, status=cr.status, requested=cr.requested or {},
        priceDifference=cr.price_difference, decidedBy=cr.decided_by, decidedAt=cr.decided_ms,
        createdAt=cr.created_ms,
    )


def event_out(e: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=e.id, at=e.at_ms, action=e.action, actorType=e.actor_type, actorID=e.actor_id,
        viaClient=e.via_client, targetType=e.target_type, targetID=e.target_id, result=e.result,
        detail=e.detail or {},
    )


def booking_detail_out(b: Booking, rel: Related, now_ms: int, *, payments: list[Payment] | None,
                       changes: list[ChangeRequest], events: list[AuditEvent]) -> BookingDetailOut:
    lines = []
    for x in rel.lines.get(b.id, []):
        fields = line_out(x)
        reservation = ReservationOut(stockID=x.stock_id, start=x.start_ms, end=x.end_ms, held=not x.released)
        lines.append(BookingLineOut(**fields, reservation=reservation))
    return BookingDetailOut(
        **_booking_fields(b, rel, now_ms), orderLines=lines,
        payments=None if payments is None else [payment_out(p) for p in payments],
        changeRequests=[change_out(c) for c in changes],
        timeline=[event_out(e) for e in events],
    )
