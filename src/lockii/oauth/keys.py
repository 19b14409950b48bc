"""RS256 signing keys kept in the database, so every node signs and verifies with the same set.

Private keys are encrypted with Fernet under a key derived (HKDF-SHA256) from ``SECRET_KEY``. The first
keys are made on first use: a ``current`` key that signs and a ``next`` key that is already published.
``rotate()`` promotes ``next`` (published since the last rotation, so clients that cached JWKS know it)
to ``current``, keeps the old key published until the tokens it signed have expired, and publishes a
fresh ``next`` (OIDC Core §10.1.1).

Every signing looks up which key is current (one indexed query), so all nodes follow a rotation at
once; only the parsed keys are cached in memory, by kid.
"""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwcrypto import jwk

from lockii.oauth.models import SigningKey

KEY_BITS = 2048
JWKS_MAX_AGE = 3600  # Cache-Control max-age of /oauth/jwks
_lock = threading.Lock()
_cache: dict[str, object] = {}  # grows by one entry per key ever used by this process
# Inside ``one_signing_key()``: a list holding the key the first ``signing_jwk()`` call read.
_held: ContextVar[list | None] = ContextVar("lockii_signing_key_held", default=None)


class KeyStoreError(Exception):
    """The signing keys cannot be used (for example, SECRET_KEY changed since they were made)."""


def _fernet() -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lockii-oauth-signing-keys",
                   info=b"fernet").derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _new_key(state: str) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    key = jwk.JWK.from_pem(pem)
    kid = key.thumbprint()  # DOT's finalize_id_token puts the thumbprint in the ``kid`` header
    public = json.loads(key.export_public())
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return SigningKey(kid=kid, state=state, public_jwk=public,
                      private_pem_encrypted=_fernet().encrypt(pem).decode())


def _private_jwk(row: SigningKey) -> jwk.JWK:
    try:
        pem = _fernet().decrypt(row.private_pem_encrypted.encode())
    except InvalidToken:
        raise KeyStoreError("The signing keys were encrypted with another LOCKII_SECRET_KEY; restore it "
                            "or run 'lockii keys rotate --reset' to replace them.") from None
    return jwk.JWK.from_pem(pem)


def ensure_keys() -> None:
    """Create the current and next keys if missing; safe when several nodes race (unique per state)."""
    for state in (SigningKey.CURRENT, SigningKey.NEXT):
        if SigningKey.objects.filter(state=state).exists():
            continue
        candidate = _new_key(state)
        try:
            with transaction.atomic():
                candidate.save(force_insert=True)
        except IntegrityError:
            pass  # another node made it first


def _parsed(kid: str, loader):
    """Parsed keys are cached per kid (parsing and decrypting cost a millisecond; a row lookup does not)."""
    with _lock:
        if kid in _cache:
            return _cache[kid]
    value = loader()
    with _lock:
        _cache[kid] = value
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


@contextmanager
def one_signing_key():
    """Within the block, ``signing_jwk()`` reads the current key once and then returns that same key.

    For one token response only, never across requests: every response still looks the key up, so
    all nodes follow a rotation at once. DOT's ``finalize_id_token`` reads ``Application.jwk_key``
    twice (for the ``kid`` header, then to sign); held, the two cannot disagree across a rotation.
    """
    token = _held.set([])
    try:
        yield
    finally:
        _held.reset(token)


def signing_jwk() -> jwk.JWK:
    """The private key that signs new ID tokens (one indexed query, so every node follows a rotation)."""
    held = _held.get()
    if held:
        return held[0]
    row = SigningKey.objects.filter(state=SigningKey.CURRENT).only("kid", "private_pem_encrypted").first()
    if row is None:
        ensure_keys()
        row = SigningKey.objects.get(state=SigningKey.CURRENT)
    key = _parsed("private:" + row.kid, lambda: _private_jwk(row))
    if held is not None:
        held.append(key)
    return key


def published_rows() -> list[SigningKey]:
    """Keys clients may verify with: next, current and retired keys whose tokens may still be alive."""
    now = timezone.now()
    rows = [r for r in SigningKey.objects.order_by("created_at")
            if r.state != SigningKey.RETIRED or (r.retire_until and r.retire_until > now)]
    if not any(r.state == SigningKey.CURRENT for r in rows):
        ensure_keys()
        return published_rows()
    return rows


def public_jwks() -> dict:
    """The JWKS document: public parts only."""
    return {"keys": [row.public_jwk for row in published_rows()]}


def verification_keyset() -> jwk.JWKSet:
    """Every published key (public parts), for checking ID tokens we issued."""
    rows = published_rows()

    def load():
        keyset = jwk.JWKSet()
        for row in rows:
            keyset.add(jwk.JWK(**row.public_jwk))
        return keyset

    return _parsed("set:" + ",".join(r.kid for r in rows), load)


def rotate(*, force: bool = False) -> dict:
    """Promote ``next`` to ``current``, retire the old current key, publish a new ``next``.

    Refused (unless ``force``) while the next key has been published for less than the JWKS cache
    lifetime: a client that cached JWKS just before it appeared would not know it yet.
    """
    lifetime = max(settings.ACCESS_TOKEN_SECONDS, settings.OAUTH2_PROVIDER["ID_TOKEN_EXPIRE_SECONDS"])
    ensure_keys()
    with transaction.atomic():
        rows = {r.state: r for r in SigningKey.objects.select_for_update()
                .filter(state__in=[SigningKey.CURRENT, SigningKey.NEXT])}
        old, promoted = rows[SigningKey.CURRENT], rows[SigningKey.NEXT]
        now = timezone.now()
        published_for = (now - promoted.created_at).total_seconds()
        if published_for < JWKS_MAX_AGE and not force:
            raise KeyStoreError(f"The next key was published {int(published_for)} s ago; clients may cache "
                                f"JWKS for {JWKS_MAX_AGE} s. Rotate later, or pass --force.")
        # Clock skew and caches: keep the old key a little longer than its newest token lives.
        SigningKey.objects.filter(pk=old.pk).update(state=SigningKey.RETIRED,
                                                    retire_until=now + timedelta(seconds=lifetime + 300))
        SigningKey.objects.filter(pk=promoted.pk).update(state=SigningKey.CURRENT, activated_at=now)
        fresh = _new_key(SigningKey.NEXT)
        fresh.save(force_insert=True)
        SigningKey.objects.filter(state=SigningKey.RETIRED, retire_until__lte=now).delete()
    clear_cache()
    return {"retired": old.kid, "current": promoted.kid, "next": fresh.kid}


def reset() -> dict:
    """Replace every key (when the old ones cannot be decrypted): all earlier ID tokens stop verifying."""
    with transaction.atomic():
        SigningKey.objects.all().delete()
    clear_cache()
    ensure_keys()
    return {row.state: row.kid for row in SigningKey.objects.all()}
