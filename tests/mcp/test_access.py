"""Who may do what through the tools: OAuth users with their role and locations, checked on every call.

Rows: CASE-35 (permission and locations checked on every call, not only in ``tools/list``).
RS9, CASE-05: no ``insufficient_scope`` step-up, because tokens carry no API scopes (only the OIDC
identity scopes); what a token may do is the user's role and locations, which re-authorising cannot
widen. A missing permission is therefore a 403 ``permission_denied`` problem naming it: over REST an
HTTP 403 (tests/bookings/test_permissions.py), over MCP an ``isError`` tool result with status 403
(the MCP spec signals tool failures inside the result), never a 401 and never run.
RS15: not applicable: no scope implies another (``openid``, ``profile``, ``email``, ``offline_access``
are independent OIDC scopes), so there is no scope hierarchy to honour.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from pydantic import BaseModel, ConfigDict

from lockii.actions.registry import Registry, action, load_all
from lockii.identity.roles import permissions_for
from tests.mcp.wire import LEGACY, MODERN, serving
from tests.oauth.oauth_kit import get_code, redeem, register, signed_in


def bearer_for(user, resource: str) -> dict[str, str]:
    """A real access token for ``user`` bound to ``resource``, from /oauth/authorize and /oauth/token."""
    client = register()
    code = get_code(signed_in(user), client, resource=resource)
    response = redeem(code, resource=resource)
    assert response.status_code == 200, response.content
    return {"authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def as_manager_l1(mcp_world):
    return bearer_for(mcp_world.manager_l1, settings.MCP_RESOURCE)


@pytest.mark.parametrize("era", [LEGACY, MODERN])
def test_location_limited_manager_sees_only_their_location(mcp, mcp_world, as_manager_l1, era):
    """CASE-35: arguments naming another location return nothing of it."""
    company = mcp.call_tool("get_company", {}, as_manager_l1, era)["structuredContent"]
    assert (company["role"], company["locations"]) == ("manager", [mcp_world.l1.id])
    assert company["caller"]["type"] == "user" and company["caller"]["oauthClientId"]

    page = mcp.call_tool("search_bookings", {"limit": 500}, as_manager_l1, era)["structuredContent"]
    assert [b["id"] for b in page["items"]] == [mcp_world.bk_a1.id]
    other = mcp.call_tool("search_bookings", {"locationID": mcp_world.l2.id}, as_manager_l1, era)
    assert other["structuredContent"]["items"] == []

    result = mcp.call_tool("get_booking", {"id": mcp_world.bk_a2.id}, as_manager_l1, era)
    assert result["isError"] is True
    assert (result["structuredContent"]["status"], result["structuredContent"]["code"]) == (404, "not_found")
    assert mcp_world.l2.id not in str(result)


def test_a_token_for_the_rest_api_is_refused(mcp, mcp_world):
    rest_only = bearer_for(mcp_world.owner_a, settings.API_RESOURCE)
    r = mcp.post({"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                 {"content-type": "application/json", "accept": "application/json", **rest_only})
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]


class _RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int


class _RefundOut(BaseModel):
    refunded: int


@pytest.fixture
def refund_tool():
    """An app serving one write tool that needs organization:update, recording every run of its handler."""
    registry, runs = Registry(), []

    @action(name="refund_probe", method="POST", path="/probe", input=_RefundIn, output=_RefundOut,
            permission="organization:update", registry=registry)
    def refund_probe(principal, params):
        """Refund an amount (cents)."""
        runs.append(principal.role)
        return _RefundOut(refunded=params.amount)

    with serving(registry) as http:
        yield http, runs


@pytest.mark.parametrize("era", [LEGACY, MODERN])
def test_permission_is_checked_on_every_call_not_only_in_the_list(mcp_world, refund_tool, era):
    """CASE-35, CASE-05: a hidden tool called anyway is a 403 naming the permission, and never runs."""
    http, runs = refund_tool
    staff = bearer_for(mcp_world.staff_a, settings.MCP_RESOURCE)
    assert http.list_tools(staff, era) == []  # hidden from the list…

    result = http.call_tool("refund_probe", {"amount": 100}, staff, era)  # …and refused when called anyway
    assert result["isError"] is True
    problem = result["structuredContent"]
    assert (problem["status"], problem["code"], problem["permission"]) == (403, "permission_denied",
                                                                           "organization:update")
    assert "organization:update" in result["content"][0]["text"]
    assert runs == []

    owner = {"x-api-key": mcp_world.key_a}
    assert [t["name"] for t in http.list_tools(owner, era)] == ["refund_probe"]
    assert http.call_tool("refund_probe", {"amount": 100}, owner, era)["structuredContent"] == {"refunded": 100}
    assert runs == ["owner"]


def test_every_role_lists_exactly_what_it_may_call(mcp, mcp_world):
    registry = load_all()
    for user in (mcp_world.viewer_a, mcp_world.staff_a, mcp_world.manager_l1, mcp_world.owner_a):
        names = {t["name"] for t in mcp.list_tools(bearer_for(user, settings.MCP_RESOURCE))}
        allowed = {a.name for a in registry if a.permission is None or a.permission in permissions_for(user.role)}
        assert names == allowed, user.role
