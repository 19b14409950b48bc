"""The token, revocation, introspection, userinfo and JWKS endpoints.

Token and revocation run through DOT's views (oauthlib does the protocol); we add RFC 6749 §5.2
details DOT leaves out. Introspection and userinfo are ours: DOT's introspection answers a bare 403
and lets any client read any token, and oauthlib's userinfo answers 401 where OIDC wants 403 for a
token without ``openid`` and applies the Host-based audience check (dot-notes 4.7).
"""

from __future__ import annotations

import base64
import calendar
import json
from urllib.parse import unquote_plus

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import AbstractApplication, refresh_token_expire_timedelta
from oauth2_provider.utils import parse_bearer_token
from oauth2_provider.views import RevokeTokenView, TokenView
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest

from lockii.errors import Unauthenticated
from lockii.identity.models import User
from lockii.oauth import bearer, keys, ratelimit
from lockii.oauth.metadata import issuer
from lockii.oauth.models import AccessToken, RefreshToken
from lockii.oauth.validator import claims_for
from lockii.ops.client_ip import client_network

# Failed client authentications per client per IP per minute before /token answers 429 (CASE-40).
TOKEN_AUTH_FAILURES_PER_MINUTE = 30


def _throttle_key(request) -> str:
    """Who is being tried: the client named in the Basic header or the form, from this address.

    Per client as well as per IP, so one client failing (or being attacked) from a shared egress
    address, such as a hosted AI connector's, never locks out other clients behind the same address.
    """
    client_id = request.POST.get("client_id", "")
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id = unquote_plus(base64.b64decode(credentials, validate=True).decode().partition(":")[0])
        except (ValueError, UnicodeDecodeError):
            pass
    return f"{client_network(request.META)} {client_id[:200]}"


def oauth_json(body: dict, status: int = 200, **headers) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# RFC 6749 §3.1/§3.2: a parameter "MUST NOT be included more than once", except resource (RFC 8707 §2).
# Django's request.POST answers the last copy, so without this check ``grant_type=authorization_code&
# grant_type=refresh_token`` would be served as a refresh.
REPEATABLE_PARAMETERS = frozenset({"resource"})
# RFC 6749 §3.2 asks for urlencoded forms; Django reads multipart forms the same way, so those pass too.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def unreadable_parameters(request) -> str | None:
    """Why this form request's parameters cannot be taken as sent, or None.

    A NUL: no legitimate value has one, and PostgreSQL cannot even be asked about it (psycopg raises
    DataError where DOT's ``_load_application`` expects ValueError). A repeated parameter: which copy
    counts would be a guess. Another body format: oauthlib would read no parameters at all and blame
    the first one it misses (``unsupported_grant_type`` for a JSON body)."""
    if request.content_type not in FORM_TYPES:
        return "Send the parameters as application/x-www-form-urlencoded (RFC 6749 §3.2)."
    for params in (request.GET, request.POST):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists()):
            return "Parameters may not contain NUL."
    repeated = sorted(key for key, values in request.POST.lists()
                      if len(values) > 1 and key not in REPEATABLE_PARAMETERS)
    if repeated:
        return f"The {repeated[0]} parameter may appear only once."
    return None


def _refused(reason: str):
    return oauth_json({"error": "invalid_request", "error_description": reason}, status=400)


def _method_not_allowed(self, request, *args, **kwargs):
    return oauth_json({"error": "invalid_request", "error_description": "Use POST."}, status=405,
                      Allow="POST, OPTIONS")


# oauthlib answers most token errors with a bare code. RFC 6749 §5.2 allows a description, and client
# developers need one; none of these says which part of a grant was wrong.
TOKEN_ERROR_DESCRIPTIONS = {
    "invalid_grant": "The code or refresh token is invalid, expired, already used or revoked, or was issued "
                     "to another client or redirect_uri.",
    "unsupported_grant_type": "grant_type must be authorization_code or refresh_token.",
    "invalid_client": "Client authentication failed.",
    "invalid_request": "A required parameter is missing or malformed.",
}


