"""The authorization endpoint (``/oauth/authorize``): DOT's AuthorizationView with our checks.

Order of a GET (RFC 6749 §4.1.2.1, RFC 9700, OIDC Core §3.1.2):
1. oauthlib validates client_id and redirect_uri; if either is bad the user gets an HTML error page
   and nothing is sent to the supplied URI.
2. Every other check (response type, PKCE S256, scope, resource, prompt, max_age) answers with an
   error redirect to the validated redirect URI, but an anonymous user signs in first (RFC 9700
   §4.11.2: no instant redirect to a self-registered URI), unless ``prompt=none`` forbids any UI.
3. Sign-in (``/login?next=…``), re-authentication for ``prompt=login`` or an exceeded ``max_age``.
4. Consent: remembered per user, client, scopes, resources and redirect URI; asked again for ``prompt=consent``
   or anything wider. DOT's client-controlled ``approval_prompt`` and ``skip_authorization`` are
   never read (dot-notes 3.1).
Every redirect to the client carries ``iss`` (RFC 9207) and is a 303 after a POST (RFC 9700 §4.12).
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedRedirect
from django.dispatch import receiver
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.decorators import decorator_from_middleware, method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView
from oauthlib.common import add_params_to_uri

from lockii.oauth import consent
from lockii.oauth.authorize_checks import RequestProblem, drop_empty_parameters, max_age, validated_request

log = logging.getLogger(__name__)

# Other prompt values (e.g. ``create``) are ignored; one account per session, so select_account
# means signing in again.
REAUTH_PROMPTS = frozenset({"login", "select_account"})
# Longest authorization query accepted (a 4 KB state fits). Real requests are far shorter.
MAX_QUERY = 8192
# Set when this endpoint sends a signed-in user to sign in again; only a real sign-in clears it.
REAUTH_SESSION_KEY = "oauth_reauth_pending"


@receiver(user_logged_in, dispatch_uid="lockii.oauth.authorize.reauthenticated")
def _reauthenticated(sender, request, user, **kwargs):
    """A completed sign-in satisfies a pending ``prompt=login`` / ``max_age`` demand."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(REAUTH_SESSION_KEY, None)


def with_issuer(uri: str, issuer: str) -> str:
    """``uri`` with exactly one ``iss`` query parameter (RFC 9207 §2), other parameters untouched.

    Our own helper rather than DOT's private ``oauth2_backends._add_iss_to_redirect``, which also
    re-encodes every other parameter; here ``state`` keeps the exact encoding it was given.
    """
    parts = urlsplit(uri)
    kept = [p for p in parts.query.split("&") if p and p.split("=", 1)[0] != "iss"]
    kept.append("iss=" + quote(issuer, safe=""))
    return urlunsplit(parts._replace(query="&".join(kept)))


