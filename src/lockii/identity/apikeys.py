"""API keys: the secret is shown once; only its SHA-256 is stored (it is high-entropy, so a fast hash suffices)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from lockii.audit.log import record
from lockii.errors import NotFound
from lockii.identity import company_wide
from lockii.identity.models import ApiKey, Company, User

KEY_PREFIX = "lk_"
# last_used_at is written at most this often per key, so hot keys do not write on every call.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


KEYS_REACH = "API keys act at every location"  # why only company-wide managers hold them


def create_key(company: Company, name: str, *, created_by: User | None = None, principal=None) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the secret, which is never retrievable again."""
    company_wide.require_manage(principal, KEYS_REACH)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        company=company, name=name.strip() or "API key", prefix=secret[:10],
        secret_hash=hash_secret(secret), created_by=created_by,
    )
    record(principal, "apikey.create", target_type="apikey", target_id=key.id, company_id=company.id,
           name=key.name, prefix=key.prefix)
    return key, secret


def revoke_created_by(user: User, *, principal=None, reason: str = "creator disabled") -> int:
    """Revoke every active key ``user`` created: they saw each secret, so a key must not outlive
    their right to hold one (called when the user is disabled, or loses company-wide reach)."""
    keys = list(ApiKey.objects.filter(created_by=user, revoked_at__isnull=True))
    for key in keys:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(principal, "apikey.revoke", target_type="apikey", target_id=key.id, company_id=key.company_id,
               reason=reason)
    return len(keys)


def revoke_key(company: Company, key_id: str, *, principal=None) -> ApiKey:
    company_wide.require_manage(principal, KEYS_REACH)
    key = ApiKey.objects.filter(company=company, pk=key_id).first()
    if key is None:
        raise NotFound(f"No API key with id '{key_id}'.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(principal, "apikey.revoke", target_type="apikey", target_id=key.id, company_id=company.id)
    return key


def find_active(secret: str) -> ApiKey | None:
    """The live key for ``secret`` (one indexed lookup), stamping last use at most once a minute."""
    key = (ApiKey.objects.select_related("company")
           .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True).first())
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
