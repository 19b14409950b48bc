"""``LockiiValidator``: DOT's ``OAuth2Validator`` with the fixes of dot-notes §3.5 and §4.

Each override names the DOT behaviour it replaces. In short:
- codes are single use and burnt by any failed redemption (wrong verifier, wrong redirect); a replay
  revokes every token issued from the code (4.9, 4.10);
- ``resource`` is limited to our two resources, normalised, and defaults to both (3.5, CASE-07/08);
- ``scope=`` (empty) means the default scopes (4.8);
- tokens without a user or a client are never bearer credentials (4.6);
- refresh tokens follow the client's grant types or ``offline_access`` (protocol O14, CASE-42).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timezone as dt_timezone
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto import jwt
from jwcrypto.common import JWException
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from lockii.oauth import keys, resources
from lockii.oauth.models import (
    AccessToken, Grant, IDToken, RefreshToken, owner_joined_to_next_lookup, revoke_family,
)

log = logging.getLogger("lockii.oauth")

USERINFO_PATH = "/oauth/userinfo"


def resource_validator(request_uri: str, audiences: list[str]) -> bool:
    """``RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR``: match the request *path* to a resource.

    DOT's ``validate_resource_as_url_prefix`` compares with an absolute URL built from the Host
    header (same token: 200 via 127.0.0.1, 401 via localhost) and applies to userinfo, where an
    MCP-bound token must work (dot-notes 3.6, 4.7).
    """
    path = urlsplit(request_uri or "").path
    if path == USERINFO_PATH:
        return True
    resource = resources.for_path(path)
    return resource is not None and resource in audiences


def user_claims(user) -> dict:
    """Every claim we can state about ``user``; ``claims_for`` filters them by scope."""
    return {
        "name": user.name or user.email,
        "preferred_username": user.email,
        "email": user.email,
        "email_verified": True,  # accounts are created by a company owner for that address
        "company_id": user.company_id,
        "company_name": user.company.name,
        "role": user.role,
    }


def claims_for(user, scopes) -> dict:
    """The userinfo claims of ``user`` for a token granted ``scopes`` (OIDC Core §5.4)."""
    granted = set(scopes)
    claims = {"sub": str(user.pk)}
    for name, value in user_claims(user).items():
        if LockiiValidator.oidc_claim_scope.get(name) in granted:
            claims[name] = value
    return claims


def _invalid_target(request, description: str):
    return errors.CustomOAuth2Error(error="invalid_target", description=description, request=request)


class LockiiValidator(OAuth2Validator):
    oidc_claim_scope = {
        "sub": "openid", "name": "profile", "preferred_username": "profile", "updated_at": "profile",
        "email": "email", "email_verified": "email",
        # Which company and role the user acts as: always present for openid (see userinfo).
        "company_id": "openid", "company_name": "openid", "role": "openid",
    }

    # --- authorization request -------------------------------------------------------------------

    def validate_silent_login(self, request) -> bool:
        # oauthlib calls this only for prompt=none, and DOT's validator leaves it unimplemented
        # (NotImplementedError → 500, dot-notes 4.2). Whether a session exists is known only to the
        # authorization view, which answers login_required itself before reaching this point.
        return True

    def validate_silent_authorization(self, request) -> bool:
        # Same for remembered consent: LockiiAuthorizationView answers consent_required itself.
        return True

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        # ``scope=`` arrives as [""] (oauthlib utils.scope_to_list), which DOT refuses with
        # invalid_scope; protocol.md §3.2 rule 6 says it means the default scopes (dot-notes 4.8).
        if not [s for s in scopes if s]:
            request.scopes = self.get_default_scopes(client_id, request)
            scopes = request.scopes
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        if response_type != "code":
            raise errors.UnsupportedResponseTypeError(request=request)
        return super().validate_response_type(client_id, response_type, client, request, *args, **kwargs)

    def _create_authorization_code(self, request, code, expires=None):
        """Bind the code to canonical resources (both first-party ones when none was asked for).

        DOT stores ``[]`` for "no resource", which ``AbstractAccessToken.allows_audience`` treats as
        unrestricted, and accepts any absolute URI (``https://evil.example/`` was bound).
        """
        requested = getattr(request, "resource", None) or []
        if isinstance(requested, str):
            requested = requested.split()
        bound = []
        for value in requested:
            named = resources.expand(value)
            if named is None:
                raise _invalid_target(request, "The resource is not served here.")
            bound += [r for r in named if r not in bound]
        request.resource = bound or list(resources.first_party())
        grant = super()._create_authorization_code(request, code, expires)
        auth_time = getattr(request, "auth_time", None)
        if isinstance(auth_time, (int, float)):
            grant.auth_time = datetime.fromtimestamp(auth_time, tz=dt_timezone.utc)
            grant.save(update_fields=["auth_time"])
        return grant

    # --- code redemption -------------------------------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """Claim the code once. A used code is a replay: revoke what it issued (RFC 9700 §4.2.4).

        DOT deletes the grant only after tokens are issued (``invalidate_authorization_code``), so
        a wrong verifier left the code usable (4.10) and a replay could not find its tokens (4.9).
        Claiming here, before PKCE and redirect checks, burns the code on any failed redemption.
        LockiiTokenView runs each request in one transaction, so the claimed row stays locked until
        the winner's tokens are committed: a parallel redemption waits, then finds and revokes them.
        """
        grant = (Grant.objects.select_related("user").filter(code=code, application=client).first())
        if grant is None:
            return False
        now = timezone.now()
        claimed = Grant.objects.filter(pk=grant.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:
            log.warning("authorization code replayed; revoking its tokens", extra={"fields": {
                "client_id": client.client_id, "grant": grant.pk}})
            Grant.objects.filter(pk=grant.pk).update(replayed_at=now)
            revoke_family(grant.family)
            return False
        if grant.is_expired() or grant.user.disabled:
            return False
        request.lockii_grant = grant
        request.scopes = grant.scope.split()
        request.user = grant.user
        request.auth_time = grant.auth_time
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        return True

    def _grant_for(self, code, request):
        grant = getattr(request, "lockii_grant", None)
        if grant is not None and grant.code == code:
            return grant
        return Grant.objects.get(code=code, application=request.client)

    def get_code_challenge(self, code, request):
        return self._grant_for(code, request).code_challenge or None

    def get_code_challenge_method(self, code, request):
        return self._grant_for(code, request).code_challenge_method or None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request=None, *args, **kwargs):
        # RFC 6749 §4.1.3: identical to the redirect_uri of the authorization request. A mismatch is
        # invalid_grant (§5.2); oauthlib's MismatchingRedirectURIError would say invalid_request.
        if self._grant_for(code, request).redirect_uri != redirect_uri:
            raise errors.InvalidGrantError(description="redirect_uri differs from the authorization request.",
                                           request=request)
        return True

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        # The code was claimed in validate_code; the row stays (marked used) to detect replays.
        return None

    # --- token issuance --------------------------------------------------------------------------

    def _check_and_set_request_resource(self, request):
        """Canonicalise requested resources first, so narrowing compares like with like (CASE-08)."""
        requested = getattr(request, "resource", None)
        if isinstance(requested, str):
            body = [v for k, v in (getattr(request, "decoded_body", None) or []) if k == "resource"]
            requested = body if len(body) > 1 else [requested]
        if requested:
            named = [resources.expand(r) for r in requested if r and r.strip()]
            if any(n is None for n in named):
                raise _invalid_target(request, "The resource is not served here.")
            request.resource = list(dict.fromkeys(r for n in named for r in n))
        super()._check_and_set_request_resource(request)

    def authenticate_client(self, request, *args, **kwargs):
        """DOT's check, failing when the body's ``client_id`` names another client than the one
        authenticated (e.g. Basic for client A, ``client_id=B`` in the form).

        oauthlib answers that contradiction with ``server_error`` (grant_types.base
        ``validate_client_confidential``), which RFC 6749 §5.2 does not define for this endpoint.

        A confidential client may send its secret by either method we advertise, whichever it
        registered: both prove the same secret, and clients that register one and send the other
        exist. What is never accepted is no secret (``none``) from a confidential client.
        """
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        named = getattr(request, "client_id", None)
        return not named or request.client is None or named == request.client.client_id

    def _issues_refresh_token(self, request) -> bool:
        """Refresh tokens for clients registered for them, or when offline_access was granted."""
        client = request.client
        return "refresh_token" in client.effective_grant_types or "offline_access" in (request.scopes or [])

    def _save_bearer_token(self, token, request, *args, **kwargs):
        if request.grant_type == "authorization_code":
            request.token_family = request.lockii_grant.family
            if not self._issues_refresh_token(request):
                token.pop("refresh_token", None)
        elif request.grant_type == "refresh_token":
            request.token_family = request.refresh_token_instance.token_family
        super()._save_bearer_token(token, request, *args, **kwargs)
        request.client.touch()

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        # As OAuth2Validator._create_access_token, plus the family link.
        id_token = token.get("id_token")
        access_token = AccessToken(
            user=request.user, scope=token["scope"], expires=expires,
            id_token=self._issued_id_token(id_token, request) if id_token else None,
            application=request.client, source_refresh_token=source_refresh_token,
            resource=getattr(request, "resource", []), family=getattr(request, "token_family", None),
        )
        self._set_token_value(access_token, token["access_token"])
        access_token.save()
        return access_token

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        # As OAuth2Validator._create_refresh_token, but a new chain takes the code's family.
        family = (previous_refresh_token.token_family if previous_refresh_token
                  else getattr(request, "token_family", None))
        refresh_token = RefreshToken(
            user=request.user, application=request.client, access_token=access_token,
            token_family=family, resource=getattr(request, "resource", []),
        )
        self._set_token_value(refresh_token, refresh_token_code)
        refresh_token.save()
        return refresh_token

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        with owner_joined_to_next_lookup():  # one query where DOT's lookup took four
            valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        if valid and request.user.disabled:
            return False
        return valid

    # --- bearer tokens, revocation, ID tokens ----------------------------------------------------

    def validate_bearer_token(self, token, scopes, request):
        """DOT's check, refusing tokens without a user or a client (registration tokens, 4.6)."""
        valid = super().validate_bearer_token(token, scopes, request)
        if valid and (request.user is None or request.client is None or request.user.disabled
                      or oauth2_settings.DCR_REGISTRATION_SCOPE in request.access_token.scope.split()):
            request.oauth2_error = {"error": "invalid_token", "error_description": "The access token is invalid."}
            return False
        return valid

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """RFC 7009: revoking either token of a grant ends the whole grant (every rotation).

        DOT revokes only the presented token and its pair; RFC 7009 §2.1 says revoking a refresh
        token SHOULD also invalidate the access tokens of the same grant.
        """
        if getattr(request.client, "pk", None) is None:
            return
        checksum = hashlib.sha256(token.encode()).hexdigest()
        lookup = {"token_checksum": checksum, "application_id": request.client.pk}
        families = set(AccessToken.objects.filter(**lookup).values_list("family", flat=True))
        families |= set(RefreshToken.objects.filter(**lookup).values_list("token_family", flat=True))
        with transaction.atomic():
            for family in families - {None}:
                revoke_family(family)
            # Rows made before families existed (none in practice) fall back to DOT's behaviour.
            if None in families:
                super().revoke_token(token, token_type_hint, request, *args, **kwargs)

    def get_additional_claims(self, request):
        return user_claims(request.user)

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        # The sign-in that led to the grant (OIDC Core §12.2: a refreshed ID token keeps "the time of
        # the original authentication"), never DOT's fallback, the user's latest sign-in anywhere.
        auth_time = getattr(request, "auth_time", None)
        if auth_time is None and request.grant_type == "refresh_token":
            auth_time = (Grant.objects.filter(family=request.refresh_token_instance.token_family)
                         .values_list("auth_time", flat=True).first())
        if auth_time:
            claims["auth_time"] = int(auth_time.timestamp())
        else:
            claims.pop("auth_time", None)
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        # One key lookup for DOT's two reads of Application.jwk_key (see keys.one_signing_key).
        with keys.one_signing_key():
            serialized = super().finalize_id_token(id_token, token, token_handler, request)
        request.lockii_id_token = (serialized, request.id_token)
        return serialized

    def _issued_id_token(self, token, request):
        """The IDToken row of an ID token finalised in this request, else DOT's verify-and-load.

        ``OAuth2Validator._create_access_token`` verifies the ID token it was just handed (reading
        every published key) and selects its row by ``jti``: for the token this request signed, that
        row is the one ``finalize_id_token`` saved.
        """
        issued = getattr(request, "lockii_id_token", None)
        if issued is not None and issued[0] == token:
            return issued[1]
        return self._load_id_token(token)

    def _get_key_for_token(self, token):
        # DOT checks only the client's current key (Application.jwk_key); tokens signed before a
        # rotation must still verify with the retired key, so use every published key.
        return keys.verification_keyset()

    def _load_id_token(self, token):
        try:
            claims = jwt.JWT(key=keys.verification_keyset(), jwt=token, expected_type="JWS").claims
            return IDToken.objects.get(jti=json.loads(claims)["jti"])
        except (JWException, ValueError, KeyError, IDToken.DoesNotExist):
            return None

    def get_oidc_issuer_endpoint(self, request):
        return settings.PUBLIC_URL
