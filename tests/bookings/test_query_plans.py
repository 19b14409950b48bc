"""The page query of each main filter combination is an index range scan that leads with company.

On SQLite the plan is read as the planner sees a fresh database (no ANALYZE statistics), the
worst case. On PostgreSQL the test tables are tiny, so sequential scans and sorts are switched off
to show whether an index serves the filter and the order as it would for a large table.
"""

from __future__ import annotations

import pytest
from django.db import connection

from lockii.actions.registry import load_all
from lockii.actions.run import validate_input
from lockii.bookings.search import filtered, ordered_page
from lockii.clock import now_ms
from tests import factories as f
from tests.bookings.shop import owner_of, principal_of

# (params, the index the plan must use, whether the ORDER BY must come from the index)
CASES = [
    ({}, "booking_company_created", True),
    ({"sort": "createdAt"}, "booking_company_created", True),
    ({"sort": "start"}, "booking_company_start", True),
    ({"sort": "-start"}, "booking_company_start", True),
    ({"sort": "end"}, "booking_company_end", True),
    ({"sort": "-price"}, "booking_company_total", True),
    ({"status": "active"}, "booking_company_status", True),
    ({"status": "overdue"}, "booking_company_status", True),
    ({"customerID": "K1"}, "booking_company_customer", True),
    ({"locationID": "L1"}, "booking_company_location", True),
    ({"createdAt": {"from": 0, "to": 10**13}}, "booking_company_created", True),
    ({"dateRange": {"from": 10**12, "to": 10**12 + 1}, "sort": "start"}, "booking_company_start", True),
    ({"dateRange": {"from": 10**12, "to": 10**12 + 1}}, "booking_company_start", False),
    ({"price": {"min": 10, "max": 20}}, "booking_company_total", False),
]


def plan_of(principal, raw) -> str:
    action = load_all()["search_bookings"]
    params = validate_input(action, raw)
    qs = ordered_page(filtered(principal, params, now_ms()), params.sort, None)[: params.limit + 1]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
    return qs.explain()


@pytest.mark.parametrize("raw, index, ordered", CASES)
def test_page_query_uses_a_company_index(shop, raw, index, ordered):
    raw = {k: {"K1": shop.k1.id, "L1": shop.l1.id}.get(v, v) if isinstance(v, str) else v for k, v in raw.items()}
    plan = plan_of(owner_of(shop.a), raw)
    if connection.vendor == "sqlite":
        assert index in plan, plan
        assert "SCAN bookings_booking" not in plan, plan
        assert ("USE TEMP B-TREE" not in plan) is ordered, plan
    else:
        assert "Seq Scan" not in plan, plan
        if ordered:  # unordered cases are left to PostgreSQL's statistics
            assert index in plan, plan
            assert "Sort" not in plan, plan


def test_location_limited_manager_walks_the_location_index(shop):
    manager = principal_of(f.user(shop.a, "manager", locations=[shop.l1]))
    plan = plan_of(manager, {})
    assert "booking_company_location" in plan, plan
