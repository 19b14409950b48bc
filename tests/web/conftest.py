"""Helpers for page tests: signed-in Django test clients that enforce CSRF like a browser does."""

from __future__ import annotations

import re

import pytest
from django.test import Client

BACKEND = "django.contrib.auth.backends.ModelBackend"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PageClient(Client):
    """A browser-like client: CSRF enforced, and ``submit`` posts with the token taken from a page."""

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def token(self, page: str = "/settings/integrations") -> str:
        html = self.get(page).content.decode()
        found = _CSRF_INPUT.search(html)
        assert found, f"no CSRF token on {page}"
        return found.group(1)

    def submit(self, path: str, data: dict | None = None, *, page: str = "/settings/integrations", **kwargs):
        """POST ``data`` to ``path`` as the form on ``page`` would."""
        return self.post(path, {**(data or {}), "csrfmiddlewaretoken": self.token(page)}, **kwargs)


@pytest.fixture
def signed_in():
    """``signed_in(user)`` → a PageClient with a session for ``user``."""

    def make(user) -> PageClient:
        client = PageClient()
        client.force_login(user, backend=BACKEND)
        return client

    return make
