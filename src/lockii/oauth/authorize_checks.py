"""The authorization request checks that run after oauthlib's and before any page is shown.

Each check refuses one thing with an error that is redirected to the (already verified) client;
``REQUEST_CHECKS`` is the table of which run, in order. ``validated_request`` runs them all and
returns the request as it will be parked for consent and issued.
"""

from __future__ import annotations

import re

from django.http import QueryDict

from lockii.oauth import consent, resources

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Parameters that may appear once only; oauthlib itself refuses repeats of the core five (fatal).
SINGLE_PARAMS = ("code_challenge", "code_challenge_method", "nonce", "prompt", "max_age", "claims")


class RequestProblem(Exception):
    """A non-fatal problem with a request whose client and redirect URI are valid."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description


def drop_empty_parameters(request) -> None:
    """RFC 6749 §3.1: parameters sent without a value are treated as if omitted.

    oauthlib parses the query strictly and rejects the whole request for a stray ``&`` or a bare
    ``name``; a link that ends in ``&`` is common. Remove empty segments and valueless parameters
    (segment by segment, so everything else reaches oauthlib byte for byte) before anyone reads them.
    """
    raw = request.META.get("QUERY_STRING", "")
    segments = raw.split("&")
    kept = [s for s in segments if all(s.partition("="))]  # a name, an '=', and a value ("a==" is "=")
    if len(kept) != len(segments):
        request.META["QUERY_STRING"] = "&".join(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"])


# ---- our checks after oauthlib's: each refuses one thing, answered by an error redirect ----------

def _check_response_type(request, credentials) -> None:
    if credentials.get("response_type") != "code":
        raise RequestProblem("unsupported_response_type", "Only response_type=code is supported.")


def _check_single_parameters(request, credentials) -> None:
    for name in SINGLE_PARAMS:
        if len(request.GET.getlist(name)) > 1:
            raise RequestProblem("invalid_request", f"The {name} parameter may appear only once.")


def _check_response_mode(request, credentials) -> None:
    # oauthlib would put the code in the fragment for response_mode=fragment; we answer in the query only.
    if request.GET.get("response_mode", "query") != "query":
        raise RequestProblem("invalid_request", "Only response_mode=query is supported.")


def _check_request_objects(request, credentials) -> None:
    # OIDC Core §6.1, §6.2: the named errors for request objects a provider does not support.
    if "request" in request.GET:
        raise RequestProblem("request_not_supported", "Request objects are not supported.")
    if "request_uri" in request.GET:
        raise RequestProblem("request_uri_not_supported", "request_uri is not supported.")


def _check_state_and_nonce(request, credentials) -> None:
    state, nonce = credentials.get("state") or "", _nonce(request, credentials)
    if CONTROL_CHARS.search(state) or CONTROL_CHARS.search(nonce):
        raise RequestProblem("invalid_request", "state and nonce may not contain control characters.")
    if len(nonce) > consent.MAX_NONCE:
        raise RequestProblem("invalid_request", f"nonce may have at most {consent.MAX_NONCE} characters.")


def _check_prompt(request, credentials) -> None:
    prompt = request.GET.get("prompt", "").split()
    if "none" in prompt and len(set(prompt)) > 1:  # OIDC Core §3.1.2.1
        raise RequestProblem("invalid_request", "prompt=none cannot be combined with other values.")
    max_age(request)


REQUEST_CHECKS = (_check_response_type, _check_single_parameters, _check_response_mode,
                  _check_request_objects, _check_state_and_nonce, _check_prompt)


def _nonce(request, credentials) -> str:
    # oauthlib hands the nonce on only when ``openid`` was in the scope parameter itself; with the
    # scope left out, the default scopes still bring openid, so the query is read as well.
    return credentials.get("nonce") or request.GET.get("nonce", "")


def max_age(request) -> int | None:
    """The ``max_age`` parameter in seconds, None when absent (OIDC Core §3.1.2.1)."""
    raw = request.GET.get("max_age", "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise RequestProblem("invalid_request", "max_age must be a non-negative integer (seconds).")
    return int(raw)


def bound_resources(request) -> list[str]:
    """The canonical resources asked for (RFC 8707), in order, each once; [] when none was.

    DOT's ``is_valid_resource_uri`` accepts any absolute URI (``https://evil.example/`` was bound);
    only our two resources are valid, in any spelling ``resources.canonical`` normalises.
    """
    bound = []
    for value in request.GET.getlist("resource"):
        named = resources.expand(value)
        if named is None:
            raise RequestProblem("invalid_target", "The resource is not served by this server.")
        bound += [r for r in named if r not in bound]
    return bound


def validated_request(request, scopes, credentials) -> dict:
    """Run every check; the request as it will be parked for consent and issued (JSON-safe)."""
    for check in REQUEST_CHECKS:
        check(request, credentials)
    claims = credentials.get("claims")
    return {
        "client_id": credentials["client_id"],
        "redirect_uri": credentials["redirect_uri"],
        "response_type": "code",
        "scope": [s for s in scopes if s],
        "resource": bound_resources(request),
        "state": credentials.get("state") or "",
        "code_challenge": credentials["code_challenge"],
        "code_challenge_method": credentials["code_challenge_method"],
        "nonce": _nonce(request, credentials),
        "claims": claims if isinstance(claims, dict) else None,
    }
