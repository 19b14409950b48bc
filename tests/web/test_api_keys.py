"""Settings → Integrations → API keys: create (secret shown once), list, revoke, rules and isolation."""

from __future__ import annotations

import re

from lockii.audit.models import AuditEvent
from lockii.identity.apikeys import hash_secret
from lockii.identity.models import ApiKey
from tests import factories as f

SECRET = re.compile(r'id="api-key-secret"[^>]*>(lk_[A-Za-z0-9_-]+)<')


def create(client, name="Zapier"):
    response = client.submit("/settings/integrations/api-keys", {"name": name})
    assert response.status_code == 200, response.content
    return response, SECRET.search(response.content.decode()).group(1)


def test_owner_creates_a_key_whose_secret_is_shown_once_and_works(world, signed_in, api):
    client = signed_in(world.owner_a)
    response, secret = create(client, "Zapier <prod>")
    assert "no-store" in response["Cache-Control"]
    assert "Zapier &lt;prod&gt;" in response.content.decode()  # escaped, never raw HTML
    key = ApiKey.objects.get(secret_hash=hash_secret(secret))
    assert key.company_id == world.a.id and key.created_by_id == world.owner_a.id
    assert api.get_with_key("/api/v1/company", secret).json()["company"]["id"] == world.a.id

    listing = client.get("/settings/integrations").content.decode()
    assert "Zapier &lt;prod&gt;" in listing and key.prefix in listing
    assert secret not in listing  # the list shows the prefix only, never the whole secret
    event = AuditEvent.objects.get(action="apikey.create", target_id=key.id)
    assert (event.company_id, event.actor_type, event.actor_id) == (world.a.id, "user", world.owner_a.id)


def test_revoking_a_key_makes_it_fail_with_401(world, signed_in, api):
    client = signed_in(world.owner_a)
    _, secret = create(client)
    key = ApiKey.objects.get(secret_hash=hash_secret(secret))
    response = client.submit(f"/settings/integrations/api-keys/{key.id}/revoke")
    assert response.status_code == 302 and response["Location"] == "/settings/integrations"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api.get_with_key("/api/v1/company", secret).status_code == 401
    page = client.get("/settings/integrations").content.decode()
    assert "revoked" in page and "now get 401" in page
    assert AuditEvent.objects.filter(action="apikey.revoke", target_id=key.id, actor_id=world.owner_a.id).exists()


def test_admin_may_manage_keys(world, signed_in):
    admin = f.user(world.a, "admin")
    create(signed_in(admin))


def test_roles_without_organization_update_cannot_manage_keys(world, signed_in):
    key = ApiKey.objects.filter(company=world.a).first()
    for user in (world.manager_l1, world.staff_a, world.viewer_a):
        client = signed_in(user)
        page = client.get("/settings/integrations")
        assert page.status_code == 200  # everyone sees the page: connected apps and MCP help
        html = page.content.decode()
        assert key.prefix not in html and "Create API key" not in html
        assert "/api/mcp/user" in html
        created = client.submit("/settings/integrations/api-keys", {"name": "sneaky"})
        assert created.status_code == 403 and "organization:update" in created.content.decode()
        revoked = client.submit(f"/settings/integrations/api-keys/{key.id}/revoke")
        assert revoked.status_code == 403
    assert not ApiKey.objects.filter(name="sneaky").exists()
    key.refresh_from_db()
    assert key.revoked_at is None


def test_an_admin_limited_to_some_locations_cannot_mint_an_all_location_key(world, signed_in):
    """A key acts as the owner at every location: wider than a location-limited admin's own reach."""
    key = ApiKey.objects.filter(company=world.a).first()
    client = signed_in(f.user(world.a, "admin", locations=[world.l1]))
    html = client.get("/settings/integrations").content.decode()
    assert "Create API key" not in html and key.prefix not in html and "access to" in html
    created = client.submit("/settings/integrations/api-keys", {"name": "escalate"})
    assert created.status_code == 403 and "all locations" in created.content.decode()
    assert client.submit(f"/settings/integrations/api-keys/{key.id}/revoke").status_code == 403
    assert not ApiKey.objects.filter(name="escalate").exists()


def test_disabling_a_user_revokes_the_keys_they_created(world, signed_in, api):
    admin = f.user(world.a, "admin")
    _, secret = create(signed_in(admin), "Their integration")
    owner = signed_in(world.owner_a)
    assert owner.submit(f"/settings/team/{admin.id}/disable", page="/settings/team").status_code == 302
    assert api.get_with_key("/api/v1/company", secret).status_code == 401  # they saw the secret
    assert AuditEvent.objects.filter(action="apikey.revoke", detail__reason="creator disabled").exists()


