"""OAuth test fixtures: pre-generated RSA keys, so each test's fresh database does not pay for new ones."""

from __future__ import annotations

import itertools

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from lockii.oauth import keys

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
