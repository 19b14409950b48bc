"""Pre-registered OAuth apps (service and ``lockii oauthapp``), connected apps, and clean-up (``lockii oauth gc``)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from lockii.errors import NotFound, ValidationFailed
from lockii.identity import accounts
from lockii.oauth import apps_service, gc
from lockii.oauth.models import AccessToken, Application, Consent, Grant, RefreshToken
from tests.oauth.oauth_kit import (
    CB, Registered, bearer, get_code, redeem, refresh, register, signed_in, tokens_for,
)


def as_registered(app, secret) -> Registered:
    return Registered(app.client_id, secret, {}, CB)


def test_a_confidential_app_gets_a_secret_shown_once_and_stored_hashed(world, browser):
    app, secret = apps_service.create_app(world.a, world.owner_a, "Booking sync", [CB], confidential=True)
    assert secret and secret not in app.client_secret
    assert app.client_secret.startswith("lockii_secret_sha256$")
    assert app.company == world.a and app.created_via == "app" and app.algorithm == "RS256"
    body = tokens_for(browser, as_registered(app, secret))
    assert bearer(Client(), "/api/v1/booking?limit=1", body["access_token"]).status_code == 200


def test_a_public_app_has_no_secret_to_show(world):
    app, secret = apps_service.create_app(world.a, None, "Desktop", [CB], confidential=False)
    assert secret is None and app.token_endpoint_auth_method == "none"
    with pytest.raises(ValidationFailed):
        apps_service.rotate_secret(world.a, app.pk)


@pytest.mark.parametrize("name,uris", [("", [CB]), ("ok", []), ("ok", ["http://evil.example/cb"]),
                                       ("ok", ["javascript:alert(1)"]), ("x" * 200, [CB])])
def test_invalid_apps_are_refused_with_field_errors(world, name, uris):
    with pytest.raises(ValidationFailed) as raised:
        apps_service.create_app(world.a, None, name, uris, confidential=True)
    assert raised.value.errors and not Application.objects.exists()


def test_rotating_a_secret_stops_the_old_one_at_once(world, browser):
    app, old = apps_service.create_app(world.a, None, "Sync", [CB], confidential=True)
    _, new = apps_service.rotate_secret(world.a, app.pk)
    assert redeem(get_code(browser, as_registered(app, old)), secret=old).status_code == 401
    assert redeem(get_code(browser, as_registered(app, new)), secret=new).status_code == 200


def test_apps_are_only_reachable_through_their_company(world):
    app, _ = apps_service.create_app(world.a, None, "Sync", [CB], confidential=True)
    assert apps_service.list_apps(world.b) == []
    for call in (lambda: apps_service.rotate_secret(world.b, app.pk), lambda: apps_service.delete_app(world.b, app.pk),
                 lambda: apps_service.get_app(world.b, app.pk)):
        with pytest.raises(NotFound):
            call()
    assert [a.pk for a in apps_service.list_apps(world.a)] == [app.pk]


def test_dynamic_clients_are_not_a_companys_apps(world, pub):
    assert apps_service.list_apps(world.a) == []
    dynamic = Application.objects.get(client_id=pub.client_id)
    with pytest.raises(NotFound):
        apps_service.delete_app(world.a, dynamic.pk)


def test_deleting_an_app_ends_its_tokens(world, browser):
    app, secret = apps_service.create_app(world.a, None, "Sync", [CB], confidential=True)
    body = tokens_for(browser, as_registered(app, secret))
    apps_service.delete_app(world.a, app.pk)
    assert bearer(Client(), "/api/v1/booking?limit=1", body["access_token"]).status_code == 401


def test_connected_apps_are_listed_and_disconnecting_ends_refresh_and_access_tokens(world, browser, pub):
    body = tokens_for(browser, pub)
    rotated = refresh(pub.client_id, body["refresh_token"]).json()
    [connected] = apps_service.list_grants(world.manager_l1)
    assert connected.client_id == pub.client_id and connected.active and connected.created_via == "dcr"
    assert set(connected.scopes) == {"openid", "profile", "email"}
    assert apps_service.list_grants(world.staff_a) == []

    apps_service.revoke_grant(world.manager_l1, pub.client_id)
    assert bearer(Client(), "/api/v1/booking?limit=1", rotated["access_token"]).status_code == 401
    assert refresh(pub.client_id, rotated["refresh_token"]).json()["error"] == "invalid_grant"
    assert not Consent.objects.filter(user=world.manager_l1).exists()
    assert apps_service.list_grants(world.manager_l1) == []


def test_a_code_issued_just_before_disconnecting_cannot_be_redeemed(world, browser, pub):
    code = get_code(browser, pub)
    apps_service.revoke_grant(world.manager_l1, pub.client_id)
    assert redeem(code).json()["error"] == "invalid_grant"


def test_disabling_a_user_ends_every_app_they_connected(world, browser, pub):
    other = register()
    body, pending = tokens_for(browser, pub), get_code(browser, other)
    accounts.set_disabled(world.manager_l1, True)
    assert bearer(Client(), "/api/v1/booking?limit=1", body["access_token"]).status_code == 401
    assert redeem(pending).status_code == 400
    assert not Consent.objects.filter(user=world.manager_l1).exists()
    assert not RefreshToken.objects.filter(user=world.manager_l1, revoked__isnull=True).exists()


def test_disconnecting_one_user_leaves_other_users_of_the_app_alone(world, pub):
    mine = tokens_for(signed_in(world.manager_l1), pub)
    theirs = tokens_for(signed_in(world.staff_a), pub)
    apps_service.revoke_grant(world.manager_l1, pub.client_id)
    assert bearer(Client(), "/api/v1/booking?limit=1", mine["access_token"]).status_code == 401
    assert bearer(Client(), "/api/v1/booking?limit=1", theirs["access_token"]).status_code == 200


# ---- lockii oauthapp ----------------------------------------------------------------------------

def run(capsys, *args):
    call_command("oauthapp", *args)
    return capsys.readouterr().out


def test_the_cli_creates_lists_rotates_and_deletes(world, capsys):
    created = json.loads(run(capsys, "create", "--company", world.a.slug, "--name", "Zap", "--redirect-uri", CB,
                             "--redirect-uri", "https://zap.example/cb", "--json"))
    assert created["clientSecret"] and created["redirectUris"] == [CB, "https://zap.example/cb"]
    listed = json.loads(run(capsys, "list", "--company", world.a.slug, "--json"))
    assert [a["id"] for a in listed] == [created["id"]] and "clientSecret" not in listed[0]
    assert f"{created['id']}  {created['clientId']}  confidential" in run(capsys, "list", "--company", world.a.slug)
    assert run(capsys, "list", "--company", world.b.slug) == "No OAuth apps.\n"
    rotated = json.loads(run(capsys, "rotate-secret", created["id"], "--company", world.a.slug, "--json"))
    assert rotated["clientSecret"] != created["clientSecret"]
    assert "Deleted" in run(capsys, "delete", created["id"], "--company", world.a.slug)
    assert not Application.objects.exists()


def test_the_cli_reports_bad_input_as_a_message(world, capsys):
    with pytest.raises(CommandError, match="redirect"):
        call_command("oauthapp", "create", "--company", world.a.slug, "--name", "Zap",
                     "--redirect-uri", "http://evil.example/cb")
    with pytest.raises(CommandError, match="No OAuth app"):
        call_command("oauthapp", "delete", "client_nope", "--company", world.a.slug)
    public = run(capsys, "create", "--company", world.a.slug, "--name", "Desk", "--redirect-uri", CB, "--public")
    assert "client_secret" not in public


# ---- clean-up -------------------------------------------------------------------------------------

def test_gc_deletes_dynamic_clients_never_used_after_the_grace_period(world, browser, settings):
    register()  # old and never used
    old_used, fresh = register(), register()
    tokens_for(browser, old_used)
    company_app, _ = apps_service.create_app(world.a, None, "Sync", [CB], confidential=True)
    long_ago = timezone.now() - timedelta(days=settings.DCR_UNUSED_CLIENT_DAYS + 1)
    Application.objects.exclude(client_id=fresh.client_id).update(created=long_ago)
    result = gc.collect()
    remaining = set(Application.objects.values_list("client_id", flat=True))
    assert remaining == {old_used.client_id, fresh.client_id, company_app.client_id}
    assert result["unused_clients"] == 1


def test_gc_keeps_spent_codes_a_day_for_replay_detection_and_drops_expired_tokens(browser, pub, capsys):
    body = tokens_for(browser, pub)
    Grant.objects.update(expires=timezone.now() - timedelta(hours=2))
    call_command("oauth", "gc")
    assert Grant.objects.count() == 1  # used, kept
    Grant.objects.update(expires=timezone.now() - timedelta(days=2))
    AccessToken.objects.update(expires=timezone.now() - timedelta(hours=1))
    call_command("oauth", "gc", "--json")
    assert Grant.objects.count() == 0
    assert RefreshToken.objects.count() == 1  # still refreshable
    assert refresh(pub.client_id, body["refresh_token"]).status_code == 200


def test_registration_runs_the_clean_up_at_most_hourly(db, settings):
    from django.core.cache import cache

    register()
    long_ago = timezone.now() - timedelta(days=settings.DCR_UNUSED_CLIENT_DAYS + 1)
    Application.objects.update(created=long_ago)
    register()  # within the hour: no clean-up yet
    assert Application.objects.count() == 2
    Application.objects.update(created=long_ago)
    cache.delete("lockii:oauth:gc")  # an hour later
    register()
    assert Application.objects.count() == 1
