"""Helpers for page tests: signed-in Django test clients that enforce CSRF like a browser does."""

from __future__ import annotations

import re

import pytest
from django.test import Client

BACKEND = "django.contrib.auth.backends.ModelBackend"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ONCE_INPUT = re.compile(r'name="once" value="([^"]+)"')  # web.submit_once's token


class PageClient(Client):
    """A browser-like client: CSRF enforced, and ``submit`` posts with the token taken from a page."""

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def token(self, page: str = "/settings/integrations") -> str:
        return self.hidden_fields(page)["csrfmiddlewaretoken"]

    def hidden_fields(self, page: str = "/settings/integrations") -> dict[str, str]:
        """The hidden inputs a form on ``page`` sends: the CSRF token and any submit-once token."""
        html = self.get(page).content.decode()
        found = _CSRF_INPUT.search(html)
        assert found, f"no CSRF token on {page}"
        once = _ONCE_INPUT.search(html)
        return {"csrfmiddlewaretoken": found.group(1), **({"once": once.group(1)} if once else {})}

    def submit(self, path: str, data: dict | None = None, *, page: str = "/settings/integrations", **kwargs):
        """POST ``data`` to ``path`` as the form on ``page`` would."""
        return self.post(path, {**self.hidden_fields(page), **(data or {})}, **kwargs)


@pytest.fixture
def signed_in():
    """``signed_in(user)`` → a PageClient with a session for ``user``."""

    def make(user) -> PageClient:
        client = PageClient()
        client.force_login(user, backend=BACKEND)
        return client

    return make
