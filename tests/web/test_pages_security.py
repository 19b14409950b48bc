"""Security headers, the stylesheet, error pages and navigation of the pages."""

from __future__ import annotations

from django.test import Client

from lockii.web.assets import CSS_VERSION


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_settings_pages_send_a_strict_policy(world, signed_in):
    client = signed_in(world.owner_a)
    for path in ("/settings/integrations", "/settings/team", f"/settings/team/{world.staff_a.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = directives(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]  # no 'unsafe-inline': the stylesheet is a file
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
        assert "script-src" not in csp  # falls back to default-src 'self'; the pages use no script
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert "<style" not in response.content.decode() and "<script" not in response.content.decode()


def test_sign_in_page_leaves_form_action_to_the_oauth_redirects(db):
    # The sign-in POST redirects to /oauth/authorize, which may redirect on to a client's
    # redirect URI; Chromium checks form-action on each of those redirects (tests/e2e).
    csp = directives(Client().get("/login"))
    assert "form-action" not in csp
    assert csp["frame-ancestors"] == ["'none'"] and csp["default-src"] == ["'self'"]


def test_the_stylesheet_is_served_with_a_versioned_url(db):
    client = Client()
    html = client.get("/login").content.decode()
    assert f'href="/assets/lockii.{CSS_VERSION}.css"' in html
    response = client.get(f"/assets/lockii.{CSS_VERSION}.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in response["Cache-Control"]
    assert client.get("/assets/lockii.0000.css").status_code == 404
    assert client.post(f"/assets/lockii.{CSS_VERSION}.css").status_code == 405


def test_unknown_pages_are_html_404s_without_a_trace(world, signed_in):
    response = signed_in(world.owner_a).get("/settings/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Traceback" not in response.content.decode()


def test_navigation_shows_team_only_to_those_who_manage_it(world, signed_in):
    owner_page = signed_in(world.owner_a).get("/settings/integrations").content.decode()
    assert 'href="/settings/team"' in owner_page and 'action="/logout"' in owner_page
    staff_page = signed_in(world.staff_a).get("/settings/integrations").content.decode()
    assert 'href="/settings/team"' not in staff_page and 'action="/logout"' in staff_page
    assert 'href="/settings/integrations"' not in Client().get("/login").content.decode()


def test_sign_out_needs_a_post_with_a_csrf_token(world, signed_in):
    client = signed_in(world.owner_a)
    assert client.post("/logout").status_code == 403
    assert client.get("/settings/integrations").status_code == 200
    response = client.submit("/logout")
    assert response.status_code == 302
    assert client.get("/settings/integrations").status_code == 302


def test_sign_in_lands_on_integrations(world):
    client = Client()
    response = client.post("/login", {"email": world.owner_a.email, "password": "pw-123456789"})
    assert response.status_code == 302 and response["Location"] == "/settings/integrations"
    assert client.get("/").headers["Location"] == "/settings/integrations"


GARBAGE = [
    {},
    {"name": "x" * 5000, "email": "a" * 300 + "@example.test", "password": "p" * 5000},
    {"role": ["owner", "viewer"], "access": ["all", "some"], "locations": ["location_" + "9" * 500]},
    {"redirect_uris": "https://a.example/cb\n" * 500, "client_type": "confidential", "name": "n"},
    {"name": "\x00🔒", "redirect_uris": "https://a.example/\x00", "email": "\x00@x.test", "password": "\x00" * 12},
]


def test_garbage_input_gets_a_page_never_a_500(world, signed_in):
    from lockii.oauth.models import Application

    app = Application.objects.create(company=world.a, name="App", client_type="confidential",
                                     authorization_grant_type="authorization-code",
                                     redirect_uris="https://a.example/cb")
    client = signed_in(world.owner_a)
    targets = ["/settings/integrations/api-keys", "/settings/team/add", f"/settings/team/{world.staff_a.id}",
               "/settings/integrations/oauth-apps/new", f"/settings/integrations/oauth-apps/{app.pk}",
               f"/settings/team/{world.staff_a.id}/disable", "/settings/integrations/connected-apps/x/disconnect"]
    for path in targets:
        for data in GARBAGE:
            response = client.submit(path, data)
            assert response.status_code < 500, (path, data)
            assert response["Content-Type"].startswith("text/html"), (path, data)
