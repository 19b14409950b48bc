"""RFC 9457 problem+json: the one renderer of errors on the REST surface."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse

from lockii.errors import LockiiError, Unauthenticated
from lockii.oauth.challenge import bearer_challenge

PROBLEM_TYPE_BASE = "https://lockii.app/problems/"


def problem_response(status: int, code: str, title: str, detail: str, *, errors=None, **extra) -> HttpResponse:
    body = {"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status, "detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def error_response(exc: LockiiError, *, resource: str | None = None) -> HttpResponse:
    """Render ``exc``; a 401 also carries the Bearer challenge pointing at the resource's metadata."""
    extra = {k: v for k, v in exc.extra.items() if k != "token_sent"}
    response = problem_response(exc.status, exc.code, exc.title, exc.detail, errors=exc.errors, **extra)
    if isinstance(exc, Unauthenticated):
        response["WWW-Authenticate"] = bearer_challenge(
            resource or settings.API_RESOURCE, token_sent=bool(exc.extra.get("token_sent")),
            description=exc.detail if exc.extra.get("token_sent") else None,
        )
    if exc.status == 429 and "retry_after" in exc.extra:
        response["Retry-After"] = str(exc.extra["retry_after"])
    return response