class _ConsentCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check for the consent POST, accepting ``Origin: null``; the token stays required.

    The consent page is served with ``Referrer-Policy: no-referrer`` (RFC 9700 §4.2.4); under that
    policy the Fetch standard ("append a request Origin header") makes browsers send ``Origin: null``
    on the form POST, which ``CsrfViewMiddleware._origin_verified`` would refuse with 403. A foreign
    origin is still refused, the CSRF token must still match the cookie, and the form's request id
    must still name a request parked in this very session.
    """

    def _origin_verified(self, request):
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)


_consent_csrf = decorator_from_middleware(_ConsentCsrfMiddleware)


@method_decorator([csrf_exempt, never_cache, csp_replace({"frame-ancestors": ["'none'"]})], name="dispatch")
class LockiiAuthorizationView(AuthorizationView):
    """Authorization code + PKCE (S256) only, with login, consent and every redirect under our control."""

    template_name = "oauth/consent.html"
    error_template_name = "oauth/authorize_error.html"

    def dispatch(self, request, *args, **kwargs):
        # Not DOT's dispatch: LoginRequiredMixin would send an anonymous user to the login page
        # before anything is validated, so a bad client or redirect URI would get a login page
        # instead of an error page. ``get`` decides when sign-in is needed.
        self.oauth2_data = {}
        if request.method == "GET":
            drop_empty_parameters(request)
            response = self.get(request)
        elif request.method == "POST":
            response = _consent_csrf(self.post)(request)
        else:
            # No OPTIONS answer either: no CORS on the authorization endpoint (RFC 9700 §2.6).
            response = self.http_method_not_allowed(request)
        # The authorization URL (state, PKCE challenge) never leaks through Referer (RFC 9700 §4.2.4).
        response["Referrer-Policy"] = "no-referrer"
        response["X-Frame-Options"] = "DENY"
        return response

    # ---- GET: validate, sign in, consent or issue -------------------------------------------

    def get(self, request, *args, **kwargs):
        prompt = set(request.GET.get("prompt", "").split())
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY:
            return self.error_page(request, f"The sign-in link is longer than {MAX_QUERY} characters.")
        if len(request.GET.get("state", "")) > consent.MAX_STATE:
            return self.error_page(request, f"The state parameter is longer than {consent.MAX_STATE} characters.")
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except FatalClientError as error:
            return self.error_page(request, error.oauthlib_error.description)
        except OAuthToolkitError as error:
            return self._early_error(request, prompt, error.oauthlib_error)
        except ValueError:  # oauthlib.common.urldecode: "Invalid hex encoding in query string."
            return self.error_page(request, "The request could not be read (bad URL encoding).")

        application = getattr(credentials.get("request"), "client", None) or \
            get_application_model().objects.get(client_id=credentials["client_id"])
        redirect_uri, state = credentials["redirect_uri"], credentials.get("state")
        try:
            pending = validated_request(request, scopes, credentials)
        except RequestProblem as problem:
            if not request.user.is_authenticated and "none" not in prompt:
                return self.login_redirect(request)
            return self.error_redirect(application, redirect_uri, problem.error, problem.description, state)

        if not request.user.is_authenticated:
            if "none" in prompt:
                return self.error_redirect(application, redirect_uri, "login_required",
                                           "The user is not signed in.", state)
            return self.login_redirect(request)
        if self._needs_reauthentication(request, prompt, max_age(request)):
            if "none" in prompt:
                return self.error_redirect(application, redirect_uri, "login_required",
                                           "The user must sign in again.", state)
            request.session[REAUTH_SESSION_KEY] = True
            return self.login_redirect(request)

        remembered = consent.is_granted(request.user, application, pending["scope"], pending["resource"],
                                        pending["redirect_uri"])
        if remembered and "consent" not in prompt:
            return self.issue(request, application, pending)
        if "none" in prompt:
            return self.error_redirect(application, redirect_uri, "consent_required",
                                       "The user has not approved this application.", state)
        pending["user"] = request.user.pk
        request_id = consent.remember_pending(request.session, pending)
        return self.consent_page(request, application, pending, request_id)

    def _early_error(self, request, prompt, oauthlib_error):
        """An oauthlib error after client and redirect URI checked out: redirect it to the client."""
        application = get_application_model().objects.filter(client_id=oauthlib_error.client_id).first()
        if application is None or not oauthlib_error.redirect_uri:
            return self.error_page(request, oauthlib_error.description)
        if not request.user.is_authenticated and "none" not in prompt:
            return self.login_redirect(request)
        error, description = oauthlib_error.error, oauthlib_error.description
        if error == "invalid_scope" and not description:  # oauthlib leaves this one empty
            offered = " ".join(settings.OAUTH2_PROVIDER["SCOPES"])
            description = f"Ask only for scopes this server offers: {offered}."
        response_type = request.GET.get("response_type")
        if response_type and response_type != "code":
            # DOT answers unauthorized_client for implicit/hybrid types; the truth is that this
            # server supports none of them (RFC 6749 §4.1.2.1, OAuth 2.1 removes implicit).
            error, description = "unsupported_response_type", "Only response_type=code is supported."
        return self.error_redirect(application, oauthlib_error.redirect_uri, error, description,
                                   oauthlib_error.state)

    @staticmethod
    def _needs_reauthentication(request, prompt, limit: int | None) -> bool:
        if prompt & REAUTH_PROMPTS or request.session.get(REAUTH_SESSION_KEY):
            return True
        if limit is None:
            return False
        auth_time = request.session.get("auth_time")
        # A session with no recorded sign-in time is treated as too old (OIDC Core §3.1.2.1).
        return not isinstance(auth_time, int) or time.time() - auth_time > limit

    def login_redirect(self, request):
        """To the sign-in page, coming back to this request minus what signing in satisfies.

        ``prompt=login`` and ``max_age`` are dropped from the way back (as DOT's handle_prompt_login
        drops ``prompt``), else the user would be asked to sign in forever; ``max_age=0`` included.
        """
        query = []
        for key, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True):
            if key == "max_age":
                continue
            if key == "prompt":
                value = " ".join(p for p in value.split() if p not in REAUTH_PROMPTS)
                if not value:
                    continue
            query.append((key, value))
        try:
            return redirect_to_login(f"{request.path}?{urlencode(query)}")
        except DisallowedRedirect:  # encoded again as ?next=, over Django's 16 KB redirect limit
            return self.error_page(request, "The sign-in link is too long.")

    # ---- POST: the consent decision ------------------------------------------------------------

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.error_page(request, "You were signed out. Return to the application and start again.")
        if request.session.get(REAUTH_SESSION_KEY):
            # Another request demanded a fresh sign-in (prompt=login, max_age): no approval counts,
            # not even from a consent page opened before, until the user has signed in again.
            return self.error_page(request, "Sign in again before approving. "
                                            "Return to the application and start again.")
        form = consent.ConsentForm(request.POST)
        if not form.is_valid():
            return self.error_page(request, "The approval form was incomplete.")
        pending = consent.take_pending(request.session, form.cleaned_data["request_id"])
        if pending is None or pending.get("user") != request.user.pk:
            return self.error_page(request, "This approval request has expired or was already answered. "
                                            "Return to the application and start again.")
        if not form.matches(pending):
            log.warning("consent form does not match its parked request",
                        extra={"fields": {"client_id": pending["client_id"]}})
            return self.error_page(request, "The approval form was altered. Nothing was shared.")
        application = get_application_model().objects.filter(client_id=pending["client_id"]).first()
        if application is None or not application.redirect_uri_allowed(pending["redirect_uri"]):
            return self.error_page(request, "This application is no longer registered.")
        if not form.approved:
            return self.error_redirect(application, pending["redirect_uri"], "access_denied",
                                       "The user refused access.", pending["state"])
        consent.record(request.user, application, pending["scope"], pending["resource"], pending["redirect_uri"])
        return self.issue(request, application, pending)

    # ---- responses -----------------------------------------------------------------------------

    def issue(self, request, application, pending: dict):
        """Mint the code through DOT/oauthlib (which validate the request once more) and redirect."""
        credentials = {
            "client_id": pending["client_id"],
            "redirect_uri": pending["redirect_uri"],
            "response_type": pending["response_type"],
            "state": pending["state"] or None,
            "code_challenge": pending["code_challenge"],
            "code_challenge_method": pending["code_challenge_method"],
            # Always a list: [] lets the validator bind both first-party resources; a raw query
            # value must never reach the grant.
            "resource": list(pending["resource"]),
        }
        auth_time = request.session.get("auth_time")
        if isinstance(auth_time, int):
            # The validator stores it on the grant; the ID token's auth_time is this sign-in's.
            credentials["auth_time"] = auth_time
        if pending.get("nonce"):
            credentials["nonce"] = pending["nonce"]
        if pending.get("claims"):
            credentials["claims"] = pending["claims"]
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request, scopes=" ".join(pending["scope"]), credentials=credentials, allow=True)
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    def error_redirect(self, application, redirect_uri: str, error: str, description: str, state: str | None):
        params = [("error", error), ("error_description", description)]
        if state:
            params.append(("state", state))
        return self.redirect(add_params_to_uri(redirect_uri, params), application)

    def error_response(self, error, application, **kwargs):
        # DOT's version renders its own template for fatal errors; ours is the error page.
        if isinstance(error, FatalClientError) or application is None:
            return self.error_page(self.request, error.oauthlib_error.description)
        return super().error_response(error, application, **kwargs)

    def redirect(self, redirect_to, application):
        # Every response to the client passes here (DOT's BaseAuthorizationView.redirect): add
        # ``iss`` to errors too (DOT adds it on success only), and answer a POSTed form with 303,
        # not OAuth2ResponseRedirect's 302 (RFC 9700 §4.12).
        issuer = oauth2_settings.oauth2_authorization_server_issuer(self.request)
        response = super().redirect(with_issuer(redirect_to, issuer), application)
        if self.request.method == "POST":
            response.status_code = 303
        return response

    def error_page(self, request, detail: str):
        """The HTML answer when the client or redirect URI cannot be trusted: nothing goes to the client."""
        return render(request, self.error_template_name, {
            "title": "This sign-in link is not valid",
            "detail": detail or "The request could not be processed.",
        }, status=400)

    def consent_page(self, request, application, pending: dict, request_id: str):
        all_scopes = get_scopes_backend().get_all_scopes()
        context = {
            "client": consent.client_facts(application, pending["redirect_uri"], request.user),
            "access": consent.access_facts(request.user),
            "scopes": [(s, all_scopes.get(s, s)) for s in pending["scope"]],
            "scope_names": pending["scope"],
            "offline": consent.stays_connected(application, pending["scope"]),
            "access_minutes": max(1, oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS // 60),
            "resources": consent.describe_resources(pending["resource"]),
            "form": consent.ConsentForm(initial=consent.form_initial(pending, request_id)),
        }
        return render(request, self.template_name, context)
