"""tools/call: the same answers and the same problem details as REST, through the same code path."""

from __future__ import annotations

import json

import pytest

from tests.mcp.wire import LEGACY, MODERN, legacy_headers, modern, request

ERAS = [LEGACY, MODERN]


@pytest.mark.parametrize("era", ERAS)
def test_get_company_equals_rest(mcp, mcp_world, key_a, api, era):
    result = mcp.call_tool("get_company", {}, key_a, era)
    assert result["isError"] is False
    rest = api.get_with_key("/api/v1/company", mcp_world.key_a).json()
    assert result["structuredContent"] == rest
    text = result["content"][0]["text"]
    assert json.loads(text.split("\n", 1)[1]) == rest


@pytest.mark.parametrize("era", ERAS)
def test_search_bookings_equals_rest_and_pages(mcp, mcp_world, key_a, api, era):
    result = mcp.call_tool("search_bookings", {"limit": 1}, key_a, era)
    page = result["structuredContent"]
    rest = api.get_with_key("/api/v1/booking", mcp_world.key_a, limit=1)
    assert page["items"] == rest.json()
    assert page["nextCursor"] and rest.headers["X-Next-Cursor"]
    seen = [b["id"] for b in page["items"]]
    while page["nextCursor"]:
        page = mcp.call_tool("search_bookings", {"limit": 1, "cursor": page["nextCursor"]}, key_a, era)[
            "structuredContent"]
        seen += [b["id"] for b in page["items"]]
    assert sorted(seen) == sorted([mcp_world.bk_a1.id, mcp_world.bk_a2.id])
    assert "last page" in mcp.call_tool("search_bookings", {"limit": 500}, key_a, era)["content"][0]["text"]


@pytest.mark.parametrize("era", ERAS)
def test_bad_arguments_are_a_tool_error_with_rest_problem_details(mcp, mcp_world, key_a, api, era):
    result = mcp.call_tool("search_bookings", {"limit": 0, "status": "lost"}, key_a, era)
    assert result["isError"] is True
    problem = result["structuredContent"]
    rest = api.get_with_key("/api/v1/booking", mcp_world.key_a, limit=0, status="lost").json()
    assert problem == rest
    assert problem["code"] == "validation_failed" and problem["status"] == 400
    assert {e["field"] for e in problem["errors"]} >= {"limit"}
    assert "limit" in result["content"][0]["text"]


@pytest.mark.parametrize("era", ERAS)
def test_deeply_nested_json_string_arguments_are_a_tool_error(mcp, key_a, era):
    result = mcp.call_tool("search_bookings", {"dateRange": "[" * 5000}, key_a, era)
    assert result["isError"] is True and result["structuredContent"]["code"] == "validation_failed"


@pytest.mark.parametrize("era", ERAS)
def test_unknown_argument_is_rejected(mcp, key_a, era):
    result = mcp.call_tool("get_company", {"api_key": "x"}, key_a, era)
    assert result["isError"] is True
    assert result["structuredContent"]["code"] == "validation_failed"


@pytest.mark.parametrize("era", ERAS)
def test_another_companys_booking_is_not_found(mcp, mcp_world, key_a, era):
    result = mcp.call_tool("get_booking", {"id": mcp_world.bk_b1.id}, key_a, era)
    assert result["isError"] is True
    assert result["structuredContent"]["status"] == 404
    assert result["structuredContent"]["code"] == "not_found"


def test_unknown_tool_is_a_protocol_error(mcp, key_a):
    r = mcp.post(request("tools/call", {"name": "drop_tables", "arguments": {}}), legacy_headers(**key_a))
    assert r.status_code == 200
    assert r.json()["error"]["code"] == -32602
    assert "drop_tables" in r.json()["error"]["message"]
    body, headers = modern("tools/call", {"name": "drop_tables", "arguments": {}}, **key_a)
    r = mcp.post(body, headers)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == -32602


@pytest.mark.parametrize("arguments", ["x", [1], 5])
def test_arguments_that_are_not_an_object_are_invalid_params(mcp, key_a, arguments):
    r = mcp.post(request("tools/call", {"name": "get_company", "arguments": arguments}), legacy_headers(**key_a))
    assert r.json()["error"]["code"] == -32602


def test_missing_name_header_is_a_header_mismatch(mcp, key_a):
    body, headers = modern("tools/call", {"name": "get_company", "arguments": {}}, **key_a)
    headers["mcp-name"] = "search_bookings"
    r = mcp.post(body, headers)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == -32020
