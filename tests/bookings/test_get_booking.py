"""get_booking: the booking with customer, location, lines, payments, change requests and timeline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lockii.audit.models import AuditEvent
from lockii.bookings.models import ChangeRequest
from lockii.identity.principal import Principal
from lockii.payments.models import Payment, Refund
from tests.bookings.shop import owner_of, run
from tests.factories import HOUR


@pytest.fixture
def history(shop):
    """Payments, refunds, change requests and audit events around B4."""
    b4 = shop.bk["B4"]
    t = shop.now
    p1 = Payment.objects.create(company=shop.a, booking=b4, amount=7500, refunded=2000, status="succeeded",
                                provider_ref="ledger-1", created_ms=t - 2 * HOUR)
    p2 = Payment.objects.create(company=shop.a, booking=b4, amount=500, status="failed", created_ms=t - HOUR)
    r1 = Refund.objects.create(payment=p1, amount=1500, reason="late pickup", created_by="user_x", created_ms=t - 50)
    r2 = Refund.objects.create(payment=p1, amount=500, reason="dent", created_by="user_x", created_ms=t - 40)
    cr = ChangeRequest.objects.create(company=shop.a, booking=b4, type="extend", requested={"end": t + HOUR},
                                      price_difference=1200, status="approved", decided_by="user_y",
                                      decided_ms=t - 30, created_ms=t - 60)

    def event(at, action, target_type, target_id, company=shop.a):
        return AuditEvent.objects.create(company=company, actor_type="user", actor_id="user_x", action=action,
                                         target_type=target_type, target_id=target_id, at_ms=at,
                                         detail={"n": at})
    events = [
        event(t - 100, "booking.create", "booking", b4.id),
        event(t - 90, "payment.succeeded", "payment", p1.id),
        event(t - 60, "change.create", "change", cr.id),
        event(t - 50, "refund.create", "refund", r1.id),
        event(t - 20, "booking.pickup", "booking", b4.id),
    ]
    # Noise: another booking's event, and another company's event naming B4's id.
    event(t - 10, "booking.create", "booking", shop.bk["B1"].id)
    event(t - 5, "booking.create", "booking", b4.id, company=shop.b)
    return dict(booking=b4, payments=[p1, p2], refunds=[r1, r2], change=cr, events=events)


def test_detail_over_rest(shop, history, api):
    b4 = history["booking"]
    r = api.get(f"/api/v1/booking/{b4.id}", HTTP_X_API_KEY=shop.key_a)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == b4.id
    assert body["status"] == "active" and body["overdue"] is True
    assert (body["start"], body["end"], body["total"], body["currency"]) == (b4.start_ms, b4.end_ms, 7500, "EUR")
    assert body["customer"]["id"] == shop.k2.id and body["customer"]["lastName"] == "Turing"
    assert body["location"] == {"id": shop.l1.id, "name": "Alpha North", "address": ""}
    assert body["company"]["id"] == shop.a.id
    assert body["lockCodes"] == {shop.s1.id: "1234", shop.s2.id: "1234"}
    lines = body["orderLines"]
    assert {line["stock"]["id"] for line in lines} == {shop.s1.id, shop.s2.id}
    for line in lines:
        assert line["reservation"] == {"stockID": line["stock"]["id"], "start": b4.start_ms, "end": b4.end_ms,
                                       "held": True}
        assert line["product"]["name"] in {"Box trailer", "Car trailer"}
        assert line["stock"]["label"].startswith("Trailer")
    payments = body["payments"]
    assert [p["id"] for p in payments] == [p.id for p in history["payments"]]
    assert [r["id"] for r in payments[0]["refunds"]] == [r.id for r in history["refunds"]]
    assert payments[0]["refunds"][0] == {"id": history["refunds"][0].id, "amount": 1500, "reason": "late pickup",
                                         "createdBy": "user_x", "createdAt": shop.now - 50}
    assert payments[1]["refunds"] == [] and payments[1]["status"] == "failed"
    assert body["changeRequests"] == [{
        "id": history["change"].id, "type": "extend", "status": "approved", "requested": {"end": shop.now + HOUR},
        "priceDifference": 1200, "decidedBy": "user_y", "decidedAt": shop.now - 30, "createdAt": shop.now - 60}]
    assert [e["id"] for e in body["timeline"]] == [e.id for e in history["events"]]
    assert body["timeline"][0]["action"] == "booking.create"
    assert body["timeline"][0]["detail"] == {"n": shop.now - 100}


def test_released_lines_hold_nothing(shop):
    b6 = run("get_booking", owner_of(shop.a), id=shop.bk["B6"].id)
    assert [(line.released, line.reservation.held) for line in b6.orderLines] == [(True, False)]
    assert b6.payments == [] and b6.changeRequests == [] and b6.timeline == []


def test_payments_need_payment_read(shop, history):
    no_payments = Principal(company_id=shop.a.id, role="custom", permissions=frozenset({"booking:read"}),
                            location_ids=None)
    detail = run("get_booking", no_payments, id=history["booking"].id)
    assert detail.payments is None
    # Payment and refund events are left out with the payments; the booking's own stay.
    assert [e.action for e in detail.timeline] == ["booking.create", "change.create", "booking.pickup"]


def test_timeline_keeps_the_newest_events_when_capped(shop, history, monkeypatch):
    from lockii.bookings import actions
    monkeypatch.setattr(actions, "TIMELINE_LIMIT", 2)
    detail = run("get_booking", owner_of(shop.a), id=history["booking"].id)
    assert [e.id for e in detail.timeline] == [e.id for e in history["events"][-2:]]


def test_get_booking_query_count_does_not_grow_with_history(shop, history):
    owner, b4 = owner_of(shop.a), history["booking"]
    with CaptureQueriesContext(connection) as before:
        run("get_booking", owner, id=b4.id)
    for i in range(5):
        p = Payment.objects.create(company=shop.a, booking=b4, amount=100, status="succeeded", created_ms=shop.now + i)
        Refund.objects.create(payment=p, amount=10, created_by="user_x", created_ms=shop.now + i)
        ChangeRequest.objects.create(company=shop.a, booking=b4, type="cancel", created_ms=shop.now + i)
        AuditEvent.objects.create(company=shop.a, actor_type="user", actor_id="u", action="payment.create",
                                  target_type="payment", target_id=p.id, at_ms=shop.now + i)
    with CaptureQueriesContext(connection) as after:
        detail = run("get_booking", owner, id=b4.id)
    assert len(detail.payments) == 7 and len(detail.timeline) == 10
    assert len(after) == len(before) <= 9
