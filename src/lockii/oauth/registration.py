"""Dynamic client registration: RFC 7591 (POST /oauth/register) and RFC 7592 (/oauth/register/<id>).

Wraps DOT's views (``views.dynamic_client_registration``) because they misstate what was registered
(dot-notes 3.8, 4.5): policy errors come back as ``invalid_client_metadata`` rather than
``invalid_redirect_uri``, ``scope``/``application_type``/``response_types`` are ignored, the response
always says ``client_secret_basic`` and lacks ``client_id_issued_at``/``client_secret_expires_at``, and
a refused permission is a 401 where our rate limit needs a 429. We keep DOT's registration-token
issuance and RFC 7592 authentication.

Registration is open (anyone may register, as MCP clients do) but rate-limited per client IP.
Dynamic clients belong to no company and start with no consent; members the client may not choose
(``client_id``, ``client_secret``, ``skip_authorization``, a company, ...) are ignored, never echoed.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.views.dynamic_client_registration import (
    DynamicClientRegistrationManagementView,
    DynamicClientRegistrationView,
    _check_permissions,
    _issue_registration_token,
)

from lockii import jsontext
from lockii.oauth import ratelimit, redirects
from lockii.oauth.consent import display_name
from lockii.oauth.models import AUTH_METHODS, APPLICATION_TYPES, Application
from lockii.ops.client_ip import client_network

SUPPORTED_GRANT_TYPES = ("authorization_code", "refresh_token")
DEFAULT_GRANT_TYPES = ["authorization_code", "refresh_token"]
MAX_REDIRECT_URIS = 20
MAX_BODY_BYTES = 64 * 1024


class RegistrationError(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description


class RateLimitedRegistration:
    """DCR permission: open, but at most ``LOCKII_DCR_RATE_PER_HOUR`` registrations per IP per hour."""

    def has_permission(self, request) -> bool:
        retry_after = ratelimit.hit("dcr", client_network(request.META), settings.DCR_RATE_PER_HOUR, 3600)
        if retry_after:
            request.lockii_retry_after = retry_after
            return False
        return True


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _string_list(data: dict, name: str, default: list[str]) -> list[str]:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistrationError("invalid_client_metadata", f"{name} must be an array of strings")
    return value


def _clean_name(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RegistrationError("invalid_client_metadata", "client_name must be a string")
    return display_name(value)


def parse_metadata(data: dict) -> dict:
    """The Application fields for RFC 7591 metadata ``data``; redirect URIs are checked first."""
    redirect_uris = _string_list(data, "redirect_uris", [])
    if not redirect_uris:
        raise RegistrationError("invalid_redirect_uri", "redirect_uris must list at least one URI")
    if len(redirect_uris) > MAX_REDIRECT_URIS:
        raise RegistrationError("invalid_redirect_uri", f"at most {MAX_REDIRECT_URIS} redirect URIs")
    for uri in redirect_uris:
        problem = redirects.policy_error(uri)
        if problem:
            raise RegistrationError("invalid_redirect_uri", f"{json.dumps(uri[:200])}: {problem}")

    method = data.get("token_endpoint_auth_method", "client_secret_basic")  # RFC 7591 §2 default
    if method not in AUTH_METHODS:
        raise RegistrationError("invalid_client_metadata",
                                f"token_endpoint_auth_method must be one of {', '.join(AUTH_METHODS)}")
    grant_types = _string_list(data, "grant_types", DEFAULT_GRANT_TYPES)
    unsupported = [g for g in grant_types if g not in SUPPORTED_GRANT_TYPES]
    if unsupported or "authorization_code" not in grant_types:
        raise RegistrationError(
            "invalid_client_metadata",
            f"unsupported grant_types {unsupported or grant_types}: this server issues tokens only "
            "through authorization_code (with PKCE) and refresh_token")
    response_types = _string_list(data, "response_types", ["code"])
    if response_types != ["code"]:
        raise RegistrationError("invalid_client_metadata", 'response_types must be ["code"]')
    application_type = data.get("application_type", "web")
    if application_type not in APPLICATION_TYPES:
        raise RegistrationError("invalid_client_metadata", "application_type must be 'web' or 'native'")
    scope = data.get("scope", "")
    if scope is not None and not isinstance(scope, str):
        raise RegistrationError("invalid_client_metadata", "scope must be a space-separated string")
    # The server may replace the requested scope (RFC 7591 §3.2.1): unknown names are dropped.
    known = settings.OAUTH2_PROVIDER["SCOPES"]
    registered_scope = " ".join(dict.fromkeys(s for s in (scope or "").split() if s in known))
    return {
        "name": _clean_name(data.get("client_name")),
        "redirect_uris": " ".join(redirect_uris),
        "token_endpoint_auth_method": method,
        "client_type": Application.CLIENT_PUBLIC if method == "none" else Application.CLIENT_CONFIDENTIAL,
        "grant_types": list(dict.fromkeys(grant_types)),
        "application_type": application_type,
        "scope": registered_scope,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
    }


def _read_json(request) -> dict:
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise RegistrationError("invalid_client_metadata", "send the metadata as application/json")
    if len(request.body) > MAX_BODY_BYTES:
        raise RegistrationError("invalid_client_metadata", "the metadata document is too large")
    try:
        data = jsontext.loads(request.body)
    except jsontext.DuplicateKey as exc:
        raise RegistrationError("invalid_client_metadata", f"the body is not valid JSON: {exc.msg}") from None
    except (ValueError, UnicodeDecodeError):
        raise RegistrationError("invalid_client_metadata", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise RegistrationError("invalid_client_metadata", "the body must be a JSON object")
    return data


def client_information(app: Application, registration_token: str | None, secret: str | None = None) -> dict:
    """RFC 7591 §3.2.1 client information: what was actually registered."""
    from lockii.oauth.scopes import LockiiScopes

    body = {
        "client_id": app.client_id,
        "client_id_issued_at": int(app.created.timestamp()),
        "client_name": app.name or None,
        "redirect_uris": app.redirect_uri_list,
        "grant_types": app.effective_grant_types,
        "response_types": ["code"],
        "token_endpoint_auth_method": app.token_endpoint_auth_method,
        "application_type": app.application_type,
        # RFC 7591 §2: the scopes the client "can use". Registered without one, that is every scope
        # (an authorization request without one still gets only the defaults).
        "scope": app.scope or " ".join(LockiiScopes().get_available_scopes(application=app)),
    }
    if secret is not None:
        body["client_secret"] = secret
        body["client_secret_expires_at"] = 0  # never
    if registration_token is not None:
        body["registration_access_token"] = registration_token
        body["registration_client_uri"] = f"{settings.PUBLIC_URL}/oauth/register/{app.client_id}"
    return {k: v for k, v in body.items() if v is not None}


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _save_with_new_token(app: Application, *, replacing=None) -> str | JsonResponse:
    """Validate and save ``app`` (the redirect-URI policy runs in ``clean``) with a fresh registration
    access token, retiring ``replacing``; or the ``invalid_client_metadata`` answer."""
    try:
        app.full_clean(exclude=["client_secret"])
    except ValidationError as exc:
        return _oauth_error("invalid_client_metadata", "; ".join(exc.messages))
    with transaction.atomic():
        app.save()
        token = _issue_registration_token(app, None)
        if replacing is not None:
            replacing.delete()
    return token


@method_decorator(csrf_exempt, name="dispatch")
class LockiiRegistrationView(DynamicClientRegistrationView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        if not _check_permissions(request):
            retry_after = getattr(request, "lockii_retry_after", None)
            response = _oauth_error("rate_limited" if retry_after else "access_denied",
                                    "Too many registrations from this address; try again later."
                                    if retry_after else "Registration is not allowed.",
                                    status=429 if retry_after else 403)
            if retry_after:
                response["Retry-After"] = str(retry_after)
            return response
        try:
            fields = parse_metadata(_read_json(request))
        except RegistrationError as exc:
            return _oauth_error(exc.error, exc.description)
        app = Application(user=None, company=None, registration_source=Application.RegistrationSource.DCR,
                          **fields)
        secret = app.client_secret if app.client_type == Application.CLIENT_CONFIDENTIAL else None
        token = _save_with_new_token(app)
        if isinstance(token, JsonResponse):
            return token
        from lockii.oauth.gc import collect_now_and_then

        collect_now_and_then()
        return _json(client_information(app, token, secret), status=201)


@method_decorator(csrf_exempt, name="dispatch")
class LockiiRegistrationManagementView(DynamicClientRegistrationManagementView):
    """RFC 7592 read, update and delete with the registration access token (DOT's authentication)."""

    http_method_names = ["get", "put", "delete", "options"]

    def get(self, request, client_id, *args, **kwargs):
        auth = self._authenticate_registration_request(request, client_id)
        if not hasattr(auth, "application"):
            return auth
        return _json(client_information(auth.application, auth.presented_token))

    def put(self, request, client_id, *args, **kwargs):
        auth = self._authenticate_registration_request(request, client_id)
        if not hasattr(auth, "application"):
            return auth
        try:
            data = _read_json(request)
            if data.get("client_id", client_id) != client_id:
                raise RegistrationError("invalid_client_metadata", "client_id does not match this registration")
            fields = parse_metadata(data)
        except RegistrationError as exc:
            return _oauth_error(exc.error, exc.description)
        app = auth.application
        if fields["client_type"] != app.client_type:
            return _oauth_error("invalid_client_metadata",
                                "token_endpoint_auth_method cannot switch between public and confidential")
        for name, value in fields.items():
            setattr(app, name, value)
        token = _save_with_new_token(app, replacing=auth.registration_token)
        if isinstance(token, JsonResponse):
            return token
        return _json(client_information(app, token))

    def delete(self, request, client_id, *args, **kwargs):
        auth = self._authenticate_registration_request(request, client_id)
        if not hasattr(auth, "application"):
            return auth
        auth.application.delete()
        response = _json({}, status=204)
        response.content = b""
        return response