def _described(body: str) -> str:
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    if isinstance(answer, dict) and answer.get("error") in TOKEN_ERROR_DESCRIPTIONS \
            and not answer.get("error_description"):
        return json.dumps({**answer, "error_description": TOKEN_ERROR_DESCRIPTIONS[answer["error"]]})
    return body


@method_decorator(csrf_exempt, name="dispatch")
class LockiiTokenView(TokenView):
    """RFC 6749 §3.2 token endpoint: form-encoded POST, JSON answers, ``no-store`` on every one."""

    http_method_names = ["post", "options"]
    http_method_not_allowed = _method_not_allowed

    def post(self, request, *args, **kwargs):
        if (reason := unreadable_parameters(request)) is not None:
            return _refused(reason)
        throttle_key = _throttle_key(request)
        wait = ratelimit.exceeded("token-auth", throttle_key, TOKEN_AUTH_FAILURES_PER_MINUTE, 60)
        if wait:
            # RFC 6749 §5.2 has no code for this; temporarily_unavailable (its §4.1.2.1 code) tells a
            # client to retry later, where invalid_client would make some clients register again.
            return oauth_json({"error": "temporarily_unavailable",
                               "error_description": f"Too many failed client authentications; retry in {wait} s."},
                              status=429, Retry_After=str(wait))
        # Not TokenView.authorization_flow_token_response: it re-reads the new access token only to
        # send DOT's app_authorized signal, which nothing here listens to (dot-notes 4.11).
        # One transaction per request: the code claimed in LockiiValidator.validate_code stays locked
        # until its tokens are committed, so a parallel redemption of the same code waits, then finds
        # them and revokes them (RFC 6749 §4.1.2: a code used twice ends everything it issued).
        with transaction.atomic():
            _url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(_described(body) if status >= 400 else body, status=status,
                                content_type="application/json")
        for name, value in headers.items():
            response[name] = value
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        if status == 401:
            # RFC 6749 §5.2: answer client-authentication failures with the scheme we accept in the
            # Authorization header (oauthlib puts "Bearer" there).
            response["WWW-Authenticate"] = 'Basic realm="lockii", charset="UTF-8"'
            ratelimit.hit("token-auth", throttle_key, TOKEN_AUTH_FAILURES_PER_MINUTE, 60)
        return response


