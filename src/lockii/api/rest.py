"""The REST surface at /api/v1, generated from the action registry.

django-ninja routes each action and builds the OpenAPI document (``operationId`` = action name).
Validation and authentication are ours, not ninja's: query values may be JSON strings (a Lockii
convention ninja's Query parsing does not decode), and ninja's auth classes answer 401 without the
``WWW-Authenticate`` challenge that OAuth clients need for discovery.
"""

from __future__ import annotations

import inspect
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from pydantic import TypeAdapter

from lockii import jsontext
from lockii.actions.registry import Action, Page, load_all
from lockii.actions.run import run_action
from lockii.api import openapi
from lockii.api.problem import error_response
from lockii.api.query import query_to_input
from lockii.errors import LockiiError, ValidationFailed
from lockii.identity.credentials import resolve

log = logging.getLogger("lockii.api")


def request_principal(request: HttpRequest):
    headers = {k.lower(): v for k, v in request.headers.items()}
    return resolve(headers, request.GET, settings.API_RESOURCE)


def _body(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    try:
        data = jsontext.loads(request.body)
    except ValueError as exc:
        raise ValidationFailed(f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise ValidationFailed("The request body must be a JSON object.")
    return data


def _make_view(action: Action):
    item_adapter = TypeAdapter(list[action.output]) if action.paged else None

    def view(request: HttpRequest, **path) -> HttpResponse:
        response = respond(request, **path)
        # Every answer is about one credential's data (bookings carry lock codes) and the URL may
        # carry the key itself (?api_key=): no browser or shared cache may store it (CASE-39).
        response["Cache-Control"] = "no-store"
        return response

    def respond(request: HttpRequest, **path) -> HttpResponse:
        try:
            principal = request_principal(request)
            raw = query_to_input(request.GET) if action.method in ("GET", "DELETE") else _body(request)
            raw.update(path)
            result = run_action(action, principal, raw)
        except LockiiError as exc:
            return error_response(exc)
        if isinstance(result, Page):
            response = HttpResponse(item_adapter.dump_json(result.items), content_type="application/json")
            if result.next_cursor:
                response["X-Next-Cursor"] = result.next_cursor
            return response
        status = 201 if action.method == "POST" and action.name.startswith("create") else 200
        return HttpResponse(result.model_dump_json(), status=status, content_type="application/json")

    # ninja reads path parameters from the signature.
    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY, annotation=str) for p in action.path_params]
    view.__signature__ = inspect.Signature(params)
    view.__name__ = action.name
    return view


class LockiiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return openapi.complete(super().get_openapi_schema(*args, **kwargs), load_all())


def build_api() -> NinjaAPI:
    registry = load_all()
    api = LockiiAPI(
        title="Lockii API", version="1", urls_namespace="api_v1", docs_url="/docs",
        openapi_url="/openapi.json",
        description="Lockii's REST API: one operation per action (operationId = the action name, also "
                    "the User MCP tool name). Times are Unix milliseconds (UTC); money is integer cents.",
    )
    for action in registry:
        api.default_router.add_api_operation(
            "/" + action.path.lstrip("/"), [action.method], _make_view(action),
            operation_id=action.name, summary=action.summary, description=action.description,
            tags=list(action.tags) or None, openapi_extra=openapi.operation_extra(action),
        )
    return api
