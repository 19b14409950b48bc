"""Bad search input is a 400 problem+json naming the parameter, never a 500."""

from __future__ import annotations

import pytest

from tests.bookings.shop import get

URL = "/api/v1/booking"


def problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def fields(body: dict) -> set[str]:
    return {e["field"].split(".")[0] for e in body.get("errors", [])}


@pytest.mark.parametrize("name", ["dateRange", "createdAt", "price", "productID", "ids", "status"])
def test_bad_json_names_the_parameter(shop, api, name):
    r = api.get(URL, {name: '{"from": 1,'}, HTTP_X_API_KEY=shop.key_a)
    body = problem(r)
    assert body["code"] == "validation_failed"
    assert fields(body) == {name}
    assert name in body["detail"]


@pytest.mark.parametrize("name", ["status", "dateRange"])
def test_deeply_nested_json_is_bad_json_not_a_crash(shop, api, name):
    r = api.get(URL, {name: "[" * 5000 + "]" * 5000}, HTTP_X_API_KEY=shop.key_a)
    assert fields(problem(r)) == {name}


@pytest.mark.parametrize("value", ["0", "501", "abc", "-1", "1.5", ""])
def test_limit_out_of_bounds(shop, api, value):
    body = problem(api.get(URL, {"limit": value}, HTTP_X_API_KEY=shop.key_a))
    assert fields(body) == {"limit"}
    assert "limit" in body["detail"]


@pytest.mark.parametrize("value", ["1", "500"])
def test_limit_bounds_are_inclusive(shop, api, value):
    assert api.get(URL, {"limit": value}, HTTP_X_API_KEY=shop.key_a).status_code == 200


def test_limit_defaults_to_50(shop, api):
    from tests.bookings.shop import booking_with_lines
    from tests.factories import DAY
    for i in range(51):
        booking_with_lines(shop.a, location=shop.l1, customer=shop.k1, start=shop.now + i * DAY,
                           end=shop.now + i * DAY + 1, status="cancelled", total=0, created=shop.now + i,
                           stocks=[shop.s1])
    r = api.get(URL, HTTP_X_API_KEY=shop.key_a)
    assert len(r.json()) == 50
    assert r["X-Next-Cursor"]


def test_a_single_bad_value_is_named_as_sent_and_a_list_item_by_its_index(shop, api):
    single = problem(api.get(URL, {"status": "bogus"}, HTTP_X_API_KEY=shop.key_a))
    assert [e["field"] for e in single["errors"]] == ["status"]
    listed = problem(api.get(URL, {"status": '["active", "bogus"]'}, HTTP_X_API_KEY=shop.key_a))
    assert [e["field"] for e in listed["errors"]] == ["status.1"]


@pytest.mark.parametrize("params, field", [
    ({"status": "late"}, "status"),
    ({"status": ["active", "late"]}, "status"),
    ({"sort": "total"}, "sort"),
    ({"sort": "--createdAt"}, "sort"),
    ({"sort": ["start"]}, "sort"),
    ({"dateRange": {"from": 10, "to": 5}}, "dateRange"),
    ({"dateRange": {"from": 5, "to": 5}}, "dateRange"),
    ({"dateRange": {}}, "dateRange"),
    ({"dateRange": {"start": 1}}, "dateRange"),
    ({"dateRange": {"from": "yesterday"}}, "dateRange"),
    ({"dateRange": "today"}, "dateRange"),
    ({"dateRange": [1, 2]}, "dateRange"),
    ({"dateRange": {"from": 10**20}}, "dateRange"),
    ({"createdAt": {"from": -1}}, "createdAt"),
    ({"price": {"min": 50, "max": 10}}, "price"),
    ({"price": {"min": -1}}, "price"),
    ({"price": {"min": 9.99}}, "price"),
    ({"price": {"min": 10**18}}, "price"),
    ({"price": {"currency": "EUR"}}, "price"),
    ({"productID": "stock_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f"}, "productID"),
    ({"productID": "product_not-a-uuid"}, "productID"),
    ({"stockID": []}, "stockID"),
    ({"categoryID": [1]}, "categoryID"),
    ({"locationID": {"id": "x"}}, "locationID"),
    ({"customerID": "garbage"}, "customerID"),
    ({"ids": ["booking_x"]}, "ids"),
    ({"ids": ["booking_01936f4e-8c2a-7b3d-9e4f-0a1b2c3d4e5f"] * 501}, "ids"),
    ({"endingAfter": "tomorrow"}, "endingAfter"),
    ({"endingAfter": "-5"}, "endingAfter"),
    ({"cursor": ["a"]}, "cursor"),
])
def test_bad_values_name_the_parameter(shop, api, params, field):
    body = problem(get(api, URL, shop.key_a, **params))
    assert body["code"] == "validation_failed"
    assert fields(body) == {field}, body


