"""Shared fixtures: two companies, users of each role, API keys and a REST client helper."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests import factories as f


@dataclass
class World:
    """Company A (locations L1, L2) and company B, with users, keys and one booking per place."""

    a: object
    b: object
    l1: object
    l2: object
    lb: object
    owner_a: object
    manager_l1: object
    staff_a: object
    viewer_a: object
    owner_b: object
    key_a: str
    key_b: str
    bk_a1: object
    bk_a2: object
    bk_b1: object


@pytest.fixture
def world(db) -> World:
    a, b = f.company("Alpha Hire"), f.company("Beta Rentals")
    l1, l2, lb = f.location(a, "Alpha North"), f.location(a, "Alpha South"), f.location(b, "Beta Depot")
    return World(
        a=a, b=b, l1=l1, l2=l2, lb=lb,
        owner_a=f.user(a, "owner"), manager_l1=f.user(a, "manager", locations=[l1]),
        staff_a=f.user(a, "staff"), viewer_a=f.user(a, "viewer"), owner_b=f.user(b, "owner"),
        key_a=f.api_key(a), key_b=f.api_key(b),
        bk_a1=f.booking(a, location_=l1), bk_a2=f.booking(a, location_=l2), bk_b1=f.booking(b, location_=lb),
    )


@pytest.fixture
def api():
    """A Django test client with helpers for API-key calls."""
    return ApiClient()


class ApiClient(Client):
    def get_with_key(self, path: str, key: str, **params):
        return self.get(path, params, HTTP_X_API_KEY=key)
