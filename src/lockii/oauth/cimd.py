"""Client ID Metadata Documents: DOT's SSRF-guarded fetcher plus the metadata DOT drops.

``oauth2_provider.cimd`` fetches the https ``client_id`` URL (public addresses only, connects to the
IP it checked, no redirects, size and time limits, per-URL failure back-off, cache per HTTP headers)
and stores an Application. Its ``_build_application_kwargs`` keeps only the name, redirect URIs and
one grant type, so a document listing ``refresh_token`` would never get refresh tokens. Our fetcher
checks the grant types, scope and application type, and hands them to ``Application.save`` for the
row DOT is about to store (same thread, same request).
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from oauth2_provider.cimd import CIMDError, SafeMetadataFetcher

from lockii.oauth.consent import display_name

SUPPORTED_GRANT_TYPES = ("authorization_code", "refresh_token")
_documents: contextvars.ContextVar[dict] = contextvars.ContextVar("lockii_cimd_documents", default={})


def _checked(metadata: dict) -> dict:
    """The fields we keep from a document; CIMDError when it asks for what we do not offer."""
    grant_types = metadata.get("grant_types", ["authorization_code"])
    if not isinstance(grant_types, list) or "authorization_code" not in grant_types \
            or any(g not in SUPPORTED_GRANT_TYPES for g in grant_types):
        raise CIMDError("grant_types must be authorization_code, optionally with refresh_token")
    response_types = metadata.get("response_types", ["code"])
    if response_types != ["code"]:
        raise CIMDError('response_types must be ["code"]')
    application_type = metadata.get("application_type", "web")
    if application_type not in ("web", "native"):
        raise CIMDError("application_type must be web or native")
    scope = metadata.get("scope", "")
    if not isinstance(scope, str):
        raise CIMDError("scope must be a string")
    known = settings.OAUTH2_PROVIDER["SCOPES"]
    if not isinstance(metadata.get("client_name", ""), str) or not metadata.get("client_name"):
        raise CIMDError("client_name is required")  # protocol.md AS15
    return {
        "name": display_name(metadata["client_name"]),  # no bidi overrides or controls on the consent page
        "grant_types": list(dict.fromkeys(grant_types)),
        "application_type": application_type,
        "scope": " ".join(dict.fromkeys(s for s in scope.split() if s in known)),
        "token_endpoint_auth_method": "none",
    }


class LockiiMetadataFetcher(SafeMetadataFetcher):
    """``CIMD_METADATA_FETCHER``: DOT's guarded fetch, then our metadata checks."""

    def fetch(self, client_id):
        metadata, max_age = self.fetch_document(client_id)
        extra = _checked(metadata)
        _documents.set({**_documents.get(), client_id: extra})
        return metadata, max_age

    def fetch_document(self, client_id):
        """DOT's guarded fetch (``SafeMetadataFetcher.fetch``); tests replace only this step."""
        return super().fetch(client_id)


def take_fields(client_id: str) -> dict:
    """The checked fields of the document just fetched for ``client_id`` (once), or {}."""
    documents = dict(_documents.get())
    fields = documents.pop(client_id, {})
    _documents.set(documents)
    return fields
