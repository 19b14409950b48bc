"""Settings → Integrations → OAuth apps (pre-registered clients) and the user's connected apps."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from lockii.errors import NotFound, ValidationFailed
from lockii.identity import company_wide
from lockii.identity.models import Company
from lockii.identity.roles import MANAGE
from lockii.oauth import apps_service
from lockii.web import submit_once
from lockii.web.access import settings_page
from lockii.web.errors import methods
from lockii.web.settings_forms import NewOAuthAppForm, OAuthAppForm


def _company(request) -> Company:
    return Company.objects.get(pk=request.principal.company_id)


def endpoints() -> dict[str, str]:
    base = settings.PUBLIC_URL
    return {"Issuer": base, "Authorization": f"{base}/oauth/authorize", "Token": f"{base}/oauth/token",
            "Userinfo": f"{base}/oauth/userinfo", "JWKS": f"{base}/oauth/jwks"}


def _field_errors(form, exc: ValidationFailed) -> None:
    """Put the service's per-field messages on the form (all of them: each bad URI is named)."""
    placed = False
    for error in exc.errors:
        if error.get("field") in form.fields:
            form.add_error(error["field"], error["message"])
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def _secret_page(request, app, secret: str, *, rotated: bool):
    # Rendered in this response only (no-store), so the secret is never shown a second time.
    return render(request, "web/oauth_app_secret.html", {
        "section": "integrations", "app": app, "secret": secret, "rotated": rotated, "endpoints": endpoints(),
    })


@methods("GET", "HEAD", "POST")
@settings_page(MANAGE)
def new_app(request):
    company_wide.require_manage(request.principal, apps_service.APPS_REACH)
    if request.method == "POST" and submit_once.already_used(request):
        messages.info(request, "That app was already registered and its secret shown once. If you did not copy "
                               "it, open the app and rotate the secret.")
        return redirect("integrations")
    form = NewOAuthAppForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                app, secret = apps_service.create_app(
                    _company(request), request.user, form.cleaned_data["name"], form.uri_list(),
                    form.cleaned_data["client_type"] == "confidential", principal=request.principal)
        except ValidationFailed as exc:
            _field_errors(form, exc)
        else:
            submit_once.mark_used(request)
            if secret is None:  # public client: nothing secret to show once, the page is enough
                messages.success(request, f"Registered “{app.name}”.")
                return redirect("oauth-app", app.pk)
            return _secret_page(request, app, secret, rotated=False)
    return render(request, "web/oauth_app_new.html", {"section": "integrations", "form": form},
                  status=400 if request.method == "POST" else 200)


@methods("GET", "HEAD", "POST")
@settings_page(MANAGE)
def app_detail(request, app_id: str):
    company = _company(request)
    app = apps_service.get_app(company, app_id, principal=request.principal)  # another company's: 404 page
    form = OAuthAppForm(request.POST if request.method == "POST" else None,
                        initial={"name": app.name, "redirect_uris": "\n".join(app.redirect_uri_list)})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                apps_service.update_app(company, app.pk, name=form.cleaned_data["name"],
                                        redirect_uris=form.uri_list(), principal=request.principal)
        except ValidationFailed as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("oauth-app", app.pk)
    return render(request, "web/oauth_app.html", {
        "section": "integrations", "app": app, "form": form, "endpoints": endpoints(),
        "confidential": app.client_type == app.CLIENT_CONFIDENTIAL,
    }, status=400 if request.method == "POST" else 200)


@methods("POST")
@settings_page(MANAGE)
def rotate_secret(request, app_id: str):
    app, secret = apps_service.rotate_secret(_company(request), app_id, principal=request.principal)
    return _secret_page(request, app, secret, rotated=True)


@methods("POST")
@settings_page(MANAGE)
def delete_app(request, app_id: str):
    company = _company(request)
    name = apps_service.get_app(company, app_id, principal=request.principal).name
    apps_service.delete_app(company, app_id, principal=request.principal)
    messages.success(request, f"Deleted “{name}”; its tokens no longer work.")
    return redirect("integrations")


@methods("POST")
@settings_page()
def disconnect(request, client_id: str):
    """End the signed-in user's grant to one app. Only apps in their own list can be named."""
    grant = next((g for g in apps_service.list_grants(request.user) if g.client_id == client_id), None)
    if grant is None:
        raise NotFound("No connected app with that client ID.")
    apps_service.revoke_grant(request.user, client_id, principal=request.principal)
    messages.success(request, f"Disconnected “{grant.name}”: its access and refresh tokens no longer work.")
    return redirect("integrations")

