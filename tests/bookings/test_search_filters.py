"""Each search_bookings filter returns exactly the right bookings (see the table in shop.py)."""

from __future__ import annotations

import pytest

from tests.bookings.shop import get, owner_of, search_ids
from tests.factories import DAY


def names(shop, **raw) -> set[str]:
    return set(shop.names(search_ids(owner_of(shop.a), **raw)))


def test_no_filter_lists_every_booking_of_the_company_newest_first(shop):
    assert shop.names(search_ids(owner_of(shop.a))) == ["B6", "B4", "B3", "B2", "B1", "B5"]


@pytest.mark.parametrize("status, expected", [
    ("confirmed", {"B1"}),
    ("pending", {"B2"}),
    ("active", {"B3", "B4"}),
    ("returned", {"B5"}),
    ("cancelled", {"B6"}),
    ("overdue", {"B4"}),
    (["pending", "overdue"], {"B2", "B4"}),
    (["active", "overdue"], {"B3", "B4"}),
    (["confirmed", "returned", "cancelled"], {"B1", "B5", "B6"}),
])
def test_status(shop, status, expected):
    assert names(shop, status=status) == expected


def test_status_over_rest_single_repeated_and_json_array(shop, api):
    single = get(api, "/api/v1/booking", shop.key_a, status="overdue").json()
    assert shop.names(b["id"] for b in single) == ["B4"]
    as_json = get(api, "/api/v1/booking", shop.key_a, status=["pending", "overdue"]).json()
    assert set(shop.names(b["id"] for b in as_json)) == {"B2", "B4"}
    repeated = api.get("/api/v1/booking?status=pending&status=returned", HTTP_X_API_KEY=shop.key_a).json()
    assert set(shop.names(b["id"] for b in repeated)) == {"B2", "B5"}


def test_overdue_is_flagged_in_the_output(shop):
    from tests.bookings.shop import run
    page = run("search_bookings", owner_of(shop.a), status="active")
    assert {shop.names([b.id])[0]: b.overdue for b in page.items} == {"B3": False, "B4": True}


def test_date_range_matches_overlapping_windows(shop):
    now = shop.now
    assert names(shop, dateRange={"from": now, "to": now + DAY + 1}) == {"B1", "B3", "B6"}
    # Windows that only touch the range do not overlap it: end == from, start == to.
    assert names(shop, dateRange={"from": now + 2 * DAY, "to": now + 3 * DAY}) == set()
    assert names(shop, dateRange={"from": now + 2 * DAY - 1, "to": now + 3 * DAY + 1}) == {"B1", "B2", "B6"}
    # A range inside a booking's window overlaps it.
    assert names(shop, dateRange={"from": now - 9 * DAY, "to": now - 9 * DAY + 1}) == {"B5"}


def test_date_range_open_ended(shop):
    now = shop.now
    assert names(shop, dateRange={"from": now}) == {"B1", "B2", "B3", "B6"}
    assert names(shop, dateRange={"to": now - 5 * DAY}) == {"B5"}


def test_date_range_uses_the_longest_booking_as_bound_correctly(shop):
    # A very long booking must still be found by a range near its end (the start-range bound
    # derived from the longest booking must not cut it off).
    from tests.bookings.shop import booking_with_lines
    long = booking_with_lines(shop.a, location=shop.l1, customer=shop.k1, start=shop.now - 400 * DAY,
                              end=shop.now + 30 * DAY, status="active", total=1, created=shop.now - 400 * DAY,
                              stocks=[shop.s4], released=True)
    found = search_ids(owner_of(shop.a), dateRange={"from": shop.now + 20 * DAY, "to": shop.now + 21 * DAY})
    assert found == [long.id]


def test_created_at_is_half_open(shop):
    now = shop.now
    assert names(shop, createdAt={"from": now - 4 * DAY, "to": now - 2 * DAY}) == {"B2", "B3"}
    assert names(shop, createdAt={"from": now - 2 * DAY}) == {"B4", "B6"}
    assert names(shop, createdAt={"to": now - 5 * DAY}) == {"B5"}


def test_price_is_in_whole_units_inclusive(shop):
    assert names(shop, price={"min": 10, "max": 50}) == {"B1", "B2", "B3"}
    assert names(shop, price={"min": 26}) == {"B3", "B4", "B5"}
    assert names(shop, price={"max": 0}) == {"B6"}
    assert names(shop, price={"min": 25, "max": 25}) == set()  # 2550 cents is above 25.00
    assert names(shop, price={"min": 100, "max": 100}) == {"B5"}  # 10000 cents == 100.00


