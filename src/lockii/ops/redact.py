"""Redaction of secrets in anything we log."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

SECRET_PARAMS = frozenset({
    "api_key", "access_token", "refresh_token", "code", "code_verifier", "client_secret",
    "password", "token", "id_token_hint", "registration_access_token",
})


def redact_query(query: str) -> str:
    """The query string with every secret-bearing parameter's value replaced."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, "[redacted]" if k.lower() in SECRET_PARAMS else v) for k, v in pairs])
