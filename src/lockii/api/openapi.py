"""OpenAPI details ninja cannot derive from our views: parameters, bodies, responses and security."""

from __future__ import annotations

from django.conf import settings

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from lockii.actions.registry import Action, Registry

REF = "#/components/schemas/{model}"

PROBLEM = {"description": "Problem details (RFC 9457)",
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _schema_ref(model: type[BaseModel]) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _parameters(action: Action) -> list[dict]:
    schema = action.input.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        where = "path" if name in action.path_params else "query"
        if where == "query" and action.method not in ("GET", "DELETE"):
            continue
        param = {"name": name, "in": where, "required": where == "path" or name in required,
                 "description": prop.get("description", "")}
        if _is_json(prop):  # nested values travel as JSON strings
            param["content"] = {"application/json": {"schema": prop}}
        else:
            param["schema"] = prop
        params.append(param)
    return params


def _is_json(prop: dict) -> bool:
    kinds = [prop.get("type")] + [alt.get("type") for alt in prop.get("anyOf", [])]
    refs = "$ref" in prop or any("$ref" in alt for alt in prop.get("anyOf", []))
    return refs or "object" in kinds or "array" in kinds


def operation_extra(action: Action) -> dict:
    ok = _schema_ref(action.output)
    if action.paged:
        ok = {"type": "array", "items": ok}
    extra: dict = {
        "parameters": _parameters(action),
        "responses": {
            200: {"description": "OK", "content": {"application/json": {"schema": ok}}},
            400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM,
        },
        "security": [{"bearer": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}],
    }
    if action.paged:
        extra["responses"][200]["headers"] = {
            "X-Next-Cursor": {"description": "Opaque cursor of the next page; absent on the last page.",
                              "schema": {"type": "string"}}}
    if action.method in ("POST", "PATCH", "PUT"):
        extra["requestBody"] = {"required": True,
                                "content": {"application/json": {"schema": _schema_ref(action.input)}}}
    if action.permission:
        extra["x-permission"] = action.permission
    return extra


def complete(schema: dict, registry: Registry) -> dict:
    """Add every action model, the security schemes and the server to the document ninja built."""
    # Paths carry /api/v1; without a server, generated clients fall back to http://localhost.
    schema["servers"] = [{"url": settings.PUBLIC_URL}]
    models = {m for a in registry for m in (a.input, a.output)}
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(defs.get("$defs", {}))
    components["schemas"]["Problem"] = {
        "type": "object",
        "properties": {k: {"type": t} for k, t in
                       [("type", "string"), ("title", "string"), ("status", "integer"),
                        ("detail", "string"), ("code", "string"), ("errors", "array")]},
    }
    _dedupe_parameters(schema)
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "Login with Lockii access token"},
        "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "x-api-key"},
        "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
    }
    return schema


def _dedupe_parameters(schema: dict) -> None:
    """ninja lists path parameters from the view signature and we list them with descriptions:
    keep one per (name, in), ours, since OpenAPI forbids duplicates."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            seen: dict[tuple, dict] = {}
            for param in operation.get("parameters", []):
                seen[(param["name"], param["in"])] = param
            if "parameters" in operation:
                operation["parameters"] = list(seen.values())