def test_product_stock_and_category(shop):
    assert names(shop, productID=shop.p1.id) == {"B1", "B4", "B5"}
    assert names(shop, productID=[shop.p2.id, shop.p3.id]) == {"B2", "B3", "B4", "B6"}
    assert names(shop, stockID=shop.s3.id) == {"B3", "B6"}  # a released line still names its unit
    assert names(shop, stockID=[shop.s2.id, shop.s4.id]) == {"B2", "B4", "B5"}
    assert names(shop, categoryID=shop.c1.id) == {"B1", "B2", "B4", "B5"}
    assert names(shop, categoryID=shop.c2.id) == {"B3", "B6"}


def test_line_filters_must_hold_for_the_same_line(shop):
    # B4 has a P1 line on S1 and a P2 line on S2, but no P1 line on S2.
    assert names(shop, productID=shop.p1.id, stockID=shop.s2.id) == set()
    assert names(shop, productID=shop.p1.id, stockID=shop.s1.id) == {"B1", "B4"}
    assert names(shop, productID=shop.p3.id, categoryID=shop.c1.id) == set()


def test_line_filters_behave_the_same_on_both_strategies(shop, monkeypatch):
    # Many matching lines switch from "fetch by id" to "walk the sort index and check each"; the
    # result must not change.
    from lockii.bookings import search
    expected = search_ids(owner_of(shop.a), categoryID=shop.c1.id)
    monkeypatch.setattr(search, "LINE_PROBE", 1)
    assert search_ids(owner_of(shop.a), categoryID=shop.c1.id) == expected
    assert names(shop, productID=shop.p1.id, stockID=shop.s2.id) == set()
    assert names(shop, stockID=[shop.s2.id, shop.s4.id]) == {"B2", "B4", "B5"}


def test_location_and_customer(shop):
    assert names(shop, locationID=shop.l2.id) == {"B3", "B5", "B6"}
    assert names(shop, locationID=[shop.l1.id, shop.l2.id]) == {"B1", "B2", "B3", "B4", "B5", "B6"}
    assert names(shop, customerID=shop.k1.id) == {"B1", "B3", "B5"}
    assert names(shop, customerID=[shop.k1.id, shop.k2.id]) == {"B1", "B2", "B3", "B4", "B5", "B6"}


def test_ending_after_is_strict(shop):
    now = shop.now
    assert names(shop, endingAfter=now) == {"B1", "B2", "B3", "B6"}
    assert names(shop, endingAfter=now + 2 * DAY) == {"B2"}  # B1 and B6 end exactly then
    assert names(shop, endingAfter=now + 2 * DAY - 1) == {"B1", "B2", "B6"}


def test_ids(shop):
    assert names(shop, ids=[shop.bk["B1"].id, shop.bk["B5"].id]) == {"B1", "B5"}
    assert names(shop, ids=shop.bk["B3"].id) == {"B3"}


def test_filters_combine_with_and(shop):
    assert names(shop, status="active", locationID=shop.l1.id) == {"B4"}
    assert names(shop, customerID=shop.k1.id, dateRange={"from": shop.now}) == {"B1", "B3"}
    assert names(shop, categoryID=shop.c1.id, price={"max": 10}, status=["confirmed", "pending"]) == {"B1"}


def test_nested_filters_over_rest(shop, api):
    r = get(api, "/api/v1/booking", shop.key_a, dateRange={"from": shop.now, "to": shop.now + DAY + 1},
            price={"min": 10}, productID=[shop.p1.id, shop.p3.id])
    assert r.status_code == 200, r.content
    assert set(shop.names(b["id"] for b in r.json())) == {"B1", "B3"}


@pytest.mark.parametrize("sort, expected", [
    ("-createdAt", ["B6", "B4", "B3", "B2", "B1", "B5"]),
    ("createdAt", ["B5", "B1", "B2", "B3", "B4", "B6"]),
    ("price", ["B6", "B1", "B2", "B3", "B4", "B5"]),
    ("-price", ["B5", "B4", "B3", "B2", "B1", "B6"]),
])
def test_sorts(shop, sort, expected):
    assert shop.names(search_ids(owner_of(shop.a), sort=sort)) == expected


@pytest.mark.parametrize("column", ["start", "end"])
def test_start_and_end_sorts_break_ties_by_id(shop, column):
    # B1 and B6 share both start and end; the tie goes by id, in the sort's direction.
    first, second = shop.names(sorted([shop.bk["B1"].id, shop.bk["B6"].id]))
    asc = shop.names(search_ids(owner_of(shop.a), sort=column))
    assert asc == ["B5", "B4", "B3", first, second, "B2"]
    assert shop.names(search_ids(owner_of(shop.a), sort="-" + column)) == list(reversed(asc))
