"""Helpers for authorization-endpoint tests: clients, PKCE pairs, requests and the consent form."""

from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import get_application_model

AUTHZ = "/oauth/authorize"
CB = "http://127.0.0.1:33418/callback"


def pkce_pair() -> tuple[str, str]:
    """A fresh (verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)[:64]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def make_client(name: str = "t-pub", redirect_uris=(CB,), *, source: str = "dcr", client_id: str | None = None,
                grant_types=("authorization_code", "refresh_token"), **fields):
    """A public client as DCR (or a company, with ``source="manual"``) would have stored it."""
    app_model = get_application_model()
    extra = {"client_id": client_id} if client_id else {}
    return app_model.objects.create(
        name=name, redirect_uris=" ".join(redirect_uris), client_type=app_model.CLIENT_PUBLIC,
        authorization_grant_type=app_model.GRANT_AUTHORIZATION_CODE, registration_source=source,
        token_endpoint_auth_method="none", grant_types=list(grant_types), client_secret="", **extra, **fields,
    )


def params(app, *, challenge: str | None = None, drop=(), **overrides) -> dict:
    """A valid authorization request for ``app``; ``overrides`` replace or add, ``drop`` removes."""
    query = {
        "response_type": "code", "client_id": app.client_id, "redirect_uri": CB,
        "code_challenge": challenge or pkce_pair()[1], "code_challenge_method": "S256",
        "state": "S1", "scope": "openid profile",
    }
    query.update(overrides)
    for name in drop:
        query.pop(name, None)
    return query


def authorize(client, app=None, *, query: dict | None = None, **overrides):
    """GET /oauth/authorize with ``params(app, **overrides)`` (or a literal ``query``)."""
    query = query if query is not None else params(app, **overrides)
    return client.get(AUTHZ + "?" + urlencode(query, doseq=True))


def location_params(response) -> dict[str, str]:
    """The query parameters of a redirect's Location, one value each (repeats fail the test)."""
    parsed = parse_qs(urlsplit(response["Location"]).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in parsed.values()), f"repeated parameter in {response['Location']}"
    return {k: v[0] for k, v in parsed.items()}


def location_base(response) -> str:
    parts = urlsplit(response["Location"])
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": (attrs.get("method") or "get").lower(),
                               "fields": {}, "buttons": []})
        elif self.forms and tag == "input" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif self.forms and tag == "button" and attrs.get("name"):
            self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value") or ""))


def forms_in(html: str) -> list[dict]:
    """Every form of a page: action, method, input values by name and named buttons."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def consent_form(html: str) -> dict:
    """The consent page's form (the one with Approve and Deny buttons)."""
    for form in forms_in(html):
        if ("decision", "approve") in form["buttons"]:
            return form
    raise AssertionError("no consent form on the page")


def post_consent(client, page, decision: str = "approve", **changes):
    """POST the consent form of ``page`` with ``decision``; ``changes`` alter posted fields."""
    form = consent_form(page.content.decode())
    data = dict(form["fields"], decision=decision, **changes)
    return client.post(form["action"] or AUTHZ, data)


PASSWORD = "pw-123456789"  # tests.factories.user's default


@pytest.fixture
def app(db):
    """A self-registered public client with one loopback redirect URI (``CB``)."""
    return make_client()


@pytest.fixture
def user_client(world):
    """Company A's location-limited manager, signed in through the real sign-in form."""
    client = Client()
    response = client.post("/login", {"email": world.manager_l1.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def consented(client, app, **overrides):
    """Approve ``app`` once through the consent page; return the approval's redirect."""
    page = authorize(client, app, **overrides)
    assert page.status_code == 200, page
    return post_consent(client, page)


def assert_error_page(response):
    """The RFC 6749 §4.1.2.1 answer: an HTML page, no Location, nothing for the client."""
    assert response.status_code == 400
    assert "Location" not in response
    assert response["Content-Type"].startswith("text/html")
    assert b"not valid" in response.content
    assert b'name="decision"' not in response.content  # no consent form


