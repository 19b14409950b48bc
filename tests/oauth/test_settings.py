"""DOT settings whose names promise more than they do (dot-notes 3.1), and the server we build on them.

Each test pins the behaviour we rely on, so a DOT or oauthlib upgrade that changes it fails here.
"""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth2.rfc6749 import errors

from lockii.oauth.server import LockiiServer
from lockii.oauth.validator import LockiiValidator
from tests.oauth.oauth_kit import CB, pkce_pair


def test_deploy_checks_pass_with_every_rfc9700_switch_on(db):
    out = StringIO()
    call_command("check", deploy=True, stdout=out, stderr=StringIO())
    assert "oauth2_provider" not in out.getvalue()


def test_e003_is_silenced_because_loopback_redirects_need_http(db, settings):
    # The scheme gate cannot tell loopback http from any http; the Application model can.
    assert "http" in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
    settings.SILENCED_SYSTEM_CHECKS = []
    with pytest.raises(SystemCheckError, match="oauth2_provider.E003"):
        call_command("check", deploy=True, stdout=StringIO(), stderr=StringIO())


def test_the_configured_server_is_ours():
    core = get_oauthlib_core()
    assert isinstance(core.server, LockiiServer) and isinstance(core.server.request_validator, LockiiValidator)


def _authorization_request(pub_client_id: str, **params):
    verifier, challenge = pkce_pair()
    query = {"response_type": "code", "client_id": pub_client_id, "redirect_uri": CB, "state": "S1",
             "code_challenge": challenge, "code_challenge_method": "S256", "scope": "openid"}
    query.update(params)
    return get_oauthlib_core().server.validate_authorization_request(
        "https://issuer.example/oauth/authorize?" + urlencode({k: v for k, v in query.items() if v is not None}))


def test_plain_pkce_is_refused_while_validating_not_after_consent(pub):
    # COMPLIANT_BCP_RFC9700_PKCE_METHOD only acts in _create_authorization_code (after approval).
    for method in ("plain", None, "s256"):
        with pytest.raises(errors.InvalidRequestError):
            _authorization_request(pub.client_id, code_challenge_method=method)


@pytest.mark.parametrize("challenge", ["", "short", "A" * 128, "~" * 43, "é" * 43])
def test_a_malformed_challenge_is_refused_while_validating(pub, challenge):
    with pytest.raises(errors.InvalidRequestError):
        _authorization_request(pub.client_id, code_challenge=challenge)


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token", "code token", "none"])
def test_only_the_code_response_type_exists(pub, response_type):
    with pytest.raises((errors.UnsupportedResponseTypeError, errors.UnauthorizedClientError)):
        _authorization_request(pub.client_id, response_type=response_type)


def test_an_empty_scope_means_the_default_scopes(pub):
    scopes, _ = _authorization_request(pub.client_id, scope="")
    assert scopes == ["openid", "profile", "email"]


def test_an_unknown_scope_is_invalid_scope(pub):
    with pytest.raises(errors.InvalidScopeError):
        _authorization_request(pub.client_id, scope="read write")


def test_prompt_none_does_not_crash_the_validator(pub):
    # DOT leaves validate_silent_login unimplemented (NotImplementedError → 500, dot-notes 4.2); the
    # view decides login_required / consent_required, the validator must simply not raise.
    scopes, info = _authorization_request(pub.client_id, prompt="none")
    assert "openid" in scopes and info["prompt"] == {"none"}
    validator = LockiiValidator()
    request = OauthlibRequest("https://issuer.example/")
    assert validator.validate_silent_login(request) is True
    assert validator.validate_silent_authorization(request) is True
