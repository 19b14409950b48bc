"""Sign-in and sign-out pages."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from lockii.web.forms import LoginForm


MAX_NEXT = 16384  # Django's limit for a redirect, where ``next`` leads


def safe_next(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    """The ``next`` target if it stays on this site, else ``default`` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only the part before the query decides where a URL leads; Django's check refuses anything
    # over 2,048 characters, which would drop a long authorization request after sign-in.
    where = target.split("?", 1)[0]
    if where and len(target) <= MAX_NEXT and url_has_allowed_host_and_scheme(
            where, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session["auth_time"] = int(time.time())
        return redirect(safe_next(request), permanent=False)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/login.html", {"form": form, "next": safe_next(request, "")}, status=status)


@require_POST
@csrf_protect
def logout_view(request):
    logout(request)
    return redirect("login")


def home(request):
    return redirect(settings.LOGIN_REDIRECT_URL if request.user.is_authenticated else settings.LOGIN_URL)


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes' answer once an account or IP is locked out."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    response = render(request, "web/error.html", {
        "title": "Too many sign-in attempts",
        "detail": f"Sign-in is paused for this account or network for {minutes} minutes after too many "
                  "failed attempts.",
    }, status=429)
    response["Retry-After"] = str(minutes * 60)  # the longest wait: the cool-off counts from the last failure
    return response
