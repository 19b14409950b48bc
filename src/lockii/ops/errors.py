"""Django's last-resort error views: problem+json under /api/, a plain page elsewhere. Never a trace."""

from __future__ import annotations

from django.shortcuts import render

from lockii.api.problem import problem_response


def _wants_problem(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, status: int, title: str, detail: str):
    return render(request, "web/error.html", {"title": title, "detail": detail}, status=status)


def not_found(request, exception=None):
    if _wants_problem(request):
        return problem_response(404, "not_found", "Not found", f"No endpoint at {request.path}.")
    return _page(request, 404, "Page not found", "There is nothing at this address.")


def bad_request(request, exception=None):
    if _wants_problem(request):
        return problem_response(400, "bad_request", "Bad request", "The request could not be understood.")
    return _page(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request, exception=None):
    if _wants_problem(request):
        return problem_response(403, "forbidden", "Forbidden", "This request is not allowed.")
    return _page(request, 403, "Forbidden", "This request is not allowed.")


def server_error(request):
    if _wants_problem(request):
        return problem_response(500, "internal_error", "Internal error",
                                "Something went wrong on our side; nothing was changed.")
    return _page(request, 500, "Something went wrong", "Nothing was changed. Please try again.")
