"""Settings → Integrations → API: API keys, OAuth apps, connected apps and the User MCP how-to."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render

from lockii.identity import apikeys, company_wide
from lockii.identity.models import ApiKey, Company
from lockii.identity.roles import MANAGE
from lockii.identity.scoping import get_scoped, scoped
from lockii.oauth import apps_service
from lockii.web import mcp_help, submit_once
from lockii.web.access import settings_page
from lockii.web.errors import methods
from lockii.web.settings_forms import ApiKeyForm


def _page(request, *, key_form=None, status=200):
    principal = request.principal
    company_wide_manager = company_wide.may_manage(principal)
    context = {
        "section": "integrations",
        "can_manage": company_wide_manager,
        "api_base": settings.API_RESOURCE,
        "key_form": key_form or ApiKeyForm(),
        # Active keys first (NULL revoked_at; databases disagree on where NULLs sort), newest first.
        "keys": list(scoped(principal, ApiKey).select_related("created_by")
                     .order_by(F("revoked_at").asc(nulls_first=True), "-created_at"))
                if company_wide_manager else [],
        "apps": apps_service.list_apps(Company.objects.get(pk=principal.company_id)) if company_wide_manager else [],
        "grants": apps_service.list_grants(request.user),
        "mcp": mcp_help.connection_help(),
    }
    return render(request, "web/integrations.html", context, status=status)


@methods("GET", "HEAD")
@settings_page()
def integrations(request):
    return _page(request)


@methods("POST")
@settings_page(MANAGE)
def create_api_key(request):
    company_wide.require_manage(request.principal, apikeys.KEYS_REACH)
    if submit_once.already_used(request):
        messages.info(request, "That key was already created and its secret shown once. If you did not copy it, "
                               "revoke it and create another.")
        return redirect("integrations")
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, key_form=form, status=400)
    company = Company.objects.get(pk=request.principal.company_id)
    key, secret = apikeys.create_key(company, form.cleaned_data["name"], created_by=request.user,
                                     principal=request.principal)
    submit_once.mark_used(request)
    # The secret is rendered in this response only (never stored, never cached: no-store), so
    # reloading or coming back later cannot show it again.
    return render(request, "web/apikey_created.html", {"section": "integrations", "key": key, "secret": secret,
                                                       "api_base": settings.API_RESOURCE})


@methods("POST")
@settings_page(MANAGE)
def revoke_api_key(request, key_id: str):
    key = get_scoped(request.principal, ApiKey, key_id, what="API key")
    company = Company.objects.get(pk=request.principal.company_id)
    apikeys.revoke_key(company, key.id, principal=request.principal)
    messages.success(request, f"API key “{key.name}” is revoked; requests using it now get 401.")
    return redirect("integrations")
