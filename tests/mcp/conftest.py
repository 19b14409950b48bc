"""Fixtures of the MCP tests: the real ASGI root in-process, and credentials of each kind.

Tool calls run on the MCP worker threads, which cannot see an uncommitted test transaction, so these
tests commit their data (``transactional_db``). The app itself runs once per module.
"""

from __future__ import annotations

import pytest

from tests.mcp.wire import McpHttp, running_app


@pytest.fixture
def mcp_world(transactional_db, world):
    """The shared world, committed so that the MCP worker threads see it."""
    return world


@pytest.fixture(scope="module")
def mcp():
    with running_app() as (portal, client):
        yield McpHttp(portal, client)


@pytest.fixture
def key_a(mcp_world) -> dict[str, str]:
    """Company A's API key header (acts as owner of company A)."""
    return {"x-api-key": mcp_world.key_a}
