"""Settings → Team: the company's users, inviting one, changing role and locations, disabling."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from lockii.catalogue.models import Location
from lockii.errors import Conflict, ValidationFailed
from lockii.identity import team
from lockii.identity.roles import MANAGE
from lockii.identity.scoping import scoped
from lockii.web.access import settings_page
from lockii.web.errors import methods
from lockii.web.settings_forms import AddUserForm, EditUserForm


def _location_names(principal) -> dict[str, str]:
    return dict(scoped(principal, Location).values_list("id", "name"))


def _describe_locations(user, names: dict[str, str]) -> str:
    if user.location_ids is None:
        return "All locations"
    # An id the viewer cannot see (another admin's location) is shown as-is, never resolved.
    return ", ".join(names.get(i, i) for i in user.location_ids) or "None"


def _apply(form, action):
    """Run ``action`` in a savepoint; a rule the service refuses is shown on the form (on its field
    when the error names one), so the person can correct it without retyping everything."""
    try:
        with transaction.atomic():
            return action()
    except (ValidationFailed, Conflict) as exc:
        field = next((e["field"] for e in exc.errors if e.get("field") in form.fields), None)
        form.add_error(field, exc.detail)
        return None


def _team_page(request, add_form=None, status=200):
    principal = request.principal
    names = _location_names(principal)
    rows = [{"user": u, "locations": _describe_locations(u, names)} for u in team.list_users(principal)]
    return render(request, "web/team.html", {
        "section": "team", "rows": rows, "add_form": add_form or AddUserForm(principal),
        "me": principal.user_id,
    }, status=status)


@methods("GET", "HEAD")
@settings_page(MANAGE)
def team_list(request):
    return _team_page(request)


@methods("POST")
@settings_page(MANAGE)
def team_add(request):
    form = AddUserForm(request.principal, data=request.POST)
    user = None
    if form.is_valid():
        data = form.cleaned_data
        user = _apply(form, lambda: team.add_user(
            request.principal, email=data["email"], name=data["name"], role=data["role"],
            location_ids=form.location_ids(), password=data["password"]))
    if user is None:
        return _team_page(request, add_form=form, status=400)
    messages.success(request, f"{user.email} can now sign in as {user.role}.")
    return redirect("team")


@methods("GET", "HEAD", "POST")
@settings_page(MANAGE)
def team_user(request, user_id: str):
    principal = request.principal
    user = team.get_user(principal, user_id)  # 404 page for another company's user
    form = EditUserForm.for_user(principal, user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        changes = team.UserChanges(role=form.cleaned_data["role"], location_ids=form.location_ids(),
                                   name=form.cleaned_data["name"])
        if _apply(form, lambda: team.update_user(principal, user.id, changes)) is not None:
            messages.success(request, f"Saved changes to {user.email}.")
            return redirect("team")
    names = _location_names(principal)
    return render(request, "web/team_user.html", {
        "section": "team", "subject": user, "form": form, "is_me": user.id == principal.user_id,
        "locations": _describe_locations(user, names), "blocked": team.why_not_editable(principal, user),
    }, status=400 if request.method == "POST" else 200)


@methods("POST")
@settings_page(MANAGE)
def team_set_disabled(request, user_id: str, disabled: bool):
    user = team.set_disabled(request.principal, user_id, disabled)
    messages.success(request, f"{user.email} is {'disabled and signed out' if disabled else 'enabled again'}.")
    return redirect("team")
