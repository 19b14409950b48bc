"""Liveness and readiness probes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection


def test_healthz_answers_without_touching_the_database(client):
    r = client.get("/healthz")  # no django_db mark: any query would fail the test
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_fails(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "detail": "OperationalError"}  # no driver message leaks


@pytest.mark.django_db
def test_probes_are_not_cached_and_accept_only_reads(client):
    for path in ("/healthz", "/readyz"):
        assert "no-store" in client.get(path).get("Cache-Control", "")
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
