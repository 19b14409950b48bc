"""Helpers for token-side tests: register clients through /oauth/register, run real PKCE flows.

Codes come from the real authorization endpoint and consent page (signed-in Django test client), so
every test of /token starts where a real client would.
"""

from __future__ import annotations

import base64
import time
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.test import Client

from tests.oauth.authorize_kit import consent_form

CB = "http://127.0.0.1:33418/callback"
TOKEN = "/oauth/token"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def b64url_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def jwt_claims(token: str) -> dict:
    return b64url_json(token.split(".")[1])


def jwt_header(token: str) -> dict:
    return b64url_json(token.split(".")[0])


@dataclass
class Registered:
    client_id: str
    secret: str | None
    body: dict
    redirect_uri: str = CB


def register(http: Client | None = None, *, method: str = "none", redirect_uris=(CB,), **metadata) -> Registered:
    """POST /oauth/register; fails the test unless it answers 201."""
    http = http or Client()
    body = {"client_name": "t-client", "redirect_uris": list(redirect_uris), "token_endpoint_auth_method": method,
            **metadata}
    response = http.post("/oauth/register", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    return Registered(data["client_id"], data.get("client_secret"), data, redirect_uris[0])


@dataclass
class Code:
    code: str
    verifier: str
    redirect_uri: str
    client_id: str
    params: dict = field(default_factory=dict)


def signed_in(user) -> Client:
    """A browser signed in as ``user`` just now, as /login leaves it (the sign-in time included)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["auth_time"] = int(time.time())
    session.save()
    return client


def get_code(browser: Client, client: Registered, *, scope: str = "openid profile email", resource=None,
             redirect_uri: str | None = None, nonce: str | None = None, state: str = "S1") -> Code:
    """Authorize as the signed-in ``browser`` user, approving the consent page if it is shown."""
    verifier, challenge = pkce_pair()
    redirect_uri = redirect_uri or client.redirect_uri
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
             "code_challenge": challenge, "code_challenge_method": "S256", "state": state, "scope": scope}
    if nonce:
        query["nonce"] = nonce
    if resource:
        query["resource"] = resource if isinstance(resource, list) else [resource]
    response = browser.get("/oauth/authorize?" + urlencode(query, doseq=True))
    if response.status_code == 200:
        form = consent_form(response.content.decode())
        response = browser.post(form["action"] or "/oauth/authorize", dict(form["fields"], decision="approve"))
    assert response.status_code in (302, 303), (response.status_code, response.content[:500])
    location = urlsplit(response["Location"])
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert "code" in params, params
    assert params["iss"] == settings.PUBLIC_URL
    return Code(params["code"], verifier, redirect_uri, client.client_id, params)


def redeem(code: Code, http: Client | None = None, *, secret: str | None = None, basic: bool = False,
           **overrides):
    """POST /token for ``code``; ``overrides`` replace form fields (None removes one)."""
    http = http or Client()
    form = {"grant_type": "authorization_code", "code": code.code, "redirect_uri": code.redirect_uri,
            "client_id": code.client_id, "code_verifier": code.verifier}
    headers = {}
    if secret is not None and basic:
        from urllib.parse import quote

        raw = f"{quote(code.client_id, safe='')}:{quote(secret, safe='')}".encode()
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(raw).decode()
        form.pop("client_id")
    elif secret is not None:
        form["client_secret"] = secret
    form.update(overrides)
    form = {k: v for k, v in form.items() if v is not None}
    return http.post(TOKEN, form, **headers)


def refresh(client_id: str, refresh_token: str, http: Client | None = None, **extra):
    http = http or Client()
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id, **extra}
    return http.post(TOKEN, {k: v for k, v in form.items() if v is not None})


def bearer(http: Client, path: str, token: str, method: str = "get", **kw):
    return getattr(http, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **kw)


def tokens_for(browser: Client, client: Registered, **kw) -> dict:
    """A full flow: code, then a 200 token response."""
    code = get_code(browser, client, **kw)
    response = redeem(code, secret=client.secret)
    assert response.status_code == 200, response.content
    return response.json()
