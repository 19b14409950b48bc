"""tools/list: every registry action is a tool of the same name, described from the registry alone."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from lockii.actions.registry import Page, Registry, action, load_all
from lockii.identity.principal import Principal
from lockii.identity.roles import permissions_for
from lockii.mcp.tools import ToolCatalog, title_of
from tests.mcp.wire import LEGACY, LEGACY_LATEST, MODERN


@pytest.mark.parametrize("era", [LEGACY, LEGACY_LATEST, MODERN])
def test_every_action_is_a_tool_in_name_order(mcp, key_a, era):
    names = [t["name"] for t in mcp.list_tools(key_a, era)]
    assert names == sorted(load_all().names())


def test_the_list_is_the_same_in_both_eras_and_on_every_call(mcp, key_a):
    first = mcp.list_tools(key_a, LEGACY)
    assert mcp.list_tools(key_a, LEGACY) == first
    assert mcp.list_tools(key_a, MODERN) == first


def test_each_tool_is_its_action(mcp, key_a):
    registry = load_all()
    for tool in mcp.list_tools(key_a, MODERN):
        a = registry[tool["name"]]
        assert tool["inputSchema"] == a.input.model_json_schema(mode="validation")
        assert tool["outputSchema"]["type"] == "object"
        assert tool["description"].startswith(a.description)
        assert (f"Permission: {a.permission}." if a.permission else "Permission: none") in tool["description"]
        hints = tool["annotations"]
        assert hints["readOnlyHint"] is a.read_only
        assert hints["idempotentHint"] is a.idempotent
        assert hints["destructiveHint"] is (a.destructive and not a.read_only)
        if a.paged:
            assert set(tool["outputSchema"]["properties"]) == {"items", "nextCursor"}
            assert "nextCursor" in tool["description"]


def test_search_bookings_publishes_units_enums_and_examples(mcp, key_a):
    tool = next(t for t in mcp.list_tools(key_a) if t["name"] == "search_bookings")
    props = tool["inputSchema"]["properties"]
    assert props["limit"]["maximum"] == 500
    schema = json.dumps(tool["inputSchema"])
    assert '"ge"' not in schema and '"le"' not in schema and '"maximum": 253402300799999' in schema
    assert "overdue" in str(props["status"])
    assert "milliseconds" in tool["description"] or "Unix ms" in tool["description"]


class _In(BaseModel):
    q: str = ""


class _Out(BaseModel):
    id: str


def test_an_action_added_later_is_a_tool_at_once():
    registry = Registry()
    catalog = ToolCatalog(registry)
    owner = Principal(company_id="c", role="owner", permissions=permissions_for("owner"), location_ids=None)
    assert catalog.visible(owner) == []

    @action(name="list_widgets", method="GET", path="/widget", input=_In, output=_Out,
            permission="catalogue:read", paged=True, registry=registry)
    def list_widgets(principal, params):
        """List widgets."""
        return Page(items=[])

    tools = catalog.visible(owner)
    assert [t.name for t in tools] == ["list_widgets"]
    assert tools[0].output_schema["properties"]["items"]["type"] == "array"
    assert tools[0].annotations.read_only_hint is True


def test_tools_the_role_lacks_are_not_listed():
    catalog = ToolCatalog(load_all())
    viewer = Principal(company_id="c", role="viewer", permissions=permissions_for("viewer"), location_ids=None)
    listed = {t.name for t in catalog.visible(viewer)}
    for a in load_all():
        assert (a.name in listed) == (a.permission is None or a.permission in viewer.permissions), a.name


@pytest.mark.parametrize("name,title", [("search_bookings", "Search bookings"),
                                        ("createChangeRequest", "Create change request"),
                                        ("get_company", "Get company")])
def test_titles(name, title):
    assert title_of(name) == title
