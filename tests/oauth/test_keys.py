"""Signing keys in the database: encrypted at rest, shared by every node, rotated by publishing first.

Rows: protocol.md O9, O16; dot-notes 3.4, 5.5.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk, jwt

from lockii.oauth import keys
from lockii.oauth.models import SigningKey
from tests.oauth.oauth_kit import jwt_header, refresh, tokens_for


def published_kids() -> list[str]:
    return [k["kid"] for k in Client().get("/oauth/jwks").json()["keys"]]


def verifies(id_token: str) -> bool:
    keyset = jwk.JWKSet.from_json(Client().get("/oauth/jwks").content)
    try:
        jwt.JWT(jwt=id_token, key=keyset, algs=["RS256"])
    except Exception:
        return False
    return True


def test_the_first_use_creates_a_signing_key_and_a_published_next_key(db):
    keys.signing_jwk()
    states = sorted(SigningKey.objects.values_list("state", flat=True))
    assert states == ["current", "next"]
    assert len(published_kids()) == 2


def test_private_keys_are_encrypted_at_rest(db):
    keys.ensure_keys()
    for row in SigningKey.objects.all():
        assert "PRIVATE KEY" not in row.private_pem_encrypted
        assert "d" not in row.public_jwk
    assert keys.signing_jwk().has_private


def test_another_secret_key_cannot_decrypt_them(db, settings):
    keys.ensure_keys()
    keys.clear_cache()
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    with pytest.raises(keys.KeyStoreError, match="LOCKII_SECRET_KEY"):
        keys.signing_jwk()


def test_at_most_one_current_and_one_next_key_whatever_nodes_race(db):
    keys.ensure_keys()
    for state in ("current", "next"):
        duplicate = keys._new_key(state)
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save(force_insert=True)
    keys.ensure_keys()  # a second node arriving late changes nothing
    assert SigningKey.objects.count() == 2


def test_rotation_signs_with_the_key_published_beforehand_and_keeps_the_old_one(browser, pub):
    before = tokens_for(browser, pub)
    old_kid = jwt_header(before["id_token"])["kid"]
    next_kid = SigningKey.objects.get(state="next").kid
    assert next_kid in published_kids()

    result = keys.rotate(force=True)
    assert result == {"retired": old_kid, "current": next_kid, "next": result["next"]}
    after = tokens_for(browser, pub)
    assert jwt_header(after["id_token"])["kid"] == next_kid
    assert set(published_kids()) == {old_kid, next_kid, result["next"]}
    assert verifies(before["id_token"]) and verifies(after["id_token"])
    # Tokens made before the rotation still refresh (their ID token is checked with every published key).
    assert refresh(pub.client_id, before["refresh_token"]).status_code == 200


def test_a_retired_key_leaves_jwks_once_its_tokens_have_expired(db):
    keys.ensure_keys()
    old = keys.rotate(force=True)["retired"]
    assert old in published_kids()
    SigningKey.objects.filter(kid=old).update(retire_until="2000-01-01T00:00:00Z")
    assert old not in published_kids()
    keys.rotate(force=True)
    assert not SigningKey.objects.filter(kid=old).exists()


def test_every_node_follows_a_rotation_at_once(db):
    keys.ensure_keys()
    signing = keys.signing_jwk().thumbprint()
    SigningKey.objects.filter(kid=signing).update(state="retired", retire_until="2999-01-01T00:00:00Z")
    SigningKey.objects.filter(state="next").update(state="current")
    # No cache flush: another node rotated in the database.
    assert keys.signing_jwk().thumbprint() != signing


def test_the_keys_commands_list_and_rotate(db, capsys):
    call_command("keys", "list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert sorted(k["state"] for k in listed) == ["current", "next"]
    with pytest.raises(CommandError, match="published"):
        call_command("keys", "rotate")  # the next key appeared just now: clients may not know it yet
    SigningKey.objects.filter(state="next").update(created_at=timezone.now() - timedelta(hours=2))
    call_command("keys", "rotate", "--json")
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["current"] == next(k["kid"] for k in listed if k["state"] == "next")


def test_reset_replaces_unreadable_keys(db, settings):
    keys.ensure_keys()
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    keys.clear_cache()
    call_command("keys", "rotate", "--reset")
    assert keys.signing_jwk().has_private
