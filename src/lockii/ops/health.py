"""Liveness and readiness probes. Never cached; GET and HEAD only."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """The process is alive (no database access: this is also the trivial benchmark endpoint)."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    """The database answers; 503 otherwise, so a load balancer stops routing here."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means not ready; only its class is shown, never its message
        return JsonResponse({"status": "unavailable", "detail": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok"})
