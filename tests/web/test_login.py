"""The sign-in page as the OAuth flow uses it: the way back to /oauth/authorize, auth_time, headers.

Rows: protocol.md B4 (no open redirect), B27, B28, O20; OIDC Core auth_time (O7); dot-notes 3.9 (no
``no-referrer`` on the sign-in page, or Chromium's ``Origin: null`` fails Django's CSRF check).
"""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from lockii.oauth.authorize import REAUTH_SESSION_KEY
from tests.oauth.authorize_kit import forms_in

PASSWORD = "pw-123456789"
NEXT = "/oauth/authorize?" + urlencode({
    "response_type": "code", "client_id": "abc", "redirect_uri": "http://127.0.0.1:33418/callback",
    "state": "a b+c/d=e&f%g", "scope": "openid profile", "resource": "http://127.0.0.1:8000/api/mcp/user",
})


def login_form(client: Client, next_value: str | None = None) -> dict:
    page = client.get("/login" + (f"?next={quote(next_value, safe='')}" if next_value is not None else ""))
    assert page.status_code == 200
    return next(form for form in forms_in(page.content.decode()) if "password" in form["fields"])


def sign_in(client: Client, email: str, next_value: str | None = None, password: str = PASSWORD):
    form = login_form(client, next_value)
    return client.post("/login", {**form["fields"], "email": email, "password": password})


def test_sign_in_goes_back_to_the_authorization_request_unchanged(world):
    client = Client(enforce_csrf_checks=True)
    form = login_form(client, NEXT)
    assert form["fields"]["next"] == NEXT
    response = client.post("/login", {**form["fields"], "email": world.manager_l1.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == NEXT


@pytest.mark.parametrize("target", ["https://evil.example/cb", "//evil.example/cb", "/\\evil.example",
                                    "javascript:alert(1)", "http://127.0.0.1:33418/callback?code=x"])
def test_sign_in_never_sends_the_user_off_site(world, target):
    response = sign_in(Client(), world.manager_l1.email, target)
    assert response.status_code == 302 and response["Location"] == "/settings/integrations"


def test_sign_out_never_follows_a_post_logout_redirect_uri(world):
    """O20, B4: RP-initiated logout is not offered; sign-out ignores any target it is given."""
    client = Client()
    sign_in(client, world.manager_l1.email)
    query = urlencode({"post_logout_redirect_uri": "https://evil.example/bye", "next": "https://evil.example/"})
    response = client.post("/logout?" + query, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/login"
    assert "_auth_user_id" not in client.session
    assert Client().get("/logout?" + query).status_code == 405  # never a GET a third-party page can trigger


def test_sign_in_records_auth_time_in_the_session(world):
    client = Client()
    before = int(time.time())
    sign_in(client, world.manager_l1.email)
    auth_time = client.session["auth_time"]
    assert isinstance(auth_time, int) and before <= auth_time <= int(time.time())


def test_only_a_real_sign_in_clears_a_pending_reauthentication(world):
    client = Client()
    sign_in(client, world.manager_l1.email)
    session = client.session
    session[REAUTH_SESSION_KEY] = True
    session.save()
    assert sign_in(client, world.manager_l1.email, password="wrong-password").status_code == 400
    assert client.session.get(REAUTH_SESSION_KEY) is True
    sign_in(client, world.manager_l1.email)
    assert REAUTH_SESSION_KEY not in client.session


def test_a_failed_sign_in_keeps_the_way_back_and_signs_nobody_in(world):
    client = Client()
    response = sign_in(client, world.manager_l1.email, NEXT, password="wrong-password")
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert next(f for f in forms_in(response.content.decode()) if "password" in f["fields"])["fields"]["next"] == NEXT


def test_unknown_and_known_accounts_get_the_same_answer(world):
    known = sign_in(Client(), world.manager_l1.email, password="wrong-password")
    unknown = sign_in(Client(), "nobody@example.test", password="wrong-password")
    assert known.status_code == unknown.status_code == 400
    assert b"Email or password is incorrect." in known.content and b"Email or password is incorrect." in unknown.content


def test_the_sign_in_post_needs_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.get("/login")
    response = client.post("/login", {"email": world.manager_l1.email, "password": PASSWORD})
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_the_sign_in_page_cannot_be_framed_and_keeps_a_same_origin_referrer(db):
    response = Client().get("/login?next=" + quote(NEXT, safe=""))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    # Not no-referrer: Chromium would then send Origin: null and the CSRF check would refuse it.
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_https_deployments_use_host_prefixed_session_and_csrf_cookies(tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOCKII_", "DJANGO_"))}
    env.update(LOCKII_PUBLIC_URL="https://dash.example.test", LOCKII_SECRET_KEY="s" * 40,
               LOCKII_DATA_DIR=str(tmp_path))
    code = ("import json, lockii.settings as s; print(json.dumps([s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN if hasattr(s, 'SESSION_COOKIE_DOMAIN')"
            " else None]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == ["__Host-lockii_session", True, "__Host-lockii_csrf", True, None]
