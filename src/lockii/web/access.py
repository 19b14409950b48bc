"""Who is looking at a settings page, what they may do there, and how failures are shown.

Pages act through the same service functions as the API, so the signed-in user is turned into a
Principal exactly like an OAuth token for that user would be: their company, role, permissions
and locations. A service error becomes an HTML error page with the error's status (a foreign
object is a 404, never a 403), and every page answers ``Cache-Control: no-store``.
"""

from __future__ import annotations

from functools import wraps

from csp.decorators import csp_update
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from lockii.audit.log import record
from lockii.errors import BeyondReach, LockiiError, PermissionDenied
from lockii.identity.principal import principal_for_user


def error_page(request, exc: LockiiError):
    """The HTML rendering of a service error, with its status code."""
    titles = {403: "Not allowed", 404: "Not found", 409: "Cannot do that", 429: "Too many requests"}
    on_team_pages = request.path.startswith("/settings/team") and exc.status != 403
    return render(request, "web/error.html", {
        "title": titles.get(exc.status, "Please check your input"), "detail": exc.detail,
        "hint": _role_hint(request, exc),
        "back": ("team", "Settings → Team") if on_team_pages else ("integrations", "Settings → Integrations"),
    }, status=exc.status)


def _role_hint(request, exc: LockiiError) -> str:
    """For a permission the user's role lacks, who can change that (BeyondReach already says why)."""
    principal = getattr(request, "principal", None)
    if principal is None or not isinstance(exc, PermissionDenied) or isinstance(exc, BeyondReach):
        return ""
    return f"Your role, {principal.role}, does not include it. An owner or admin of your company can change your role."


def _record_refusal(request, exc: LockiiError) -> None:
    """Audit a refused change (a missing permission, or an object out of the user's reach): probing
    other users' or companies' objects should leave a trace."""
    match = request.resolver_match
    target = next((v for v in (match.kwargs if match else {}).values() if isinstance(v, str)), "")
    record(request.principal, f"web.{match.url_name if match else 'post'}", result="denied", target_id=target[:100],
           status=exc.status, reason=exc.detail[:200], path=request.path[:200])


def settings_page(permission: str | None = None):
    """Decorate a settings view: signed in, CSRF checked, ``request.principal`` set, errors as pages.

    POST handlers run in one transaction (services record audit events inside it, and a failure
    leaves nothing half-written). Forms here only post to and redirect within this site, so the
    page tightens ``form-action`` to 'self' (the site-wide policy leaves it open for OAuth
    redirects; see settings.CONTENT_SECURITY_POLICY).
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            request.principal = principal_for_user(request.user)
            try:
                if permission:
                    request.principal.require(permission)
                if request.method == "POST":
                    with transaction.atomic():
                        return view(request, *args, **kwargs)
                return view(request, *args, **kwargs)
            except LockiiError as exc:
                if request.method == "POST" and exc.status in (403, 404):
                    _record_refusal(request, exc)  # after the rollback, so it stays
                return error_page(request, exc)

        return csp_update({"form-action": "'self'"})(never_cache(csrf_protect(wrapped)))

    return decorate