def test_refused_changes_are_audited_as_denied(world, signed_in):
    key_b = ApiKey.objects.get(company=world.b)
    assert signed_in(world.owner_a).submit(f"/settings/integrations/api-keys/{key_b.id}/revoke").status_code == 404
    assert signed_in(world.staff_a).submit("/settings/integrations/api-keys", {"name": "x"}).status_code == 403
    denied = {(e.action, e.actor_id, e.target_id, e.detail["status"])
              for e in AuditEvent.objects.filter(result="denied")}
    assert denied == {("web.apikey-revoke", world.owner_a.id, key_b.id, 404),
                      ("web.apikey-create", world.staff_a.id, "", 403)}
    assert not AuditEvent.objects.filter(company=world.b, result="denied").exists()  # in the prober's company


def test_another_companys_key_is_invisible_and_cannot_be_revoked(world, signed_in, api):
    key_b = ApiKey.objects.get(company=world.b)
    client = signed_in(world.owner_a)
    assert key_b.prefix not in client.get("/settings/integrations").content.decode()
    response = client.submit(f"/settings/integrations/api-keys/{key_b.id}/revoke")
    assert response.status_code == 404
    assert "No API key" in response.content.decode()  # the same page as for an id that never existed
    key_b.refresh_from_db()
    assert key_b.revoked_at is None
    assert api.get_with_key("/api/v1/company", world.key_b).status_code == 200


def test_unknown_or_malformed_key_ids_are_404_pages(world, signed_in):
    client = signed_in(world.owner_a)
    for key_id in ("apikey_nope", "x" * 300, "%3Cscript%3E"):
        response = client.submit(f"/settings/integrations/api-keys/{key_id}/revoke")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert "<script>" not in response.content.decode()


def test_a_key_name_is_required_and_bounded(world, signed_in):
    client = signed_in(world.owner_a)
    for name in ("", "   ", "x" * 101):
        response = client.submit("/settings/integrations/api-keys", {"name": name})
        assert response.status_code == 400
        assert 'class="errorlist' in response.content.decode()
    assert ApiKey.objects.filter(company=world.a).count() == 1


def test_forms_refuse_posts_without_a_csrf_token(world, signed_in):
    client = signed_in(world.owner_a)
    key = ApiKey.objects.get(company=world.a)
    refused = client.post("/settings/integrations/api-keys", {"name": "no token"})
    assert refused.status_code == 403 and "nothing was changed" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    forged = client.post("/settings/integrations/api-keys", {"name": "no token", "csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert client.post(f"/settings/integrations/api-keys/{key.id}/revoke").status_code == 403
    assert not ApiKey.objects.filter(name="no token").exists()
    key.refresh_from_db()
    assert key.revoked_at is None


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get("/settings/integrations")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/settings/integrations"
    assert client.post("/settings/integrations/api-keys", {"name": "x"}).status_code in (302, 403)
    assert not ApiKey.objects.filter(name="x").exists()


def test_wrong_methods_get_an_html_405_naming_the_allowed_ones(world, signed_in):
    client = signed_in(world.owner_a)
    response = client.get("/settings/integrations/api-keys")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html") and "accepts POST only" in response.content.decode()


def test_active_keys_are_listed_before_revoked_ones(world, signed_in):
    client = signed_in(world.owner_a)
    _, secret = create(client, "Newer but revoked")
    key = ApiKey.objects.get(secret_hash=hash_secret(secret))
    client.submit(f"/settings/integrations/api-keys/{key.id}/revoke")
    page = client.get("/settings/integrations").content.decode()
    assert page.index("<td>test key") < page.index("<td>Newer but revoked")


def test_reloading_the_page_that_shows_a_secret_does_not_create_a_second_key(world, signed_in):
    client = signed_in(world.owner_a)
    form = {**client.hidden_fields(), "name": "Zapier"}
    assert client.post("/settings/integrations/api-keys", form).status_code == 200
    again = client.post("/settings/integrations/api-keys", form)  # what a browser reload re-sends
    assert again.status_code == 302 and again["Location"] == "/settings/integrations"
    assert "already created" in client.get("/settings/integrations").content.decode()
    assert ApiKey.objects.filter(company=world.a, name="Zapier").count() == 1
    assert client.submit("/settings/integrations/api-keys", {"name": "Zapier"}).status_code == 200  # a new form
    assert ApiKey.objects.filter(company=world.a, name="Zapier").count() == 2


def test_a_form_rejected_for_its_input_can_be_corrected_and_sent(world, signed_in):
    client = signed_in(world.owner_a)
    fields = client.hidden_fields()
    assert client.post("/settings/integrations/api-keys", {**fields, "name": ""}).status_code == 400
    assert client.post("/settings/integrations/api-keys", {**fields, "name": "Fixed"}).status_code == 200
