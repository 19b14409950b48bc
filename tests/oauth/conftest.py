"""OAuth test fixtures: registered clients, a signed-in user, and pre-generated RSA keys (so each
test's fresh database does not pay for new ones)."""

from __future__ import annotations

import itertools

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from django.test import Client

from lockii.oauth import keys
from tests.oauth.oauth_kit import Registered, register, signed_in

_POOL = []


def _pooled_keys():
    if not _POOL:
        _POOL.extend(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4))
    return itertools.cycle(_POOL)


@pytest.fixture(autouse=True)
def fast_signing_keys(monkeypatch):
    """Key generation draws from four real keys made once per run (distinct within any test)."""
    pool = _pooled_keys()
    monkeypatch.setattr(keys.rsa, "generate_private_key", lambda **kw: next(pool))
    keys.clear_cache()
    yield
    keys.clear_cache()


@pytest.fixture
def pub(db) -> Registered:
    """A public client registered through DCR, like MCP clients do."""
    return register()


@pytest.fixture
def conf(db) -> Registered:
    """A confidential client registered through DCR (client_secret_basic)."""
    return register(method="client_secret_basic")


@pytest.fixture
def browser(world) -> Client:
    """Company A's location-limited manager, signed in."""
    return signed_in(world.manager_l1)
