"""Settings → Integrations → OAuth apps: register, view, edit, rotate the secret, delete; rules and isolation."""

from __future__ import annotations

import re

from django.contrib.auth.hashers import check_password

from lockii.audit.models import AuditEvent
from lockii.oauth.models import Application
from tests import factories as f

NEW = "/settings/integrations/oauth-apps/new"
SECRET = re.compile(r'id="client-secret"[^>]*>([^<]+)<')


def register(client, **fields):
    data = {"name": "Booking widget", "redirect_uris": "https://widget.example/callback\nhttp://127.0.0.1/cb",
            "client_type": "confidential", **fields}
    return client.submit(NEW, data, page=NEW)


def app_of(company, name="Booking widget") -> Application:
    return Application.objects.get(company=company, name=name)


def test_owner_registers_a_confidential_app_and_sees_the_secret_once(world, signed_in):
    client = signed_in(world.owner_a)
    response = register(client)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = SECRET.search(html).group(1)
    app = app_of(world.a)
    assert app.client_id in html and "/oauth/token" in html
    assert app.redirect_uri_list == ["https://widget.example/callback", "http://127.0.0.1/cb"]
    assert app.client_type == "confidential" and app.registration_source == "manual"
    assert app.client_secret != secret and check_password(secret, app.client_secret)  # stored hashed
    detail = client.get(f"/settings/integrations/oauth-apps/{app.pk}").content.decode()
    assert app.client_id in detail and "https://widget.example/callback" in detail
    assert secret not in detail
    assert secret not in client.get("/settings/integrations").content.decode()
    event = AuditEvent.objects.get(action="oauthapp.create", target_id=app.pk)
    assert (event.company_id, event.actor_id) == (world.a.id, world.owner_a.id)


def test_a_public_app_has_no_secret(world, signed_in):
    client = signed_in(world.owner_a)
    response = register(client, client_type="public", name="Mobile app")
    app = app_of(world.a, "Mobile app")
    assert response.status_code == 302 and response["Location"] == f"/settings/integrations/oauth-apps/{app.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Public (PKCE, no secret)" in page and "Make a new secret" not in page
    assert client.submit(f"/settings/integrations/oauth-apps/{app.pk}/rotate-secret").status_code == 400


def test_bad_redirect_uris_and_names_are_shown_on_the_form(world, signed_in):
    client = signed_in(world.owner_a)
    for fields in ({"redirect_uris": "http://evil.example/cb"}, {"redirect_uris": "https://a.example/cb#frag"},
                   {"redirect_uris": "   "}, {"name": ""}, {"client_type": "both"},
                   {"redirect_uris": "javascript:alert(1)"}):
        response = register(client, **fields)
        assert response.status_code == 400, fields
        assert "errorlist" in response.content.decode()
    assert not Application.objects.filter(company=world.a).exists()


def test_redirect_uris_are_one_per_line_and_a_line_with_spaces_is_one_bad_uri(world, signed_in):
    client = signed_in(world.owner_a)
    page = register(client, redirect_uris="not a url").content.decode()
    assert page.count('class="errorlist') == 1 and "whitespace" in page
    register(client, redirect_uris="  https://a.example/cb  \r\n\r\nhttps://b.example/cb\n")
    assert app_of(world.a).redirect_uri_list == ["https://a.example/cb", "https://b.example/cb"]


def test_rotating_the_secret_replaces_it(world, signed_in):
    client = signed_in(world.owner_a)
    old = SECRET.search(register(client).content.decode()).group(1)
    app = app_of(world.a)
    response = client.submit(f"/settings/integrations/oauth-apps/{app.pk}/rotate-secret")
    assert response.status_code == 200
    new = SECRET.search(response.content.decode()).group(1)
    app.refresh_from_db()
    assert new != old and check_password(new, app.client_secret) and not check_password(old, app.client_secret)
    assert "previous secret" in response.content.decode()


def test_editing_an_app(world, signed_in):
    client = signed_in(world.owner_a)
    register(client)
    app = app_of(world.a)
    path = f"/settings/integrations/oauth-apps/{app.pk}"
    response = client.submit(path, {"name": "Widget v2", "redirect_uris": "https://widget.example/v2"}, page=path)
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.name, app.redirect_uri_list) == ("Widget v2", ["https://widget.example/v2"])
    bad = client.submit(path, {"name": "Widget v3", "redirect_uris": "ftp://x.example/"}, page=path)
    assert bad.status_code == 400
    app.refresh_from_db()
    assert app.name == "Widget v2"


