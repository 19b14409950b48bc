"""A scripted person at the real login and consent pages, and the OAuth FLOW of the cases file.

``Person.authorize(url)`` follows an authorization request the way a browser would: redirects to
the login page, the login form POST (CSRF token parsed from the HTML), back to /oauth/authorize,
the consent form POST with ``decision=approve``, until the redirect to the client's callback, whose
query it returns. Used as the redirect handler of the MCP SDK's OAuth client, and by ``token_for``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx

CB = "http://127.0.0.1:33418/callback"
MAX_STEPS = 12
SCOPE = "openid profile email"


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}, "buttons": {}})
        elif self.forms and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif self.forms and tag == "button" and attrs.get("name"):
            self.forms[-1]["buttons"][attrs["name"]] = attrs.get("value") or ""


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class Person:
    """Someone with a Lockii account and a browser (a cookie jar)."""

    base: str
    email: str
    password: str

    def __post_init__(self) -> None:
        self.http = httpx.AsyncClient(base_url=self.base, follow_redirects=False, timeout=30)

    async def aclose(self) -> None:
        await self.http.aclose()

    def _fill(self, html: str) -> dict:
        """The form to submit on this page: the login form, or the consent form approved."""
        for form in forms_of(html):
            fields = dict(form["fields"])
            if "password" in fields:
                fields.update(email=self.email, password=self.password)
                return {"action": form["action"], "fields": fields}
            if form["buttons"].get("decision") is not None:
                return {"action": form["action"], "fields": {**fields, "decision": "approve"}}
        raise AssertionError(f"no login or consent form on the page:\n{html[:2000]}")

    async def authorize(self, url: str, redirect_uri: str = CB) -> dict[str, str]:
        """Follow ``url`` through login and consent; the query of the redirect to ``redirect_uri``."""
        response = await self.http.get(url)
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(redirect_uri):
                    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
                response = await self.http.get(location)
            elif response.status_code == 200:
                form = self._fill(response.text)
                response = await self.http.post(urljoin(str(response.url), form["action"]), data=form["fields"])
            else:
                raise AssertionError(f"{response.status_code} at {response.url}:\n{response.text[:2000]}")
        raise AssertionError(f"no redirect to {redirect_uri} after {MAX_STEPS} steps")


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def register(base: str) -> str:
    """A public client registered through /oauth/register (RFC 7591); its client_id."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.post("/oauth/register", json={
            "client_name": "lockii-e2e", "redirect_uris": [CB], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "application_type": "native"})
    assert r.status_code == 201, r.text
    return r.json()["client_id"]


async def token_for(person: Person, resource: str | list[str] | None, scope: str = SCOPE) -> dict:
    """FLOW(PUB, person, scope, resource): register, authorize as ``person``, redeem; the token response."""
    client_id = await register(person.base)
    verifier, challenge = pkce()
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": CB, "scope": scope,
             "code_challenge": challenge, "code_challenge_method": "S256", "state": secrets.token_urlsafe(8)}
    resources = [resource] if isinstance(resource, str) else list(resource or [])
    url = "/oauth/authorize?" + urlencode({**query, "resource": resources}, doseq=True)
    params = await person.authorize(url)
    assert params.get("state") == query["state"] and "code" in params, params
    form = {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": CB,
            "client_id": client_id, "code_verifier": verifier}
    async with httpx.AsyncClient(base_url=person.base, timeout=30) as http:
        r = await http.post("/oauth/token", data={**form, "resource": resources})
    assert r.status_code == 200, r.text
    return {**r.json(), "client_id": client_id}
