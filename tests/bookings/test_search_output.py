"""What each listed booking carries, and a constant number of queries per page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bookings.shop import booking_with_lines, get, owner_of, run
from tests.factories import DAY


def test_listed_booking_shape(shop, api):
    r = get(api, "/api/v1/booking", shop.key_a, ids=[shop.bk["B4"].id])
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    [b] = r.json()
    b4 = shop.bk["B4"]
    assert set(b) == {"id", "status", "overdue", "start", "end", "total", "paid", "refunded", "currency", "couponCode",
                      "notes", "lockCodes", "createdAt", "updatedAt", "customer", "location", "company", "orderLines"}
    assert b["customer"] == {"id": shop.k2.id, "firstName": "Alan", "lastName": "Turing", "email": shop.k2.email,
                             "phone": "", "verificationStatus": "unverified", "blocked": False}
    assert b["company"] == {"id": shop.a.id, "name": "Alpha Hire", "currency": "EUR"}
    assert b["location"]["id"] == shop.l1.id
    assert (b["createdAt"], b["updatedAt"]) == (b4.created_ms, b4.updated_ms)
    assert b["lockCodes"] == {shop.s1.id: "1234", shop.s2.id: "1234"}  # staff always see them
    lines = sorted(b["orderLines"], key=lambda x: x["stock"]["label"])
    assert lines[0]["product"] == {"id": shop.p1.id, "name": "Box trailer", "categoryID": shop.c1.id}
    assert lines[0]["stock"] == {"id": shop.s1.id, "label": "Trailer ABC123", "locationID": shop.l1.id,
                                 "status": "available"}
    assert (lines[0]["start"], lines[0]["end"], lines[0]["price"], lines[0]["released"]) == (
        b4.start_ms, b4.end_ms, 3750, False)
    assert lines[1]["product"]["id"] == shop.p2.id


def test_empty_result_is_an_empty_array_without_cursor(shop, api):
    r = get(api, "/api/v1/booking", shop.key_a, status="returned", locationID=shop.l1.id)
    assert r.status_code == 200 and r.json() == [] and "X-Next-Cursor" not in r


def test_queries_per_page_do_not_grow_with_page_size(shop):
    owner = owner_of(shop.a)
    with CaptureQueriesContext(connection) as few:
        assert len(run("search_bookings", owner, limit=2).items) == 2
    for i in range(40):
        booking_with_lines(shop.a, location=shop.l1 if i % 2 else shop.l2, customer=shop.k1 if i % 3 else shop.k2,
                           start=shop.now + i * DAY, end=shop.now + i * DAY + 1, status="cancelled", total=i,
                           created=shop.now + i, stocks=[shop.s1, shop.s3])
    with CaptureQueriesContext(connection) as many:
        assert len(run("search_bookings", owner, limit=45).items) == 45
    assert len(many) == len(few) == 5  # bookings, company, customers, locations, lines with products and units


def test_query_count_with_every_filter(shop):
    owner = owner_of(shop.a)
    params = dict(status=["active", "overdue"], dateRange={"from": 0}, createdAt={"from": 0}, price={"min": 0},
                  productID=shop.p1.id, customerID=shop.k2.id, locationID=shop.l1.id, endingAfter=0)
    with CaptureQueriesContext(connection) as ctx:
        assert len(run("search_bookings", owner, **params).items) == 1
    # + the longest-booking probe (dateRange) and the line-count probe (line filters)
    assert len(ctx) == 7
