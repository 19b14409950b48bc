"""DOT's models, swapped (OAUTH2_PROVIDER_*_MODEL) to add what Lockii needs, plus consent and signing keys.

- ``Application``: a company for pre-registered apps (none for DCR/CIMD clients), the RFC 7591
  metadata DOT has nowhere to store, ``last_used_at`` for clean-up, RS256 by default, keys from the
  database, and the redirect-URI policy on registration and on every /authorize (dot-notes 3.4).
- ``Grant``: kept and marked used instead of deleted, with a ``family`` shared by every token it
  leads to, so a replayed code revokes them all (dot-notes 4.9).
- ``AccessToken``/``RefreshToken``: carry the same ``family``; revoking a family ends both kinds.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
    ApplicationManager,
)

from lockii.ids import PrefixedIdField
from lockii.oauth import redirects

AUTH_METHODS = ("none", "client_secret_basic", "client_secret_post")
APPLICATION_TYPES = ("web", "native")


class Application(AbstractApplication):
    """An OAuth client: a company's pre-registered app, or a dynamically registered / CIMD client."""

    id = PrefixedIdField("client")
    company = models.ForeignKey("identity.Company", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="oauth_apps")
    # RFC 7591 metadata that is echoed back and used by policy (DOT's model has no field for these).
    token_endpoint_auth_method = models.CharField(max_length=32, default="client_secret_basic",
                                                  choices=[(m, m) for m in AUTH_METHODS])
    scope = models.TextField(blank=True, default="", help_text="registered scopes; empty means the defaults")
    grant_types = models.JSONField(default=list, blank=True)
    application_type = models.CharField(max_length=8, default="web",
                                        choices=[(t, t) for t in APPLICATION_TYPES])
    last_used_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # DOT defaults this to "" (no OIDC), which made every DCR/CIMD client fail at /token with a 500
    # once ``openid`` was asked for (dot-notes 4.1). Every client signs ID tokens with RS256.
    algorithm = models.CharField(max_length=5, choices=AbstractApplication.ALGORITHM_TYPES,
                                 default=AbstractApplication.RS256_ALGORITHM, blank=True)

    objects = ApplicationManager()

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"
        indexes = [models.Index(fields=["registration_source", "last_used_at"])]

    def natural_key(self):
        return (self.client_id,)

    @property
    def created_via(self) -> str:
        """``app`` (pre-registered by a company), ``dcr`` or ``cimd``."""
        return "app" if self.registration_source == self.RegistrationSource.MANUAL else self.registration_source

    @property
    def redirect_uri_list(self) -> list[str]:
        return self.redirect_uris.split()

    @property
    def effective_grant_types(self) -> list[str]:
        return list(self.grant_types) or ["authorization_code"]

    def get_allowed_schemes(self):
        return redirects.allowed_schemes()

    def redirect_uri_allowed(self, uri: str) -> bool:
        """Exact match against registered URIs, loopback port excepted; the policy is checked again."""
        return redirects.matches(uri, self.redirect_uri_list)

    def clean(self) -> None:
        # Replaces AbstractApplication.clean(): its redirect check is a scheme allow-list only, and it
        # refuses RS256 unless OIDC_RSA_PRIVATE_KEY is set, while our keys live in the database.
        errors: dict[str, list[str]] = {}
        uris = self.redirect_uri_list
        if not uris and self.authorization_grant_type == self.GRANT_AUTHORIZATION_CODE:
            errors.setdefault("redirect_uris", []).append("at least one redirect URI is required")
        for uri in uris:
            problem = redirects.policy_error(uri)
            if problem:
                errors.setdefault("redirect_uris", []).append(f"{uri[:200]}: {problem}")
        if self.algorithm not in (self.RS256_ALGORITHM, self.NO_ALGORITHM):
            errors.setdefault("algorithm", []).append("only RS256 is supported")
        for origin in self.allowed_origins.split():
            if not origin.startswith("https://"):
                errors.setdefault("allowed_origins", []).append(f"{origin[:200]}: origins must use https")
        if errors:
            raise ValidationError(errors)

    @property
    def jwk_key(self):
        """The key that signs this client's ID tokens: the deployment's current key from the database.

        DOT reads keys only from ``OIDC_RSA_PRIVATE_KEY`` (``AbstractApplication.jwk_key``).
        """
        from lockii.oauth.keys import signing_jwk

        return signing_jwk()

    def save(self, *args, **kwargs):
        if self.registration_source == self.RegistrationSource.CIMD:
            # oauth2_provider.cimd stores only name, redirect URIs and one grant type; the rest of
            # the document (checked by our fetcher) is applied here. A CIMD client never has a secret.
            from lockii.oauth.cimd import take_fields

            for name, value in take_fields(self.client_id).items():
                setattr(self, name, value)
            self.token_endpoint_auth_method = "none"
        super().save(*args, **kwargs)

    def touch(self) -> None:
        """Record that the client was just used (at most one write a minute)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class Grant(AbstractGrant):
    """An authorization code. Redeeming marks it used; a second redemption revokes its family."""

    family = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    replayed_at = models.DateTimeField(null=True, blank=True)
    auth_time = models.DateTimeField(null=True, blank=True, help_text="when the user last signed in")

    class Meta(AbstractGrant.Meta):
        swappable = "OAUTH2_PROVIDER_GRANT_MODEL"


class AccessToken(AbstractAccessToken):
    family = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta(AbstractAccessToken.Meta):
        swappable = "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL"


# True until the next RefreshToken query is built inside ``owner_joined_to_next_lookup()``.
_join_owner: ContextVar[bool] = ContextVar("lockii_refresh_token_join_owner", default=False)


class RefreshTokenManager(models.Manager):
    """The default manager, able to join a token's user, company and client into one lookup."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if _join_owner.get():
            # One query only, never DOT's locking ones: FOR UPDATE would lock the joined rows too.
            _join_owner.set(False)
            queryset = queryset.select_related("user__company", "application")
        return queryset


