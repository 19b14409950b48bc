"""booking:read is needed for both booking actions; user roles act through their Principal."""

from __future__ import annotations

import pytest

from lockii.errors import PermissionDenied
from lockii.identity import credentials
from lockii.identity.principal import Principal
from tests import factories as f
from tests.bookings.shop import principal_of, run, search_ids


def no_permissions(company) -> Principal:
    return Principal(company_id=company.id, role="custom", permissions=frozenset(), location_ids=None,
                     user_id="user_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f")


@pytest.mark.parametrize("name, raw", [("search_bookings", {}), ("get_booking", {"id": "B1"})])
def test_without_booking_read_is_denied_naming_the_permission(shop, name, raw):
    raw = {k: shop.bk[v].id if v in shop.bk else v for k, v in raw.items()}
    with pytest.raises(PermissionDenied) as err:
        run(name, no_permissions(shop.a), **raw)
    assert err.value.permission == "booking:read"


def test_permission_is_checked_before_input(shop):
    # A caller without the permission learns nothing from validation errors.
    with pytest.raises(PermissionDenied):
        run("search_bookings", no_permissions(shop.a), limit=0, bogus=1)


@pytest.mark.parametrize("role", ["owner", "admin", "manager", "staff", "viewer"])
def test_every_role_reads_bookings(shop, role):
    user = f.user(shop.a, role)
    assert len(search_ids(principal_of(user))) == 6
    assert run("get_booking", principal_of(user), id=shop.bk["B2"].id).status == "pending"


def test_rest_denial_is_403_problem_naming_the_permission(shop, api, monkeypatch):
    """CASE-05: a valid token lacking a permission is 403, never 401, and carries no challenge: access comes
    from the role, not from token scopes, so an ``insufficient_scope`` step-up could not help (RS9)."""
    # Bearer tokens resolve to a user's Principal through the hook OAuth plugs into.
    def resolver(token, resource):
        assert token == "t0ken"
        return no_permissions(shop.a)
    monkeypatch.setattr(credentials, "_bearer_resolver", resolver)
    for path in ["/api/v1/booking", f"/api/v1/booking/{shop.bk['B1'].id}"]:
        r = api.get(path, HTTP_AUTHORIZATION="Bearer t0ken")
        assert r.status_code == 403
        assert r["Content-Type"] == "application/problem+json"
        assert "WWW-Authenticate" not in r
        body = r.json()
        assert body["code"] == "permission_denied"
        assert body["permission"] == "booking:read"
        assert "booking:read" in body["detail"]


def test_rest_as_a_location_limited_viewer(shop, api, monkeypatch):
    viewer = principal_of(f.user(shop.a, "viewer", locations=[shop.l2]))
    monkeypatch.setattr(credentials, "_bearer_resolver", lambda token, resource: viewer)
    r = api.get("/api/v1/booking", HTTP_AUTHORIZATION="Bearer t0ken")
    assert set(shop.names(b["id"] for b in r.json())) == {"B3", "B5", "B6"}
    r = api.get(f"/api/v1/booking/{shop.bk['B1'].id}", HTTP_AUTHORIZATION="Bearer t0ken")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
