"""The oauthlib server we run: only the authorization-code and refresh-token grants, S256 PKCE only.

``oauthlib.openid.Server`` also wires implicit, hybrid, password, client-credentials and device
grants. DOT's RFC 9700 gates refuse some of them late (``plain`` PKCE only after the user approved,
in ``OAuth2Validator._create_authorization_code``), so we remove them at the source: a request
for any other response type gets ``unsupported_response_type`` and any other grant
``unsupported_grant_type``, before a consent page is ever shown.
"""

from __future__ import annotations

import re

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.openid import Server

# RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA-256) without padding: exactly 43 characters.
_S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _check_code_challenge(request) -> dict:
    """Refuse anything but a well-formed S256 challenge at /authorize, before any page, with a
    message that says what is wrong (an empty challenge must not mean "no PKCE"; a missing method,
    which oauthlib would read as "plain", is refused too)."""
    method = request.code_challenge_method
    if method != "S256":
        what = f"'{method}' is not supported" if method else "it is missing"
        raise errors.InvalidRequestError(
            description=f"code_challenge_method must be S256 ({what}); PKCE is required.", request=request)
    if not _S256_CHALLENGE.match(request.code_challenge or ""):
        raise errors.InvalidRequestError(
            description="code_challenge must be the 43-character BASE64URL(SHA-256) of the verifier.",
            request=request)
    return {}


class LockiiServer(Server):
    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        for grant in (self.auth_grant, self.openid_connect_auth.proxy_target):
            # Only S256; oauthlib turns a missing method into "plain", which is refused here too.
            grant._code_challenge_methods = {"S256": grant._code_challenge_methods["S256"]}
            grant.custom_validators.pre_auth.append(_check_code_challenge)
        self._response_types = {"code": self.auth_grant_choice}
        self._grant_types = {
            "authorization_code": self.token_grant_choice,
            "refresh_token": self.refresh_grant,
        }
