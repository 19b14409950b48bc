"""Make sure every error under /api/ is problem+json, including ones Django or ninja answer themselves
(405 from ninja's path view, 404 from the resolver), so API clients parse one error format."""

from __future__ import annotations

from http import HTTPStatus

from lockii.api.problem import problem_response

_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 403: "forbidden"}


class ApiProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code >= 400 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith(("application/problem+json", "application/json"))):
            status = response.status_code
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
            replacement = problem_response(status, _CODES.get(status, "error"), phrase,
                                           f"{request.method} {request.path}: {phrase.lower()}.")
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
