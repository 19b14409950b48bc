"""Last-resort error views answer in the format each caller parses, never with a trace."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import RequestFactory

from lockii.ops import errors

rf = RequestFactory()


@pytest.mark.parametrize("path", ["/oauth/token", "/token", "/oauth/register", "/oauth/revoke"])
def test_server_error_on_oauth_json_endpoints_is_rfc6749_json(db, path):
    response = errors.server_error(rf.post(path))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["error"] == "server_error" and "Traceback" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_server_error_under_api_is_problem_json(db):
    response = errors.server_error(rf.get("/api/v1/booking"))
    assert response.status_code == 500 and response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["code"] == "internal_error"


def test_server_error_on_pages_is_an_html_page(db):
    response = errors.server_error(rf.get("/settings/integrations"))
    assert response.status_code == 500 and b"<html" in response.content


def test_migrations_alone_create_the_shared_cache_table(db):
    # Rate-limit counters live there; a node started with --no-migrate after `lockii migrate` needs it.
    assert "lockii_cache" in connection.introspection.table_names()