def test_unknown_parameters_are_named(shop, api):
    body = problem(api.get(URL, {"state": "active", "pageSize": "5"}, HTTP_X_API_KEY=shop.key_a))
    assert fields(body) == {"state", "pageSize"}
    # Wire names are case-sensitive camelCase.
    body = problem(api.get(URL, {"productId": shop.p1.id}, HTTP_X_API_KEY=shop.key_a))
    assert fields(body) == {"productId"}


def test_several_bad_parameters_are_all_named(shop, api):
    body = problem(get(api, URL, shop.key_a, limit="0", sort="up", status="late"))
    assert fields(body) == {"limit", "sort", "status"}


def test_nul_and_huge_values_are_rejected_cleanly(shop, api):
    body = problem(api.get(URL, {"customerID": "customer_\x00"}, HTTP_X_API_KEY=shop.key_a))
    assert fields(body) == {"customerID"}
    body = problem(api.get(URL, {"cursor": "x" * 5000}, HTTP_X_API_KEY=shop.key_a))
    assert fields(body) == {"cursor"}


def test_get_booking_with_garbage_id_is_404(shop, api):
    for bad in ["nope", "booking_x", "booking_" + "0" * 60, "%00"]:
        r = api.get(f"{URL}/{bad}", HTTP_X_API_KEY=shop.key_a)
        assert problem(r, 404)["code"] == "not_found"


def test_get_booking_rejects_query_parameters(shop, api):
    r = api.get(f"{URL}/{shop.bk['B1'].id}", {"expand": "all"}, HTTP_X_API_KEY=shop.key_a)
    assert fields(problem(r)) == {"expand"}


def test_nested_values_as_objects_or_json_strings(shop):
    # MCP clients send objects; some send the REST convention's JSON strings. Both mean the same.
    from tests.bookings.shop import owner_of, search_ids
    owner = owner_of(shop.a)
    as_object = search_ids(owner, dateRange={"from": shop.now}, status=["pending", "active"])
    as_string = search_ids(owner, dateRange='{"from": %d}' % shop.now, status='["pending", "active"]')
    assert as_object == as_string and len(as_object) == 2


def test_python_field_names_are_not_wire_names(shop):
    from lockii.errors import ValidationFailed
    from tests.bookings.shop import owner_of, run
    with pytest.raises(ValidationFailed) as err:
        run("search_bookings", owner_of(shop.a), dateRange={"from_": 1})
    assert err.value.errors[0]["field"].startswith("dateRange")


def test_a_single_value_may_be_plain_or_json_as_the_openapi_document_declares(shop, api):
    """OpenAPI says these parameters carry application/json; a generated client sends "active"."""
    def ids(**params):
        r = api.get(URL, params, HTTP_X_API_KEY=shop.key_a)
        assert r.status_code == 200, r.content
        return sorted(b["id"] for b in r.json())

    assert ids(status="active") and ids(status='"active"') == ids(status="active")
    assert ids(locationID=f'"{shop.l1.id}"') == ids(locationID=shop.l1.id)


@pytest.mark.parametrize("name, value, field", [
    ("dateRange", '{"from": true}', "dateRange.from"),
    ("createdAt", '{"to": false}', "createdAt.to"),
    ("price", '{"min": true}', "price.min"),
])
def test_true_and_false_are_not_numbers(shop, api, name, value, field):
    body = problem(api.get(URL, {name: value}, HTTP_X_API_KEY=shop.key_a))
    assert body["errors"] == [{"field": field, "message": "Input should be a number, not true or false"}]


def test_true_is_not_a_limit_for_tool_callers_either(shop):
    from lockii.errors import ValidationFailed
    from tests.bookings.shop import owner_of, run
    with pytest.raises(ValidationFailed) as err:
        run("search_bookings", owner_of(shop.a), limit=True)
    assert err.value.errors == [{"field": "limit", "message": "Input should be a number, not true or false"}]


@pytest.mark.parametrize("name", ["dateRange", "price"])
def test_a_key_given_twice_is_bad_json(shop, api, name):
    """Which copy would count is a guess (Python keeps the last); the caller is told instead."""
    body = problem(api.get(URL, {name: '{"min": 1, "from": 1, "from": 2}'}, HTTP_X_API_KEY=shop.key_a))
    assert fields(body) == {name}
    assert 'the key "from" appears twice' in body["detail"]


def test_an_array_where_an_object_belongs_says_object(shop, api):
    body = problem(api.get(URL, {"dateRange": "[1, 2]"}, HTTP_X_API_KEY=shop.key_a))
    assert body["errors"] == [{"field": "dateRange", "message": "Input should be a JSON object"}]