@contextmanager
def owner_joined_to_next_lookup():
    """Join user, company and client into the next RefreshToken query built inside the block.

    ``OAuth2Validator.validate_refresh_token`` selects the token with ``select_related("access_token")``
    only, then reads ``rt.user`` and ``rt.application`` (a query each), and our ID token claims
    (``validator.user_claims``) read the user's company (a third). Its lookup is the first
    RefreshToken query it builds; the count test in tests/oauth/test_refresh.py shows if that changes.
    """
    token = _join_owner.set(True)
    try:
        yield
    finally:
        _join_owner.reset(token)


class RefreshToken(AbstractRefreshToken):
    objects = RefreshTokenManager()

    class Meta(AbstractRefreshToken.Meta):
        swappable = "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL"

    @classmethod
    def revoke_family(cls, token_family) -> None:
        """DOT's family revocation, plus the access tokens of the family that have no refresh token.

        ``AbstractRefreshToken.revoke_family`` reaches access tokens only through refresh tokens; ours
        also carry the family themselves (a code redeemed without a refresh token still has one).
        """
        if not token_family:
            return
        with transaction.atomic():
            super().revoke_family(token_family)
            AccessToken.objects.filter(family=token_family).delete()


class IDToken(AbstractIDToken):
    class Meta(AbstractIDToken.Meta):
        swappable = "OAUTH2_PROVIDER_ID_TOKEN_MODEL"


def revoke_family(family) -> None:
    """End every token issued from one authorization: refresh tokens revoked, access tokens deleted."""
    RefreshToken.revoke_family(family)


class ConsentManager(models.Manager):
    def covers(self, user, application, scopes, resources, redirect_uri: str) -> bool:
        """True when ``user`` already approved ``application`` for these scopes, resources and redirect."""
        consent = self.filter(user=user, application=application).first()
        if consent is None:
            return False
        return (set(scopes) <= set(consent.scopes.split()) and set(resources) <= set(consent.resources)
                and redirects.consent_key(redirect_uri) in consent.redirect_uris)

    def remember(self, user, application, scopes, resources, redirect_uri: str) -> "Consent":
        """Record an approval, widening a previous one (never narrowing it)."""
        redirect = redirects.consent_key(redirect_uri)
        with transaction.atomic():
            consent, created = self.select_for_update().get_or_create(
                user=user, application=application,
                defaults={"scopes": " ".join(sorted(set(scopes))), "resources": sorted(set(resources)),
                          "redirect_uris": [redirect]},
            )
            if not created:
                consent.scopes = " ".join(sorted(set(consent.scopes.split()) | set(scopes)))
                consent.resources = sorted(set(consent.resources) | set(resources))
                consent.redirect_uris = sorted(set(consent.redirect_uris) | {redirect})
                consent.save(update_fields=["scopes", "resources", "redirect_uris", "updated_at"])
        return consent


class Consent(models.Model):
    """What a user approved for a client: remembered per user, client, scopes and resources."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_consents")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="consents")
    scopes = models.TextField(default="", blank=True)
    resources = models.JSONField(default=list, blank=True)
    # The redirect URIs the user saw on the page when approving (``redirects.consent_key``): the page
    # names where the code goes, so an approval for one destination (e.g. this computer) must not
    # silently send codes to another URI the client lists or adds later.
    redirect_uris = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsentManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="oauth_consent_one_per_client")]


class SigningKey(models.Model):
    """An RS256 key shared by every node. The private part is encrypted with a key derived from SECRET_KEY.

    Life cycle: ``next`` (published in JWKS, not yet signing) → ``current`` (signing) → ``retired``
    (published until ``retire_until``, when tokens it signed have expired) → deleted.
    """

    NEXT, CURRENT, RETIRED = "next", "current", "retired"
    STATES = [(NEXT, "next"), (CURRENT, "current"), (RETIRED, "retired")]

    kid = models.CharField(max_length=64, primary_key=True)
    state = models.CharField(max_length=8, choices=STATES)
    public_jwk = models.JSONField()
    private_pem_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retire_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one signing key and one waiting key, whatever several nodes do at once.
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="current"),
                                    name="oauth_signingkey_one_current"),
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="next"),
                                    name="oauth_signingkey_one_next"),
        ]


class RateCounter(models.Model):
    """One fixed-window counter of ``ratelimit``: a row per (scope, hashed key, window)."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