@method_decorator(csrf_exempt, name="dispatch")
class LockiiRevokeView(RevokeTokenView):
    """RFC 7009: 200 for any token, known or not; revoking either token of a grant ends the grant."""

    http_method_names = ["post", "options"]
    http_method_not_allowed = _method_not_allowed

    def post(self, request, *args, **kwargs):
        if (reason := unreadable_parameters(request)) is not None:
            return _refused(reason)
        response = super().post(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        if response.status_code == 401:
            response["WWW-Authenticate"] = 'Basic realm="lockii", charset="UTF-8"'
        return response


def _authenticated_client(view: OAuthLibMixin, request):
    """The confidential client that authenticated this request (Basic or form secret), or None."""
    core = view.get_oauthlib_core()
    uri, method, body, headers = core._extract_params(request)
    oauth_request = OauthlibRequest(uri, method, body, headers)
    validator = core.server.request_validator
    if not validator.authenticate_client(oauth_request):
        return None
    client = oauth_request.client
    if client is None or client.client_type != AbstractApplication.CLIENT_CONFIDENTIAL:
        return None
    return client


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(OAuthLibMixin, View):
    """RFC 7662 for confidential clients, about their own tokens; anything else is ``active: false``."""

    http_method_names = ["post"]
    http_method_not_allowed = _method_not_allowed

    def post(self, request, *args, **kwargs):
        if (reason := unreadable_parameters(request)) is not None:
            return _refused(reason)
        client = _authenticated_client(self, request)
        if client is None:
            return oauth_json({"error": "invalid_client", "error_description": "Client authentication failed."},
                              status=401, WWW_Authenticate='Basic realm="lockii", charset="UTF-8"')
        token = request.POST.get("token")
        if not token:
            return oauth_json({"error": "invalid_request", "error_description": "The token parameter is missing."},
                              status=400)
        return oauth_json(introspect(token, client, request.POST.get("token_type_hint")))


def introspect(token: str, client, hint: str | None = None) -> dict:
    """The RFC 7662 answer about ``token`` for ``client``: active only for its own live tokens."""
    checksum = bearer.checksum(token)
    now = timezone.now()
    access = (AccessToken.objects.select_related("user").filter(token_checksum=checksum, application=client)
              .exclude(user=None).first())
    if access is not None and access.expires > now and not access.user.disabled:
        return {"active": True, "token_type": "Bearer", "scope": access.scope, "client_id": client.client_id,
                "sub": access.user_id, "aud": access.resource, "iss": issuer(),
                "exp": calendar.timegm(access.expires.utctimetuple()),
                "iat": calendar.timegm(access.created.utctimetuple())}
    refresh = (RefreshToken.objects.select_related("access_token", "user")
               .filter(token_checksum=checksum, application=client, revoked__isnull=True).first())
    if refresh is not None and refresh.access_token is not None and not refresh.user.disabled:
        # DOT's rule at the token endpoint: a refresh token dies its lifetime after its access token expires.
        lifetime = refresh_token_expire_timedelta()
        expires = refresh.access_token.expires + lifetime if lifetime else None
        if expires is None or expires > now:
            return {"active": True, "token_type": "refresh_token", "client_id": client.client_id,
                    "scope": refresh.access_token.scope, "sub": refresh.user_id, "aud": refresh.resource,
                    "iss": issuer(), "iat": calendar.timegm(refresh.created.utctimetuple()),
                    **({"exp": calendar.timegm(expires.utctimetuple())} if expires else {})}
    return {"active": False}


def _bearer_error(status: int, error: str | None, description: str = "", scope: str | None = None):
    parts = ['realm="lockii"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append('error_description="{}"'.format(description.replace('"', "'")))
    if scope:
        parts.append(f'scope="{scope}"')
    body = {"error": error or "invalid_request", "error_description": description or "A bearer token is required."}
    return oauth_json(body, status=status, WWW_Authenticate="Bearer " + ", ".join(parts))


@csrf_exempt
def userinfo(request):
    """OIDC Core §5.3: GET or POST with ``Authorization: Bearer``; claims limited to granted scopes.

    Any of our access tokens works here whatever resource it is bound to (dot-notes 4.7). The token
    is never taken from the query string or the body (RFC 9700 §4.3.2, CASE-39).
    """
    if request.method not in ("GET", "POST"):
        return oauth_json({"error": "invalid_request", "error_description": "Use GET or POST."}, status=405,
                          Allow="GET, POST")
    if "access_token" in request.GET or "access_token" in request.POST:
        return _bearer_error(400, "invalid_request", "Send the access token in the Authorization header.")
    token = parse_bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
    if token is None:
        return _bearer_error(401, None)
    try:
        info = bearer.lookup(token)
    except Unauthenticated as exc:
        return _bearer_error(401, "invalid_token", exc.detail)
    if "openid" not in info.scopes:
        return _bearer_error(403, "insufficient_scope", "The token was not granted the openid scope.", "openid")
    user = User.objects.select_related("company").get(pk=info.user_id)
    return oauth_json(claims_for(user, info.scopes))


def jwks(request):
    """Public signing keys: the current one, the next one and retired ones still in use."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    response = HttpResponse(json.dumps(keys.public_jwks()), content_type="application/jwk-set+json")
    response["Cache-Control"] = f"public, max-age={keys.JWKS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
