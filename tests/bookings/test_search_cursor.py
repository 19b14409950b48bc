"""Keyset pagination: complete walks, stability under inserts, and refused cursors."""

from __future__ import annotations

import pytest

from lockii.bookings import cursor as cursors
from lockii.bookings.models import Booking
from tests.bookings.shop import booking_with_lines, get, owner_of, run
from tests.factories import DAY, HOUR

URL = "/api/v1/booking"
SORTS = ["-createdAt", "createdAt", "-start", "start", "-end", "end", "-price", "price"]
COLUMN = {"createdAt": "created_ms", "start": "start_ms", "end": "end_ms", "price": "total"}


@pytest.fixture
def many(shop):
    """23 more bookings with many equal sort values, so pages split inside runs of ties."""
    for i in range(23):
        booking_with_lines(shop.a, location=shop.l1 if i % 2 else shop.l2, customer=shop.k1,
                           start=shop.now + (i % 4) * HOUR, end=shop.now + (i % 4) * HOUR + (i % 3 + 1) * HOUR,
                           status="cancelled", total=(i % 5) * 100, created=shop.now - (i % 3) * DAY, stocks=[shop.s1])
    return shop


def expected_order(company, sort: str) -> list[str]:
    column = COLUMN[sort.lstrip("-")]
    rows = sorted(Booking.objects.filter(company=company).values_list(column, "id"))
    ids = [i for _, i in rows]
    return ids[::-1] if sort.startswith("-") else ids


def walk(api, key, limit, **params) -> tuple[list[str], int]:
    seen, pages, cursor = [], 0, None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        r = get(api, URL, key, limit=limit, **params, **extra)
        assert r.status_code == 200, r.content
        pages += 1
        seen += [b["id"] for b in r.json()]
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            return seen, pages
        assert pages < 100


@pytest.mark.parametrize("sort", SORTS)
def test_walk_every_sort_visits_each_booking_once_in_order(many, api, sort):
    seen, pages = walk(api, many.key_a, 4, sort=sort)
    assert seen == expected_order(many.a, sort)
    assert len(seen) == 29 and pages == 8


def test_last_page_has_no_cursor_even_when_exactly_full(shop, api):
    r = get(api, URL, shop.key_a, limit=6)
    assert len(r.json()) == 6 and "X-Next-Cursor" not in r
    r = get(api, URL, shop.key_a, limit=3)
    assert len(r.json()) == 3 and r["X-Next-Cursor"]
    r = get(api, URL, shop.key_a, limit=3, cursor=r["X-Next-Cursor"])
    assert len(r.json()) == 3 and "X-Next-Cursor" not in r


def test_walk_with_filters_and_changing_limit(many, api):
    full = [b.id for b in run("search_bookings", owner_of(many.a), locationID=many.l1.id, limit=500).items]
    first = get(api, URL, many.key_a, locationID=many.l1.id, limit=2)
    rest = get(api, URL, many.key_a, locationID=many.l1.id, limit=500, cursor=first["X-Next-Cursor"])
    assert [b["id"] for b in first.json() + rest.json()] == full


@pytest.mark.parametrize("sort", SORTS)
def test_walk_is_stable_while_bookings_are_inserted(many, api, sort):
    before = expected_order(many.a, sort)
    seen, cursor, inserted = [], None, []
    for step in range(100):
        extra = {"cursor": cursor} if cursor else {}
        r = get(api, URL, many.key_a, limit=5, sort=sort, **extra)
        seen += [b["id"] for b in r.json()]
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            break
        # New bookings between pages: newest, oldest, and exact ties with rows already seen.
        last = Booking.objects.get(pk=seen[-1])
        for start, total, created in [(last.start_ms, last.total, last.created_ms),
                                      (many.now + 300 * DAY, 10**6, many.now + DAY),
                                      (many.now - 300 * DAY, 0, many.now - 300 * DAY)]:
            inserted.append(booking_with_lines(
                many.a, location=many.l1, customer=many.k2, start=start, end=start + (last.end_ms - last.start_ms),
                status="cancelled", total=total, created=created, stocks=[many.s2]).id)
    assert len(seen) == len(set(seen)), "a booking was listed twice"
    missing = set(before) - set(seen)
    assert not missing, "a booking that existed before the walk was skipped"
    # Pre-existing bookings keep their relative order.
    assert [i for i in seen if i in set(before)] == before
    # Inserted rows appear only if they sort after the position already reached.
    assert set(seen) - set(before) <= set(inserted)


