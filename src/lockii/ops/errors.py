"""Django's last-resort error views: problem+json under /api/, a plain page elsewhere. Never a trace."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from lockii.api.problem import problem_response

# OAuth endpoints that answer JSON (RFC 6749 §5.2, RFC 7591 §3.2.2). Django answers an oversized or
# over-long form (RequestDataTooBig, TooManyFieldsSent) through handler400 before their views run.
_OAUTH_JSON_PATHS = frozenset({"/oauth/token", "/token", "/oauth/revoke", "/oauth/introspect", "/oauth/userinfo"})
_REGISTRATION_PATHS = frozenset({"/oauth/register", "/register"})


def _oauth_error(error: str, status: int = 400, description: str = "The request could not be read."):
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _wants_problem(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, status: int, title: str, detail: str):
    return render(request, "web/error.html", {"title": title, "detail": detail}, status=status)


def not_found(request, exception=None):
    if _wants_problem(request):
        return problem_response(404, "not_found", "Not found", f"No endpoint at {request.path}.")
    return _page(request, 404, "Page not found", "There is nothing at this address.")


def bad_request(request, exception=None):
    if request.path in _OAUTH_JSON_PATHS:
        return _oauth_error("invalid_request")
    if request.path in _REGISTRATION_PATHS:
        return _oauth_error("invalid_client_metadata")
    if _wants_problem(request):
        return problem_response(400, "bad_request", "Bad request", "The request could not be understood.")
    return _page(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request, exception=None):
    if _wants_problem(request):
        return problem_response(403, "forbidden", "Forbidden", "This request is not allowed.")
    return _page(request, 403, "Forbidden", "This request is not allowed.")


def server_error(request):
    if request.path in _OAUTH_JSON_PATHS or request.path in _REGISTRATION_PATHS:
        # RFC 6749 §5.2 has no 5xx code; server_error is the authorization endpoint's (§4.1.2.1).
        return _oauth_error("server_error", 500, "Something went wrong on our side; nothing was changed.")
    if _wants_problem(request):
        return problem_response(500, "internal_error", "Internal error",
                                "Something went wrong on our side; nothing was changed.")
    return _page(request, 500, "Something went wrong", "Nothing was changed. Please try again.")
