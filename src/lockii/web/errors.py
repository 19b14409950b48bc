"""HTML answers for requests the pages refuse before a view runs: wrong method, failed CSRF check."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render


def methods(*allowed: str):
    """Like Django's ``require_http_methods``, but the refusal is our 405 page (with ``Allow``), not an empty body."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in allowed:
                response = render(request, "web/error.html", {
                    "title": "Not available", "detail": f"This address accepts {' and '.join(allowed)} only.",
                }, status=405)
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def csrf_failure(request, reason: str = ""):
    """Settings CSRF_FAILURE_VIEW: Django's own page has an inline style our CSP blocks, and says little."""
    return render(request, "web/error.html", {
        "title": "Please try again",
        "detail": "This form expired or was sent from another site, so nothing was changed. "
                  "Go back, reload the page and submit it again.",
    }, status=403)
