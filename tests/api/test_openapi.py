"""The OpenAPI document is generated from the action registry: one operation per action."""

from __future__ import annotations

import pytest

from lockii.actions.registry import Action, DuplicateAction, Registry, load_all
from lockii.identity.schemas import CompanyInfoOut, NoInput


@pytest.fixture
def doc(db, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(doc):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            yield path, method.upper(), operation


def test_every_action_is_one_operation_named_after_it(doc):
    by_id = {op["operationId"]: (method, path) for path, method, op in _operations(doc)}
    for action in load_all():
        assert by_id[action.name] == (action.method, "/api/v1" + action.path)
    assert set(by_id) == set(load_all().names())


def test_parameters_are_unique_and_documented(doc):
    for path, method, op in _operations(doc):
        keys = [(p["name"], p["in"]) for p in op.get("parameters", [])]
        assert len(keys) == len(set(keys)), (method, path, keys)
        for name, where in keys:
            if where == "path":
                assert "{" + name + "}" in path


def test_models_and_security_schemes_are_resolvable(doc):
    schemas = doc["components"]["schemas"]
    for path, method, op in _operations(doc):
        ok = op["responses"]["200"]["content"]["application/json"]["schema"]
        ref = ok.get("$ref") or ok["items"]["$ref"]
        assert ref.rsplit("/", 1)[1] in schemas
    assert set(doc["components"]["securitySchemes"]) == {"bearer", "apiKeyHeader", "apiKeyQuery"}


def _keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


# pydantic's names for bounds; JSON Schema's are minimum/maximum, and tools ignore the others.
NOT_JSON_SCHEMA = {"ge", "le", "gt", "lt"}


def test_bounds_are_json_schema_keywords(doc):
    assert not NOT_JSON_SCHEMA & set(_keys(doc))
    search = doc["components"]["schemas"]
    ranges = [schema for name, schema in search.items() if name in ("MsRange", "PriceRange")]
    assert ranges and all("maximum" in str(schema) and "minimum" in str(schema) for schema in ranges)


def test_the_server_is_the_public_origin(doc, settings):
    assert doc["servers"] == [{"url": settings.PUBLIC_URL}]


def test_duplicate_action_names_are_refused_at_start_up():
    registry = Registry()

    def handler(principal, params):
        return None

    first = Action("same", "GET", "/a", NoInput, CompanyInfoOut, None, handler, "A.")
    registry.add(first)
    with pytest.raises(DuplicateAction):
        registry.add(Action("same", "GET", "/b", NoInput, CompanyInfoOut, None, handler, "B."))
    with pytest.raises(DuplicateAction):
        registry.add(Action("other", "GET", "/a", NoInput, CompanyInfoOut, None, handler, "C."))
