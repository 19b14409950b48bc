"""Tenant isolation and location scoping of search_bookings and get_booking."""

from __future__ import annotations

import pytest

from lockii.errors import NotFound
from lockii.identity.principal import Principal
from lockii.identity.roles import permissions_for
from tests import factories as f
from tests.bookings.shop import get, owner_of, principal_of, run, search_ids
from tests.factories import DAY


def b_names(shop, principal, **raw) -> set[str]:
    return set(shop.names(search_ids(principal, **raw)))


def test_each_company_sees_only_its_own_bookings(shop):
    assert b_names(shop, owner_of(shop.a)) == {"B1", "B2", "B3", "B4", "B5", "B6"}
    assert b_names(shop, owner_of(shop.b)) == {"X1", "X2"}


@pytest.mark.parametrize("make_params", [
    lambda s: {"customerID": s.kb.id},
    lambda s: {"customerID": [s.kb.id, s.k1.id]},
    lambda s: {"locationID": s.lb.id},
    lambda s: {"productID": s.pb.id},
    lambda s: {"stockID": s.sb.id},
    lambda s: {"categoryID": s.cb.id},
    lambda s: {"ids": [b.id for b in s.bb.values()]},
    lambda s: {"ids": [s.bb["X1"].id, s.bk["B1"].id]},
    lambda s: {"status": "overdue"},
    lambda s: {"dateRange": {"from": s.now, "to": s.now + 3 * DAY}},
    lambda s: {"createdAt": {"from": 0}},
    lambda s: {"price": {"min": 0}},
    lambda s: {"endingAfter": 0},
    lambda s: {"sort": "price"},
])
def test_no_parameter_reaches_another_company(shop, make_params):
    params = make_params(shop)
    for principal in (owner_of(shop.a), principal_of(f.user(shop.a, "viewer"))):
        found = b_names(shop, principal, **params)
        assert not found & {"X1", "X2"}, params
    for name in b_names(shop, owner_of(shop.b), **make_params(shop)):
        assert name in {"X1", "X2"}


def test_foreign_ids_match_nothing(shop):
    a = owner_of(shop.a)
    assert search_ids(a, customerID=shop.kb.id) == []
    assert search_ids(a, ids=[b.id for b in shop.bb.values()]) == []
    assert search_ids(a, locationID=shop.lb.id) == []
    assert search_ids(a, productID=shop.pb.id, stockID=shop.sb.id, categoryID=shop.cb.id) == []


def test_get_booking_of_another_company_is_404(shop, api):
    r = api.get(f"/api/v1/booking/{shop.bb['X1'].id}", HTTP_X_API_KEY=shop.key_a)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    # Same answer as for an id that does not exist at all: existence does not leak.
    missing = api.get("/api/v1/booking/booking_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f", HTTP_X_API_KEY=shop.key_a)
    assert missing.status_code == 404
    assert set(r.json()) == set(missing.json())


def test_manager_limited_to_l1_sees_only_l1(shop):
    manager = principal_of(f.user(shop.a, "manager", locations=[shop.l1]))
    assert b_names(shop, manager) == {"B1", "B2", "B4"}
    assert b_names(shop, manager, locationID=shop.l2.id) == set()
    assert b_names(shop, manager, locationID=[shop.l1.id, shop.l2.id]) == {"B1", "B2", "B4"}
    assert b_names(shop, manager, ids=[b.id for b in shop.bk.values()]) == {"B1", "B2", "B4"}
    assert b_names(shop, manager, customerID=shop.k1.id) == {"B1"}
    assert b_names(shop, manager, stockID=shop.s3.id) == set()
    assert b_names(shop, manager, categoryID=shop.c2.id) == set()
    assert b_names(shop, manager, status="active") == {"B4"}


def test_manager_limited_to_l1_gets_404_for_an_l2_booking(shop):
    manager = principal_of(f.user(shop.a, "manager", locations=[shop.l1]))
    assert run("get_booking", manager, id=shop.bk["B1"].id).id == shop.bk["B1"].id
    with pytest.raises(NotFound):
        run("get_booking", manager, id=shop.bk["B3"].id)


def test_location_scoping_walks_pages_without_leaking(shop):
    manager = principal_of(f.user(shop.a, "staff", locations=[shop.l2]))
    seen, cursor = [], None
    while True:
        page = run("search_bookings", manager, limit=1, **({"cursor": cursor} if cursor else {}))
        seen += [b.id for b in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert set(shop.names(seen)) == {"B3", "B5", "B6"}


def test_user_with_no_locations_sees_nothing(shop):
    nobody = Principal(company_id=shop.a.id, role="staff", permissions=permissions_for("staff"),
                       location_ids=frozenset())
    assert search_ids(nobody) == []
    with pytest.raises(NotFound):
        run("get_booking", nobody, id=shop.bk["B1"].id)


def test_company_comes_from_the_credential_not_the_request(shop, api):
    # There is no company parameter to smuggle in; an attempt is an unknown parameter.
    r = get(api, "/api/v1/booking", shop.key_b, companyID=shop.a.id)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "companyID"