def test_deleting_an_app(world, signed_in):
    client = signed_in(world.owner_a)
    register(client)
    app = app_of(world.a)
    response = client.submit(f"/settings/integrations/oauth-apps/{app.pk}/delete")
    assert response.status_code == 302 and response["Location"] == "/settings/integrations"
    assert not Application.objects.filter(pk=app.pk).exists()
    assert "Deleted" in client.get("/settings/integrations").content.decode()


def test_another_companys_app_is_404_everywhere(world, signed_in):
    register(signed_in(world.owner_b), name="Beta app")
    app_b = app_of(world.b, "Beta app")
    client = signed_in(world.owner_a)
    assert "Beta app" not in client.get("/settings/integrations").content.decode()
    base = f"/settings/integrations/oauth-apps/{app_b.pk}"
    assert client.get(base).status_code == 404
    assert client.submit(base, {"name": "pwned", "redirect_uris": "https://evil.example/cb"}).status_code == 404
    assert client.submit(f"{base}/rotate-secret").status_code == 404
    assert client.submit(f"{base}/delete").status_code == 404
    app_b.refresh_from_db()
    assert app_b.name == "Beta app"


def test_dynamically_registered_clients_are_not_company_apps(world, signed_in):
    dcr = Application.objects.create(name="Claude", client_type="public", authorization_grant_type="authorization-code",
                                     redirect_uris="https://claude.ai/api/mcp/auth_callback",
                                     registration_source=Application.RegistrationSource.DCR,
                                     token_endpoint_auth_method="none")
    client = signed_in(world.owner_a)
    assert client.get(f"/settings/integrations/oauth-apps/{dcr.pk}").status_code == 404
    assert client.submit(f"/settings/integrations/oauth-apps/{dcr.pk}/delete").status_code == 404
    assert Application.objects.filter(pk=dcr.pk).exists()


def test_oauth_apps_need_organization_update_at_every_location(world, signed_in):
    """Every user's consent page shows the company's apps as its own: a location-limited admin could
    otherwise re-point one that others trust (lockii.identity.company_wide)."""
    register(signed_in(world.owner_a))
    app = app_of(world.a)
    limited_admin = f.user(world.a, "admin", locations=[world.l1])
    for user in (world.manager_l1, world.staff_a, world.viewer_a, f.user(world.a, "manager"), limited_admin):
        client = signed_in(user)
        assert app.client_id not in client.get("/settings/integrations").content.decode()
        assert client.get(NEW).status_code == 403
        assert client.get(f"/settings/integrations/oauth-apps/{app.pk}").status_code == 403
        assert client.submit(NEW, {"name": "Sneaky", "redirect_uris": "https://x.example/cb",
                                   "client_type": "public"}).status_code == 403
        assert client.submit(f"/settings/integrations/oauth-apps/{app.pk}/rotate-secret").status_code == 403
        assert client.submit(f"/settings/integrations/oauth-apps/{app.pk}/delete").status_code == 403
        assert client.submit(f"/settings/integrations/oauth-apps/{app.pk}",
                             {"name": "Booking widget", "redirect_uris": "https://evil.example/cb"}).status_code == 403
    assert not Application.objects.filter(name="Sneaky").exists()
    app.refresh_from_db()
    assert app.redirect_uri_list == ["https://widget.example/callback", "http://127.0.0.1/cb"]
    refused = signed_in(limited_admin).get(NEW).content.decode()
    assert "all locations" in refused


def test_oauth_app_forms_need_a_csrf_token(world, signed_in):
    client = signed_in(world.owner_a)
    register(client)
    app = app_of(world.a)
    assert client.post(NEW, {"name": "x", "redirect_uris": "https://x.example/cb",
                             "client_type": "public"}).status_code == 403
    assert client.post(f"/settings/integrations/oauth-apps/{app.pk}/delete").status_code == 403
    assert client.post(f"/settings/integrations/oauth-apps/{app.pk}/rotate-secret").status_code == 403
    assert Application.objects.filter(company=world.a).count() == 1


def test_reloading_the_secret_page_does_not_register_the_app_twice(world, signed_in):
    client = signed_in(world.owner_a)
    form = {**client.hidden_fields(NEW), "name": "Widget", "redirect_uris": "https://widget.example/cb",
            "client_type": "confidential"}
    assert client.post(NEW, form).status_code == 200
    again = client.post(NEW, form)
    assert again.status_code == 302 and Application.objects.filter(company=world.a, name="Widget").count() == 1
