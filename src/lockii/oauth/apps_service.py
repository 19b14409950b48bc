"""Pre-registered OAuth apps of a company, and the apps a user has connected. Used by Settings and the CLI.

A confidential app's secret is shown once, at creation or rotation; only a SHA-256 hash is kept
(``lockii.oauth.hashers``). Errors are ``LockiiError`` subclasses, never HTTP exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret

from lockii.audit.log import record
from lockii.errors import NotFound, ValidationFailed
from lockii.identity import company_wide
from lockii.oauth import redirects
from lockii.oauth.models import AccessToken, Application, Consent, Grant, RefreshToken

APPS_REACH = "OAuth apps are shown to everyone in the company as its own"  # see lockii.identity.company_wide

MAX_NAME = 120
MAX_REDIRECT_URIS = 20


def _check(name: str, redirect_uris: list[str]) -> tuple[str, list[str]]:
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append({"field": "name", "message": "Give the app a name."})
    elif len(name) > MAX_NAME:
        errors.append({"field": "name", "message": f"At most {MAX_NAME} characters."})
    uris = [u.strip() for u in redirect_uris if u and u.strip()]
    if not uris:
        errors.append({"field": "redirect_uris", "message": "Add at least one redirect URI."})
    if len(uris) > MAX_REDIRECT_URIS:
        errors.append({"field": "redirect_uris", "message": f"At most {MAX_REDIRECT_URIS} redirect URIs."})
    for uri in uris:
        problem = redirects.policy_error(uri)
        if problem:
            errors.append({"field": "redirect_uris", "message": f"{uri[:200]}: {problem}"})
    if errors:
        raise ValidationFailed("The OAuth app is not valid: " + "; ".join(e["message"] for e in errors),
                               errors=errors)
    return name, list(dict.fromkeys(uris))


def create_app(company, user, name: str, redirect_uris: list[str], confidential: bool, *,
               principal=None) -> tuple[Application, str | None]:
    """Register an app for ``company``; returns it and its secret (confidential apps only), shown once."""
    company_wide.require_manage(principal, APPS_REACH)
    name, uris = _check(name, redirect_uris)
    app = Application(
        company=company, user=user, name=name, redirect_uris=" ".join(uris),
        registration_source=Application.RegistrationSource.MANUAL,
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        token_endpoint_auth_method="client_secret_basic" if confidential else "none",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        grant_types=["authorization_code", "refresh_token"], application_type="web",
    )
    secret = generate_client_secret()
    app.client_secret = secret  # hashed by ClientSecretField on save
    with transaction.atomic():
        app.save()
        record(principal, "oauthapp.create", target_type="client", target_id=app.pk, company_id=company.pk,
               name=name, confidential=confidential)
    return app, secret if confidential else None


def get_app(company, app_id: str, *, principal=None) -> Application:
    company_wide.require_manage(principal, APPS_REACH)
    return _app(company, app_id)


def _app(company, app_id: str) -> Application:
    app = Application.objects.filter(company=company, pk=app_id,
                                     registration_source=Application.RegistrationSource.MANUAL).first()
    if app is None:
        raise NotFound(f"No OAuth app with id '{app_id}'.")
    return app


def list_apps(company) -> list[Application]:
    """The company's pre-registered apps, newest first (never their secrets)."""
    return list(Application.objects.filter(company=company, registration_source=Application.RegistrationSource.MANUAL)
                .order_by("-created"))


def update_app(company, app_id: str, *, name: str, redirect_uris: list[str], principal=None) -> Application:
    """Rename an app or change its redirect URIs."""
    company_wide.require_manage(principal, APPS_REACH)
    app = _app(company, app_id)
    app.name, uris = _check(name, redirect_uris)
    app.redirect_uris = " ".join(uris)
    with transaction.atomic():
        app.save(update_fields=["name", "redirect_uris", "updated"])
        record(principal, "oauthapp.update", target_type="client", target_id=app.pk, company_id=company.pk)
    return app


