"""The consent page and its POST: what the user is told, forgery, tampering, memory, 303.

Rows: protocol.md AS16, AS23, B5, B26, B28, O6, O14; CASE-11 (6), CASE-24; architecture.md
"the consent page is an attack surface".
RS18: not applicable: Lockii is its own authorization server and forwards no sign-in to a third-party
AS with a static client id, so there is no confused-deputy proxy; every client, dynamic ones included,
still gets the per-client consent page tested here (names the client and redirect URI, CSRF, no framing).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from lockii.audit.models import AuditEvent
from lockii.oauth import consent as consent_module
from lockii.oauth.models import Consent, Grant
from tests import factories as f
from tests.oauth.authorize_kit import (  # noqa: F401 (app, user_client: fixtures)
    AUTHZ, CB, PASSWORD, app, authorize, consent_form, consented, forms_in, location_base, location_params, make_client,
    assert_error_page, params, post_consent, user_client,
)

API, MCP = settings.API_RESOURCE, settings.MCP_RESOURCE


def signed_in(user, **client_kwargs) -> Client:
    """A client signed in through the real form (with its CSRF token, as a browser sends it)."""
    client = Client(**client_kwargs)
    token = forms_in(client.get("/login").content.decode())[-1]["fields"]["csrfmiddlewaretoken"]
    response = client.post("/login", {"email": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    return client


def text(response) -> str:
    return response.content.decode()


# ---- what the page says ---------------------------------------------------------------------------

def test_the_page_escapes_the_client_name(user_client, db):
    evil = make_client(name='<script>alert(1)</script><img src=x onerror=alert(2)>"Claude')
    page = text(authorize(user_client, evil))
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_shows_the_redirect_host_and_marks_self_registered_clients(user_client, db):
    phish = make_client(name="Claude", redirect_uris=("https://attacker.example/cb",))
    page = text(authorize(user_client, phish, redirect_uri="https://attacker.example/cb"))
    assert "<code>attacker.example</code>" in page
    assert 'data-testid="unverified"' in page and "Claude" in page


def test_a_pre_registered_client_is_not_marked_unverified(user_client, db):
    known = make_client(name="Alpha Reporting", source="manual", redirect_uris=("https://reports.example/cb",))
    page = text(authorize(user_client, known, redirect_uri="https://reports.example/cb"))
    assert "<code>reports.example</code>" in page and 'data-testid="unverified"' not in page


def test_a_loopback_redirect_is_described_as_this_computer(user_client, app):
    assert "this computer" in text(authorize(user_client, app))


def test_a_metadata_document_client_shows_its_publisher_and_where_the_code_goes(user_client, db):
    # Anyone can publish a file on a shared host: the page must also name the redirect's host.
    cimd = make_client(name="GitHub Copilot", source="cimd",
                       client_id="https://raw.githubusercontent.example/someone/x/main/client.json",
                       redirect_uris=("https://evil.example/cb",))
    page = text(authorize(user_client, cimd, redirect_uri="https://evil.example/cb"))
    assert "published at <strong><code>raw.githubusercontent.example</code>" in page
    assert "sent to <strong><code>evil.example</code>" in page and 'data-testid="unverified"' in page


def test_another_companys_app_is_not_shown_as_verified(world, user_client):
    foreign = make_client(name="Lockii Mobile", source="manual", company=world.b,
                          redirect_uris=("https://evil.example/cb",))
    page = text(authorize(user_client, foreign, redirect_uri="https://evil.example/cb"))
    assert 'data-testid="unverified"' in page and world.b.name in page
    own = make_client(name="Our widget", source="manual", company=world.a, redirect_uris=("https://w.example/cb",))
    assert 'data-testid="unverified"' not in text(authorize(user_client, own, redirect_uri="https://w.example/cb"))


def test_control_and_bidi_characters_never_reach_the_page(user_client, db):
    tricky = make_client(name="GitHub Copilot \u202egnp.exe\u0007", redirect_uris=("https://x.example/cb",))
    page = text(authorize(user_client, tricky, redirect_uri="https://x.example/cb"))
    assert "\u202e" not in page and "\u0007" not in page and "GitHub Copilot gnp.exe" in page


def test_the_page_names_company_role_and_location_limits(world, user_client, app):
    page = text(authorize(user_client, app))
    assert "Alpha Hire" in page and "Manager" in page
    assert "limited to Alpha North" in " ".join(page.split())
    assert "Alpha South" not in page


def test_an_unlimited_user_sees_every_location(world, app):
    page = text(authorize(signed_in(world.owner_a), app))
    assert "Owner" in page and "every location" in page


def test_offline_access_is_shown_when_refresh_tokens_will_be_issued(user_client, db):
    no_refresh = make_client(grant_types=("authorization_code",))
    assert "No offline access" in text(authorize(user_client, no_refresh))
    assert "Offline access:" in text(authorize(user_client, no_refresh, scope="openid offline_access"))
    with_refresh = make_client(grant_types=("authorization_code", "refresh_token"))
    page = text(authorize(user_client, with_refresh))
    assert "Offline access:" in page and "registered for refresh tokens" in page  # why, when not asked for


def test_the_page_lists_the_scopes_with_their_descriptions(user_client, app):
    page = text(authorize(user_client, app, scope="openid email"))
    assert "<code>email</code>: " + settings.OAUTH_SCOPES["email"] in page
    assert "<code>profile</code>" not in page


def test_the_form_posts_to_the_endpoint_without_the_query(user_client, app):
    form = consent_form(text(authorize(user_client, app)))
    assert form["action"] == AUTHZ and form["method"] == "post"
    assert form["fields"]["csrfmiddlewaretoken"] and form["fields"]["request_id"]


# ---- approve and deny ------------------------------------------------------------------------------

def test_approve_answers_303_with_code_state_and_iss(world, user_client, app):
    response = post_consent(user_client, authorize(user_client, app, resource=MCP))
    assert response.status_code == 303 and location_base(response) == CB
    got = location_params(response)
    assert set(got) == {"code", "state", "iss"} and got["state"] == "S1" and got["iss"] == settings.PUBLIC_URL
    grant = Grant.objects.get(code=got["code"])
    assert grant.user == world.manager_l1 and grant.application == app
    assert grant.scope == "openid profile" and grant.resource == [MCP]


def test_deny_answers_303_access_denied_and_remembers_nothing(user_client, app):
    response = post_consent(user_client, authorize(user_client, app), "deny")
    assert response.status_code == 303 and location_base(response) == CB
    got = location_params(response)
    assert (got["error"], got["state"], got["iss"]) == ("access_denied", "S1", settings.PUBLIC_URL)
    assert not Grant.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize("decision", ["maybe", "", "APPROVE", "approve "])
def test_any_decision_but_approve_is_a_refusal(user_client, app, decision):
    response = post_consent(user_client, authorize(user_client, app), decision)
    assert response.status_code == 303 and location_params(response)["error"] == "access_denied"
    assert not Grant.objects.exists()


# ---- forgery (CASE-24, B28) ---------------------------------------------------------------------

@pytest.fixture
def csrf_client(world):
    return signed_in(world.manager_l1, enforce_csrf_checks=True)


def test_a_self_registered_client_gets_a_page_not_a_code(csrf_client, db):
    phish = make_client(name="Claude", redirect_uris=("https://attacker.example/cb",))
    page = authorize(csrf_client, phish, redirect_uri="https://attacker.example/cb")
    assert page.status_code == 200 and "Location" not in page
    assert not Grant.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(csrf_client, app):
    form = consent_form(text(authorize(csrf_client, app)))
    fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
    response = csrf_client.post(AUTHZ, {**fields, "decision": "approve"})
    assert response.status_code == 403 and "Location" not in response
    assert not Grant.objects.exists()


def test_a_post_from_a_foreign_origin_is_refused(csrf_client, app):
    form = consent_form(text(authorize(csrf_client, app)))
    response = csrf_client.post(AUTHZ, {**form["fields"], "decision": "approve"},
                                HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 403 and not Grant.objects.exists()


def test_origin_null_from_our_no_referrer_page_is_accepted_with_a_valid_token(csrf_client, app):
    form = consent_form(text(authorize(csrf_client, app)))
    response = csrf_client.post(AUTHZ, {**form["fields"], "decision": "approve"}, HTTP_ORIGIN="null")
    assert response.status_code == 303 and "code" in location_params(response)


def test_origin_null_without_the_token_is_still_refused(csrf_client, app):
    form = consent_form(text(authorize(csrf_client, app)))
    fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
    response = csrf_client.post(AUTHZ, {**fields, "decision": "approve"}, HTTP_ORIGIN="null")
    assert response.status_code == 403 and not Grant.objects.exists()


def test_another_users_session_cannot_use_a_lifted_form(world, csrf_client, app):
    form = consent_form(text(authorize(csrf_client, app)))
    other = signed_in(world.owner_b, enforce_csrf_checks=True)
    # (c) A's whole form, B's cookies: the CSRF token does not match B's cookie.
    assert other.post(AUTHZ, {**form["fields"], "decision": "approve"}).status_code == 403
    # B's own valid token with A's parked request id: not parked in B's session.
    own = consent_form(text(authorize(other, app)))
    lifted = {**form["fields"], "csrfmiddlewaretoken": own["fields"]["csrfmiddlewaretoken"], "decision": "approve"}
    response = other.post(AUTHZ, lifted)
    assert response.status_code == 400 and "Location" not in response
    assert not Grant.objects.exists()


# ---- tampering: the POST must equal what the GET validated ---------------------------------------

@pytest.mark.parametrize("field, value", [
    ("client_id", "other-client"),
    ("redirect_uri", "http://127.0.0.1:33418/other"),
    ("redirect_uri", "https://attacker.example/cb"),
    ("scope", "openid profile email offline_access"),
    ("resource", "https://evil.example/"),
    ("resource", API),
    ("code_challenge", "B" * 43),
    ("code_challenge_method", "plain"),
    ("state", "S2"),
    ("nonce", "other"),
    ("response_type", "token"),
    ("request_id", "made-up"),
])
def test_a_changed_field_is_refused_and_nothing_is_issued(user_client, app, field, value):
    response = post_consent(user_client, authorize(user_client, app, resource=MCP), **{field: value})
    assert response.status_code == 400 and "Location" not in response
    assert not Grant.objects.exists() and not Consent.objects.exists()


def test_a_consent_form_is_single_use(user_client, app):
    page = authorize(user_client, app)
    assert post_consent(user_client, page).status_code == 303
    replay = post_consent(user_client, page)
    assert replay.status_code == 400 and Grant.objects.count() == 1


def test_an_expired_consent_form_is_refused(user_client, app, monkeypatch):
    page = authorize(user_client, app)
    real_time = consent_module.time.time
    monkeypatch.setattr(consent_module.time, "time", lambda: real_time() + consent_module.PENDING_TTL_S + 1)
    assert post_consent(user_client, page).status_code == 400
    assert not Grant.objects.exists()


def test_a_post_after_signing_out_is_refused(user_client, app):
    page = authorize(user_client, app)
    user_client.post("/logout")
    response = post_consent(user_client, page)
    assert response.status_code == 400 and "Location" not in response and not Grant.objects.exists()


@pytest.mark.parametrize("demand", [{"prompt": "login"}, {"max_age": "0"}])
def test_an_open_consent_page_waits_for_a_demanded_sign_in(user_client, app, demand):
    """O6/O7: once any request asks for a fresh sign-in, an approval opened earlier issues nothing."""
    page = authorize(user_client, app, state="early")
    assert authorize(user_client, app, **demand)["Location"].startswith("/login")
    assert_error_page(post_consent(user_client, page))
    assert not Grant.objects.exists()
    assert user_client.post("/login", {"email": page.wsgi_request.user.email, "password": PASSWORD}).status_code == 302
    assert location_params(consented(user_client, app, state="after"))["state"] == "after"


def test_several_open_consent_pages_each_work(user_client, app):
    first, second = authorize(user_client, app, state="A"), authorize(user_client, app, state="B")
    assert location_params(post_consent(user_client, second))["state"] == "B"
    assert location_params(post_consent(user_client, first, "deny"))["state"] == "A"


# ---- memory: per user, client, scopes and resources ----------------------------------------------

def test_an_approved_client_skips_the_page_for_the_same_or_narrower_request(user_client, app):
    consented(user_client, app, scope="openid profile email")
    for scope in ("openid profile email", "openid", "email profile"):
        response = authorize(user_client, app, scope=scope)
        assert response.status_code == 302 and "code" in location_params(response), scope
        assert location_params(response)["iss"] == settings.PUBLIC_URL


def test_wider_scopes_ask_again_and_then_cover_the_union(user_client, app):
    consented(user_client, app, scope="openid")
    page = authorize(user_client, app, scope="openid email")
    assert page.status_code == 200
    post_consent(user_client, page)
    assert authorize(user_client, app, scope="email openid").status_code == 302


def test_a_resource_outside_the_approved_ones_asks_again(user_client, app):
    consented(user_client, app, resource=MCP)
    assert authorize(user_client, app, resource=MCP).status_code == 302
    assert authorize(user_client, app, resource=API).status_code == 200
    assert authorize(user_client, app).status_code == 200  # no resource means both


def test_consent_does_not_carry_to_another_client_with_the_same_name(user_client, db):
    first, second = make_client(name="Claude"), make_client(name="Claude")
    consented(user_client, first)
    assert authorize(user_client, second).status_code == 200


def test_consent_does_not_carry_to_another_user(world, user_client, app):
    consented(user_client, app)
    colleague = signed_in(f.user(world.a, "staff"))
    assert authorize(colleague, app).status_code == 200


def test_deny_after_prompt_consent_keeps_the_earlier_approval(user_client, app):
    consented(user_client, app)
    post_consent(user_client, authorize(user_client, app, prompt="consent"), "deny")
    assert authorize(user_client, app).status_code == 302


def test_the_root_authorize_alias_runs_the_same_flow(user_client, app):
    page = user_client.get("/authorize?" + urlencode(params(app)))
    assert page.status_code == 200 and consent_form(text(page))["action"] == "/authorize"
    response = post_consent(user_client, page)
    assert response.status_code == 303 and "code" in location_params(response)


def test_consent_covers_only_the_redirect_it_was_shown_with(user_client, db):
    # Approving a flow that goes to this computer must not let the same client later send a code
    # to a remote host without a page (a self-registered client may list both, or add one later).
    two = make_client(redirect_uris=(CB, "https://attacker.example/cb"))
    consented(user_client, two)
    response = authorize(user_client, two, redirect_uri="https://attacker.example/cb")
    assert response.status_code == 200 and "<code>attacker.example</code>" in text(response)
    post_consent(user_client, response)
    assert authorize(user_client, two, redirect_uri="https://attacker.example/cb").status_code == 302
    assert authorize(user_client, two).status_code == 302  # both approved now


def test_consent_for_a_loopback_redirect_covers_its_other_ports(user_client, app):
    # Native clients bind a fresh port on every run (RFC 8252 §7.3): one approval, not one per port.
    consented(user_client, app, redirect_uri="http://127.0.0.1:51004/callback")
    assert authorize(user_client, app, redirect_uri="http://127.0.0.1:40000/callback").status_code == 302
    assert authorize(user_client, app).status_code == 302


def test_consent_does_not_follow_a_redirect_uri_changed_after_approval(user_client, app):
    consented(user_client, app)
    app.redirect_uris = "https://attacker.example/cb"
    app.save()
    assert authorize(user_client, app, redirect_uri="https://attacker.example/cb").status_code == 200


def test_an_approval_is_audited_as_the_user_via_the_app(world, user_client, app):
    """An app now acts for the user on company data: who let which app do what is recorded."""
    post_consent(user_client, authorize(user_client, app))
    event = AuditEvent.objects.get(action="oauth.consent")
    assert (event.company_id, event.actor_id, event.via_client) == (world.a.id, world.manager_l1.id, app.client_id)
    assert event.target_id == app.pk and event.detail["scopes"] == ["openid", "profile"]
    assert post_consent(user_client, authorize(user_client, app, prompt="consent"), decision="deny")  # grants nothing
    assert AuditEvent.objects.filter(action="oauth.consent").count() == 1