def test_overdue_walk_uses_the_first_pages_clock(shop, api, monkeypatch):
    from lockii.bookings import actions

    def active(end, created):
        return booking_with_lines(shop.a, location=shop.l1, customer=shop.k1, start=shop.now - 5 * DAY, end=end,
                                  status="active", total=0, created=created, stocks=[shop.s4], released=True)
    already = [active(shop.now - (i + 1) * HOUR, shop.now - 30 * DAY - i) for i in range(2)]
    # These become overdue within hours; they sort last (oldest), after any cursor position.
    later = [active(shop.now + (i + 1) * HOUR, shop.now - 100 * DAY - i) for i in range(3)]
    first = get(api, URL, shop.key_a, status="overdue", limit=1)
    assert shop.names(b["id"] for b in first.json()) == ["B4"]
    monkeypatch.setattr(actions, "now_ms", lambda: shop.now + 10 * HOUR)
    rest, _ = walk_from(api, shop.key_a, first["X-Next-Cursor"], status="overdue", limit=1)
    assert rest == [b.id for b in already]  # the walk keeps the clock it started with
    fresh, _ = walk(api, shop.key_a, 1, status="overdue")
    assert set(fresh) == {shop.bk["B4"].id, *(b.id for b in already + later)}


def walk_from(api, key, cursor, **params) -> tuple[list[str], int]:
    seen, pages = [], 0
    while cursor:
        r = get(api, URL, key, cursor=cursor, **params)
        assert r.status_code == 200, r.content
        seen += [b["id"] for b in r.json()]
        cursor, pages = r.headers.get("X-Next-Cursor"), pages + 1
        assert pages < 100
    return seen, pages


def _cursor(api, shop, **params) -> str:
    r = get(api, URL, shop.key_a, limit=2, **params)
    return r["X-Next-Cursor"]


def tampered(token: str) -> list[str]:
    flip = {"a": "b", "b": "a", "A": "B", "B": "A"}
    i = next(i for i, ch in enumerate(token) if ch in flip)
    j = max(i for i, ch in enumerate(token) if ch in flip)
    return [token[:i] + flip[token[i]] + token[i + 1:], token[:j] + flip[token[j]] + token[j + 1:],
            token[:-1], token + "x", token.split(":")[0], "", "garbage", "Lg:x:y", "{}x"]


def test_tampered_or_garbage_cursor_is_400_naming_cursor(shop, api):
    good = _cursor(api, shop)
    for bad in tampered(good):
        if not bad:
            continue
        r = get(api, URL, shop.key_a, limit=2, cursor=bad)
        assert r.status_code == 400, (bad, r.content)
        body = r.json()
        assert body["code"] == "validation_failed"
        assert [e["field"] for e in body["errors"]] == ["cursor"]


def test_forged_cursor_with_another_key_is_refused():
    from django.core import signing
    forged = signing.dumps([0, "booking_x", 0, "0" * 16], key="not-our-secret-" * 4, salt="lockii.bookings.cursor.v1")
    with pytest.raises(Exception) as err:
        cursors.decode(forged, "0" * 16)
    assert err.value.errors[0]["field"] == "cursor"


def test_cursor_of_another_query_is_refused(shop, api):
    token = _cursor(api, shop, sort="start")
    for params in [{"sort": "-start"}, {"sort": "price"}, {"sort": "start", "status": "active"},
                   {"sort": "start", "locationID": shop.l1.id}]:
        r = get(api, URL, shop.key_a, limit=2, cursor=token, **params)
        assert r.status_code == 400, params
        assert r.json()["errors"][0]["field"] == "cursor"
        assert "same filters" in r.json()["detail"]


def test_cursor_is_order_insensitive_for_list_filters(shop, api):
    r = get(api, URL, shop.key_a, limit=1, status=["active", "pending"])
    again = get(api, URL, shop.key_a, limit=1, status=["pending", "active"], cursor=r["X-Next-Cursor"])
    assert again.status_code == 200


def test_cursor_does_not_reveal_other_companies_rows(shop, api):
    # A valid cursor from company A used by company B only positions B's own list.
    token = _cursor(api, shop)
    r = get(api, URL, shop.key_b, limit=2, cursor=token)
    assert r.status_code == 200
    assert set(shop.names(b["id"] for b in r.json())) <= {"X1", "X2"}
