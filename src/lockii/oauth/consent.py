"""The consent step of Login with Lockii: what the user is shown, what they approved, and its memory.

An authorization request that passed every check is parked in the user's session under a random
id (``remember_pending``); the consent form carries that id next to copies of the validated
parameters. The POST takes the parked request back (``take_pending``, single use) and accepts it
only if every posted copy still equals it, so a tampered hidden field can never change what gets
issued, and a form lifted from one session is worthless in another.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms

from lockii.audit.log import record as audit
from lockii.identity.principal import principal_for_user
from lockii.oauth import resources as first_party_resources
from lockii.oauth.redirects import LOOPBACK_HOSTS

PENDING_SESSION_KEY = "oauth_pending"
PENDING_TTL_S = 600  # a consent page left open longer than this must be started again
PENDING_MAX = 8  # a few sign-in tabs at once; the oldest parked request gives way

# The fields of a parked request that the consent form echoes back and that must come back unchanged.
ECHOED_FIELDS = ("client_id", "redirect_uri", "response_type", "scope", "resource", "state",
                 "code_challenge", "code_challenge_method", "nonce")

OFFLINE_SCOPE = "offline_access"
MAX_STATE = 4096  # longer than any real client's; an answer must still fit in a Location header
MAX_NONCE = 255  # the width of DOT's Grant.nonce column


class ConsentForm(forms.Form):
    """The consent POST: the parked request's id, the echoed parameters and the user's decision."""

    request_id = forms.CharField(max_length=64, widget=forms.HiddenInput())
    client_id = forms.CharField(max_length=255, widget=forms.HiddenInput())
    redirect_uri = forms.CharField(max_length=2048, widget=forms.HiddenInput())
    response_type = forms.CharField(max_length=32, widget=forms.HiddenInput())
    scope = forms.CharField(max_length=2048, required=False, widget=forms.HiddenInput())
    resource = forms.CharField(max_length=2048, required=False, widget=forms.HiddenInput())
    state = forms.CharField(max_length=MAX_STATE, required=False, widget=forms.HiddenInput(), strip=False)
    code_challenge = forms.CharField(max_length=128, widget=forms.HiddenInput())
    code_challenge_method = forms.CharField(max_length=16, widget=forms.HiddenInput())
    nonce = forms.CharField(max_length=MAX_NONCE, required=False, widget=forms.HiddenInput(), strip=False)
    # Only the exact value "approve" approves; anything else (or nothing) is a refusal.
    decision = forms.CharField(max_length=16, required=False, strip=False)

    def matches(self, pending: dict) -> bool:
        """True when every echoed field equals the parked request it claims to be."""
        data = self.cleaned_data
        return all(data.get(name, "") == echoed_value(pending, name) for name in ECHOED_FIELDS)

    @property
    def approved(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"


def echoed_value(pending: dict, name: str) -> str:
    """The string a parked request's field is echoed as in the form."""
    value = pending.get(name)
    if name in ("scope", "resource"):
        return " ".join(value or [])
    return value or ""


def form_initial(pending: dict, request_id: str) -> dict:
    return {"request_id": request_id, **{name: echoed_value(pending, name) for name in ECHOED_FIELDS}}


def remember_pending(session, pending: dict) -> str:
    """Park a validated authorization request in the session; return its id for the form."""
    now = int(time.time())
    parked = {rid: entry for rid, entry in session.get(PENDING_SESSION_KEY, {}).items()
              if entry.get("at", 0) > now - PENDING_TTL_S}
    while len(parked) >= PENDING_MAX:
        parked.pop(min(parked, key=lambda rid: parked[rid]["at"]))
    request_id = secrets.token_urlsafe(24)
    parked[request_id] = {"at": now, "request": pending}
    session[PENDING_SESSION_KEY] = parked
    return request_id


def take_pending(session, request_id: str) -> dict | None:
    """Remove and return the parked request ``request_id``, or None if unknown or expired."""
    parked = dict(session.get(PENDING_SESSION_KEY, {}))
    entry = parked.pop(request_id, None)
    session[PENDING_SESSION_KEY] = parked
    if entry is None or entry.get("at", 0) <= int(time.time()) - PENDING_TTL_S:
        return None
    return entry["request"]


