"""The ``lockii`` commands through call_command: output shapes, writes, audit events and clear errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lockii.audit.models import AuditEvent
from lockii.identity.models import ApiKey, Company, User
from tests import factories as f

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_json(*args):
    return json.loads(run(*args, "--json"))


def test_init_creates_company_and_owner():
    body = run_json("init", "--company", "Nordic Trailers", "--email", "Boss@Nordic.example",
                    "--password", "correct horse", "--currency", "nok", "--timezone", "Europe/Oslo")
    assert body["company"]["slug"] == "nordic-trailers"
    assert body["company"]["currency"] == "NOK"
    assert body["owner"] == {"id": body["owner"]["id"], "email": "boss@nordic.example", "role": "owner"}
    owner = User.objects.get(email="boss@nordic.example")
    assert owner.check_password("correct horse") and owner.location_ids is None
    events = AuditEvent.objects.filter(company_id=body["company"]["id"], actor_type="system")
    assert set(events.values_list("action", flat=True)) == {"company.create", "user.create"}


def test_init_text_output_names_the_next_step():
    out = run("init", "--company", "Kayak Co", "--email", "k@kayak.example", "--password", "long enough pw")
    assert "kayak-co" in out and "lockii apikey create" in out


@pytest.mark.parametrize("args, message", [
    (["--email", "not-an-email", "--password", "long enough pw"], "not a valid email"),
    (["--email", "a@b.example", "--password", "short"], "at least 10 characters"),
    (["--email", "a@b.example", "--password", "long enough pw", "--timezone", "Mars/Olympus"], "IANA time zone"),
    (["--email", "a@b.example", "--password", "long enough pw", "--currency", "EURO"], "ISO 4217"),
    (["--email", "a@b.example", "--password", "long enough pw", "--currency", "XYZ"], "ISO 4217"),
])
def test_init_rejects_bad_input_and_writes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("init", "--company", "Bad Input Co", *args)
    assert not Company.objects.exists() and not User.objects.exists()


def test_init_refuses_a_taken_slug_and_a_taken_email():
    run("init", "--company", "Twin", "--email", "twin@x.example", "--password", "long enough pw")
    with pytest.raises(CommandError, match="slug 'twin' already exists"):
        run("init", "--company", "Twin", "--slug", "twin", "--email", "other@x.example", "--password", "long enough pw")
    with pytest.raises(CommandError, match="already exists"):
        run("init", "--company", "Twin", "--email", "TWIN@x.example", "--password", "long enough pw")
    assert Company.objects.count() == 1  # the failed second company rolled back with its owner


def test_user_add_list_disable_enable():
    company = f.company("Alpha Hire")
    loc = f.location(company, "North")
    body = run_json("user", "add", "--company", company.slug, "--email", "m@alpha.example",
                    "--password", "long enough pw", "--role", "manager", "--locations", loc.id, "--name", "Mia")
    assert body == {"id": body["id"], "email": "m@alpha.example", "name": "Mia", "role": "manager",
                    "company": company.slug, "locations": [loc.id], "disabled": False}
    listed = run_json("user", "list", "--company", company.id)
    assert [u["email"] for u in listed] == ["m@alpha.example"]
    assert run_json("user", "disable", "M@alpha.example")["disabled"] is True
    assert User.objects.get(email="m@alpha.example").is_active is False
    assert run_json("user", "enable", "m@alpha.example")["disabled"] is False
    actions = list(AuditEvent.objects.filter(target_id=body["id"]).order_by("at_ms").values_list("action", flat=True))
    assert actions == ["user.create", "user.disable", "user.enable"]
    assert "m@alpha.example" in run("user", "list")


def test_user_add_without_company_uses_the_only_one():
    company = f.company()
    assert run_json("user", "add", "--email", "s@x.example", "--password", "long enough pw",
                    "--role", "staff")["company"] == company.slug
    f.company()
    with pytest.raises(CommandError, match="Several companies"):
        run("user", "add", "--email", "t@x.example", "--password", "long enough pw", "--role", "staff")


@pytest.mark.parametrize("extra, message", [
    (["--company", "no-such-company"], "No company with slug or id 'no-such-company'"),
    (["--role", "boss"], "Unknown role 'boss'"),
    (["--locations", "location_nope"], "Not a location of"),
    (["--email", "taken@x.example"], "already exists"),
])
def test_user_add_errors(extra, message):
    company = f.company("Alpha")
    f.user(company, email="taken@x.example")
    args = {"--company": company.slug, "--email": "new@x.example", "--password": "long enough pw", "--role": "staff"}
    for flag, value in zip(extra[::2], extra[1::2]):
        args[flag] = value
    with pytest.raises(CommandError, match=message):
        run("user", "add", *[x for pair in args.items() for x in pair])
    assert not User.objects.filter(email="new@x.example").exists()


def test_user_add_refuses_a_location_of_another_company():
    a, b = f.company(), f.company()
    foreign = f.location(b)
    with pytest.raises(CommandError, match="Not a location of"):
        run("user", "add", "--company", a.slug, "--email", "x@x.example", "--password", "long enough pw",
            "--role", "manager", "--locations", foreign.id)


def test_user_disable_keeps_an_active_owner_who_reaches_every_location():
    company = f.company("Solo")
    owner = f.user(company, "owner", email="solo@x.example")
    with pytest.raises(CommandError, match="at least one active owner"):
        run("user", "disable", owner.email)
    limited = f.user(company, "owner", email="limited@x.example", locations=[f.location(company)])
    with pytest.raises(CommandError, match="access to all locations"):
        run("user", "disable", owner.email)
    owner.refresh_from_db()
    assert not owner.disabled and not AuditEvent.objects.filter(action="user.disable").exists()
    f.user(company, "owner", email="second@x.example")
    assert run_json("user", "disable", owner.email)["disabled"] is True
    assert run_json("user", "disable", limited.email)["disabled"] is True  # the all-locations owner remains


def test_user_set_password_replaces_it_and_ends_sessions():
    company = f.company()
    user = f.user(company, "staff", email="reset@x.example", password="the old password")
    browser = Client()
    browser.force_login(user)
    assert browser.get("/settings/integrations").status_code == 200
    with pytest.raises(CommandError, match="at least 10 characters"):
        run("user", "set-password", user.email, "--password", "short")
    assert "browser sessions have ended" in run("user", "set-password", "RESET@x.example", "--password", "a new password")
    user.refresh_from_db()
    assert user.check_password("a new password") and not user.check_password("the old password")
    assert browser.get("/settings/integrations").status_code == 302  # back to sign-in
    assert AuditEvent.objects.filter(action="user.password", target_id=user.id).count() == 1


def test_user_disable_unknown_email():
    with pytest.raises(CommandError, match="No user with email"):
        run("user", "disable", "ghost@x.example")


def test_apikey_create_list_revoke_and_the_key_works():
    company = f.company("Keyed")
    created = run_json("apikey", "create", "--company", company.slug, "--name", "Booking site")
    assert created["secret"].startswith("lk_") and created["active"] is True
    assert set(created) == {"id", "name", "prefix", "company", "createdAt", "lastUsedAt", "revokedAt", "active",
                            "secret"}
    client = Client()
    assert client.get("/api/v1/company", HTTP_X_API_KEY=created["secret"]).json()["company"]["id"] == company.id
    listed = run_json("apikey", "list", "--company", company.slug)
    assert [k["id"] for k in listed] == [created["id"]]
    assert "secret" not in listed[0] and created["secret"] not in run("apikey", "list")
    revoked = run_json("apikey", "revoke", created["id"])
    assert revoked["active"] is False and revoked["revokedAt"]
    assert client.get("/api/v1/company", HTTP_X_API_KEY=created["secret"]).status_code == 401
    assert "was already revoked" in run("apikey", "revoke", created["id"])  # and no second event
    events = AuditEvent.objects.filter(target_id=created["id"], company=company, actor_type="system")
    assert sorted(events.values_list("action", flat=True)) == ["apikey.create", "apikey.revoke"]


def test_apikey_text_output_shows_the_secret_once():
    company = f.company()
    out = run("apikey", "create", "--company", company.id, "--name", "CI")
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("lk_") and ApiKey.objects.get(company=company).prefix == secret[:10]


def test_apikey_errors():
    with pytest.raises(CommandError, match="No API key with id"):
        run("apikey", "revoke", "apikey_nope")
    with pytest.raises(CommandError, match="no company yet"):
        run("apikey", "create", "--name", "x")
    company = f.company()
    with pytest.raises(CommandError, match="--name"):
        run("apikey", "create", "--company", company.slug, "--name", "  ")


def test_company_list():
    a = f.company("Listed")
    assert run_json("company", "list") == [{"id": a.id, "slug": a.slug, "name": "Listed", "currency": "EUR",
                                            "timezone": "UTC"}]


def test_demo_json_shape_and_if_empty():
    body = run_json("demo", "--bookings", "150", "--customers", "40")
    assert body["seeded"] is True and body["api_key"].startswith("lk_")
    assert body["counts"]["bookings"] == 150 and body["counts"]["customers"] == 40
    assert [(u["email"], u["role"]) for u in body["users"]] == [
        ("owner@fjordtrail.example", "owner"), ("manager@fjordtrail.example", "manager"),
        ("staff@fjordtrail.example", "staff")]
    assert all(set(u) >= {"email", "password", "role", "locations"} for u in body["users"])
    assert len(body["users"][1]["locations"]) == 1 and body["users"][0]["locations"] is None
    keys = ApiKey.objects.count()
    again = run_json("demo", "--if-empty")
    assert again["seeded"] is False and again["users"] == body["users"]
    assert again["api_key"].startswith("lk_") and again["api_key"] != body["api_key"]
    assert ApiKey.objects.count() == keys + 1  # nothing seeded; only the fresh key to try with
    assert run_json("apikey", "list")  # and it is a real, listed key
    with pytest.raises(CommandError, match="already holds the demo company"):
        run("demo", "--bookings", "10")


def test_demo_if_empty_with_another_company_says_data_exists():
    f.company("Real Customer")
    assert "already exists" in run("demo", "--if-empty")
    assert run_json("demo", "--if-empty") == {"seeded": False, "company": None, "api_key": None, "users": []}


def test_demo_rejects_a_non_positive_size():
    with pytest.raises(CommandError):
        run("demo", "--bookings", "0")
