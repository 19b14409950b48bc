"""Settings → Integrations → Connected apps: the user's own grants, and disconnecting one."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from lockii.audit.models import AuditEvent
from lockii.oauth.models import AccessToken, Application, Consent, RefreshToken


def connect(user, name="Claude", scope="openid profile offline_access"):
    """What a finished authorization leaves behind: an approval and a live token pair."""
    app = Application.objects.create(
        name=name, client_type="public", authorization_grant_type="authorization-code",
        redirect_uris="https://claude.ai/api/mcp/auth_callback", token_endpoint_auth_method="none",
        registration_source=Application.RegistrationSource.DCR)
    family = uuid.uuid4()
    token = f"at-{uuid.uuid4().hex}"
    access = AccessToken.objects.create(user=user, application=app, token=token, scope=scope, family=family,
                                        expires=timezone.now() + timedelta(hours=1))
    RefreshToken.objects.create(user=user, application=app, token=f"rt-{uuid.uuid4().hex}", access_token=access,
                                token_family=family)
    Consent.objects.remember(user, app, scope.split(), [], "https://claude.ai/api/mcp/auth_callback")
    return app, token


def test_users_see_their_own_connected_apps_only(world, signed_in):
    connect(world.staff_a, "Claude")
    connect(world.owner_a, "Owner's Cursor")
    connect(world.owner_b, "Beta's ChatGPT")
    html = signed_in(world.staff_a).get("/settings/integrations").content.decode()
    assert "Claude" in html and "offline_access" in html
    assert "Owner's Cursor" not in html and "Beta&#x27;s ChatGPT" not in html


def test_disconnecting_ends_the_tokens(world, signed_in, api):
    app, token = connect(world.staff_a)
    assert api.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    client = signed_in(world.staff_a)
    response = client.submit(f"/settings/integrations/connected-apps/{app.client_id}/disconnect")
    assert response.status_code == 302
    assert api.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert not AccessToken.objects.filter(user=world.staff_a, application=app).exists()
    assert not RefreshToken.objects.filter(user=world.staff_a, application=app, revoked__isnull=True).exists()
    assert not Consent.objects.filter(user=world.staff_a, application=app).exists()
    page = client.get("/settings/integrations").content.decode()
    assert "Disconnected" in page and "No apps are connected" in page
    event = AuditEvent.objects.get(action="oauth.disconnect", target_id=app.pk)
    assert (event.company_id, event.actor_id) == (world.a.id, world.staff_a.id)


def test_nobody_disconnects_someone_elses_grant(world, signed_in, api):
    app, token = connect(world.owner_b)
    for user in (world.owner_a, world.staff_a):
        response = signed_in(user).submit(f"/settings/integrations/connected-apps/{app.client_id}/disconnect")
        assert response.status_code == 404
    assert api.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert not AuditEvent.objects.filter(action="oauth.disconnect").exists()


def test_disconnecting_needs_a_csrf_token(world, signed_in, api):
    app, token = connect(world.staff_a)
    client = signed_in(world.staff_a)
    assert client.post(f"/settings/integrations/connected-apps/{app.client_id}/disconnect").status_code == 403
    assert api.get("/api/v1/company", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