@dataclass(frozen=True)
class ClientFacts:
    """What the consent page says about the client, none of it taken on the client's word alone."""

    name: str
    host: str  # where the user (and the code) will be sent
    loopback: bool  # the code goes to a program on the user's own computer
    private_scheme: str  # e.g. "cursor" when the code goes to a desktop app's custom scheme
    publisher: str  # a metadata-document client: the host of the URL that names it, else ""
    verified: bool  # registered by the user's own company (or by Lockii), not by the app itself
    registered_by: str  # another company that registered the app, else ""


def display_name(value: str) -> str:
    """A client name safe to show: no control or format characters (bidi overrides), at most 120."""
    return "".join(c for c in value or "" if unicodedata.category(c)[0] != "C").strip()[:120]


def client_facts(application, redirect_uri: str, user) -> ClientFacts:
    """Name, destination and trust markers for ``application`` sending codes to ``redirect_uri``.

    Only an app registered in Settings by the user's own company (or one with no company, set up
    by Lockii itself) counts as verified; another company's app is as unknown as a self-registered one.
    """
    redirect = urlsplit(redirect_uri)
    client_id = application.client_id
    scheme = redirect.scheme.lower()
    manual = (getattr(application, "registration_source", "manual") or "manual") == "manual"
    company_id = getattr(application, "company_id", None)
    foreign = manual and company_id is not None and company_id != user.company_id
    return ClientFacts(
        name=display_name(application.name) or client_id,
        host=redirect.hostname or redirect.netloc or redirect.scheme,
        loopback=scheme == "http" and (redirect.hostname or "") in LOOPBACK_HOSTS,
        private_scheme=scheme if scheme not in ("http", "https") else "",
        publisher=(urlsplit(client_id).hostname or client_id) if client_id.startswith("https://") else "",
        verified=manual and not foreign,
        registered_by=application.company.name if foreign else "",
    )


@dataclass(frozen=True)
class AccessFacts:
    """Who the app will act as: company, role and the locations the user is limited to."""

    company: str
    role: str
    location_names: tuple[str, ...] | None  # None: every location


def access_facts(user) -> AccessFacts:
    from lockii.catalogue.models import Location

    names = None
    if user.location_ids is not None:
        names = tuple(Location.objects.filter(company_id=user.company_id, id__in=user.location_ids)
                      .order_by("name").values_list("name", flat=True))
    return AccessFacts(company=user.company.name, role=user.get_role_display(), location_names=names)


def stays_connected(application, scopes: list[str]) -> bool:
    """Whether the app gets a refresh token: it registered for them or asked for offline_access.

    Mirrors ``LockiiValidator._issues_refresh_token``, so the page says what will really happen.
    """
    return OFFLINE_SCOPE in scopes or "refresh_token" in application.effective_grant_types


def effective_resources(requested: list[str]) -> list[str]:
    """What a code will be bound to: the resources asked for, or both first-party ones when none were."""
    return list(requested) or list(first_party_resources.first_party())


def describe_resources(requested: list[str]) -> list[str]:
    """Plain-language names of what the app will reach."""
    names = {first_party_resources.first_party()[0]: "the Lockii REST API",
             first_party_resources.first_party()[1]: "Lockii's AI tools (MCP)"}
    return [names.get(r, r) for r in effective_resources(requested)]


def is_granted(user, application, scopes: list[str], requested_resources: list[str], redirect_uri: str) -> bool:
    """True when ``user`` already approved ``application`` for these scopes and resources (or more),
    sending codes to ``redirect_uri``."""
    from lockii.oauth.models import Consent

    return Consent.objects.covers(user, application, scopes, effective_resources(requested_resources),
                                  redirect_uri)


def record(user, application, scopes: list[str], requested_resources: list[str], redirect_uri: str) -> None:
    """Remember an explicit approval, so the same or a narrower request skips the page next time,
    and audit it: an app now acts for the user on the company's data."""
    from lockii.oauth.models import Consent

    bound = effective_resources(requested_resources)
    Consent.objects.remember(user, application, scopes, bound, redirect_uri)
    audit(principal_for_user(user, client_id=application.client_id), "oauth.consent", target_type="client",
          target_id=application.pk, scopes=list(scopes), resources=list(bound), redirect_uri=redirect_uri)
