"""One structured JSON log line per request, with its request id echoed; secrets never logged."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import override_settings

from lockii.ops.logging import BriefSecurityWarnings, JsonFormatter
from lockii.ops.redact import redact_query


@pytest.fixture
def request_log(caplog):
    """The lockii.request records of the test, formatted exactly as the console handler does."""
    caplog.set_level(logging.INFO, logger="lockii.request")
    formatter = JsonFormatter()

    def lines() -> list[dict]:
        return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "lockii.request"]

    return lines


def test_one_json_line_per_request_with_the_request_id(client, request_log):
    r = client.get("/healthz?verbose=1")
    lines = request_log()
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == r["X-Request-ID"] and len(r["X-Request-ID"]) == 32
    assert {k: line[k] for k in ("level", "msg", "method", "path", "query", "status", "ip")} == {
        "level": "info", "msg": "request", "method": "GET", "path": "/healthz", "query": "verbose=1",
        "status": 200, "ip": "127.0.0.1"}
    assert isinstance(line["ms"], float) and line["ts"].endswith("Z")


def test_each_request_gets_its_own_id(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_a_well_formed_incoming_request_id_is_kept_and_a_bad_one_replaced(client, request_log):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="trace-abc.123_XYZ")["X-Request-ID"] == "trace-abc.123_XYZ"
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith injected: lines")["X-Request-ID"]
    assert bad != "bad id\nwith injected: lines" and len(bad) == 32
    assert [x["request_id"] for x in request_log()] == ["trace-abc.123_XYZ", bad]


@pytest.mark.django_db
def test_api_key_in_the_query_is_never_logged(client, request_log, caplog):
    secret = "lk_supersecretvalue123"
    r = client.get(f"/api/v1/company?api_key={secret}&limit=5")
    assert r.status_code == 401
    line = request_log()[0]
    assert line["query"] == "api_key=%5Bredacted%5D&limit=5"
    assert line["status"] == 401
    assert secret not in caplog.text
    assert all(secret not in JsonFormatter().format(rec) for rec in caplog.records)


@pytest.mark.parametrize("query", [
    "code=abc&state=s", "access_token=abc", "client_secret=abc", "REFRESH_TOKEN=abc", "api%5Fkey=abc",
    "password=abc", "code_verifier=abc",
])
def test_secret_parameters_are_redacted(query):
    assert "abc" not in redact_query(query)


def test_errors_are_logged_with_their_status(client, request_log):
    assert client.get("/no/such/page").status_code == 404
    assert request_log()[0]["status"] == 404


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_the_logged_ip_honours_trusted_proxies(client, request_log):
    client.get("/healthz", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert request_log()[0]["ip"] == "198.51.100.23"


def test_a_refused_host_is_one_warning_line_naming_our_setting(client, caplog, settings):
    """Django logs it at ERROR with a traceback; a scanner's probes would flood the log."""
    caplog.set_level(logging.WARNING, logger="django.security")
    assert client.get("/healthz", HTTP_HOST="evil.example").status_code == 400
    record = next(r for r in caplog.records if r.name == "django.security.DisallowedHost")
    assert BriefSecurityWarnings().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "warning" and "exc" not in line
    assert "evil.example" in line["msg"] and "LOCKII_ALLOWED_HOSTS" in line["msg"]
    assert "brief_security" in settings.LOGGING["handlers"]["console"]["filters"]