def rotate_secret(company, app_id: str, *, principal=None) -> tuple[Application, str]:
    """A new secret for a confidential app (shown once); the old one stops working at once."""
    company_wide.require_manage(principal, APPS_REACH)
    app = _app(company, app_id)
    if app.client_type != Application.CLIENT_CONFIDENTIAL:
        raise ValidationFailed("This app is public: it has no secret to rotate.")
    secret = generate_client_secret()
    app.client_secret = secret
    with transaction.atomic():
        app.save(update_fields=["client_secret", "updated"])
        record(principal, "oauthapp.rotate_secret", target_type="client", target_id=app.pk, company_id=company.pk)
    return app, secret


def delete_app(company, app_id: str, *, principal=None) -> None:
    """Delete an app: its codes, tokens and users' consents go with it."""
    company_wide.require_manage(principal, APPS_REACH)
    app = _app(company, app_id)
    with transaction.atomic():
        record(principal, "oauthapp.delete", target_type="client", target_id=app.pk, company_id=company.pk,
               name=app.name)
        app.delete()


@dataclass(frozen=True)
class ConnectedApp:
    """An app a user approved or holds live tokens for."""

    client_id: str
    name: str
    created_via: str
    scopes: tuple[str, ...]
    approved_at: datetime | None
    last_used_at: datetime | None
    active: bool  # holds a live access or refresh token


def list_grants(user) -> list[ConnectedApp]:
    """The apps ``user`` has connected: remembered approvals and live tokens, most recent first."""
    now = timezone.now()
    live_access = AccessToken.objects.filter(user=user, expires__gt=now, application__isnull=False)
    live_refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True)
    active_ids = set(live_access.values_list("application_id", flat=True)) | set(
        live_refresh.values_list("application_id", flat=True))
    consents = {c.application_id: c for c in Consent.objects.filter(user=user)}
    apps = Application.objects.filter(Q(pk__in=active_ids) | Q(pk__in=consents.keys())).annotate(
        token_used=Max("accesstoken__created", filter=Q(accesstoken__user=user)))
    result = []
    for app in apps:
        consent = consents.get(app.pk)
        scopes = tuple(consent.scopes.split()) if consent else tuple(sorted({
            s for scope in live_access.filter(application=app).values_list("scope", flat=True) for s in scope.split()}))
        result.append(ConnectedApp(
            client_id=app.client_id, name=app.name or app.client_id, created_via=app.created_via, scopes=scopes,
            approved_at=consent.created_at if consent else None, last_used_at=app.token_used,
            active=app.pk in active_ids))
    return sorted(result, key=lambda c: c.last_used_at or c.approved_at or now, reverse=True)


def end_access(user, app: Application | None = None) -> int:
    """End what ``user`` let ``app`` (or every app) do: codes not yet redeemed, refresh and access
    tokens, and the remembered approval. Returns the number of token families and tokens ended."""
    mine = {"user": user, **({"application": app} if app else {})}
    with transaction.atomic():
        Grant.objects.filter(**mine, used_at__isnull=True).delete()  # a code minted a moment ago dies too
        families = set(RefreshToken.objects.filter(**mine).values_list("token_family", flat=True)) - {None}
        for family in families:
            RefreshToken.revoke_family(family)
        RefreshToken.objects.filter(**mine, revoked__isnull=True).update(revoked=timezone.now())
        ended = AccessToken.objects.filter(**mine).delete()[0]
        Consent.objects.filter(**mine).delete()
    return ended + len(families)


def revoke_grant(user, client_id: str, *, principal=None) -> int:
    """Disconnect ``client_id`` from ``user``: codes and tokens end, the approval is forgotten."""
    app = Application.objects.filter(client_id=client_id).first()
    if app is None:
        raise NotFound(f"No connected app '{client_id}'.")
    with transaction.atomic():
        ended = end_access(user, app)
        record(principal, "oauth.disconnect", target_type="client", target_id=app.pk, company_id=user.company_id,
               user_id=user.pk)
    return ended
