"""Lockii settings: the one place where every ``LOCKII_*`` option is read and documented.

Options (environment variables):

LOCKII_DATABASE_URL
    Database URL. Default: ``sqlite:///<LOCKII_DATA_DIR>/lockii.sqlite3`` (WAL, 5 s busy timeout,
    foreign keys on). PostgreSQL: ``postgresql://user:pass@host:5432/lockii`` (psycopg 3).
LOCKII_DATA_DIR
    Folder for the embedded SQLite file. Default: ``./var``.
LOCKII_PUBLIC_URL
    The public origin, no path (``https://dash.lockii.app``). It is the OAuth issuer and the base of
    every resource identifier. https is required except on loopback (or with LOCKII_DEV=1).
    Default: ``http://127.0.0.1:8000``, or ``http://127.0.0.1:<port>`` for ``lockii serve`` on
    another port.
LOCKII_HOST, LOCKII_PORT
    Where ``lockii serve`` (and ``make run``) listen unless ``--host``/``--port`` are given.
    Default: 127.0.0.1 and 8000.
LOCKII_SECRET_KEY
    Django secret (32+ characters); also the key that encrypts signing keys at rest. Every node of
    one deployment needs the same value. Required unless LOCKII_DEV=1.
LOCKII_DEV
    ``1`` for a local trial: a random secret is generated once into LOCKII_DATA_DIR. Default: ``0``.
LOCKII_ALLOWED_HOSTS
    Comma-separated extra Host values accepted (other names of this server). The host of
    LOCKII_PUBLIC_URL and ``127.0.0.1,localhost,[::1]`` are always accepted. Default: none.
LOCKII_ALLOWED_ORIGINS
    Comma-separated browser origins accepted by the MCP endpoint (DNS-rebinding guard) in addition
    to LOCKII_PUBLIC_URL and loopback origins.
LOCKII_TRUSTED_PROXIES
    Comma-separated IPs or CIDRs whose ``X-Forwarded-For`` is believed. Default: none (the socket
    peer address is the client IP).
LOCKII_LOGIN_FAILURE_LIMIT
    Failed sign-ins allowed per account before that account is locked out. Default: 5.
LOCKII_LOGIN_IP_FAILURE_LIMIT
    Failed sign-ins allowed from one IP (any accounts) before that IP is locked out. Higher than the
    per-account limit, so an office behind one NAT address is not locked out by a few typos.
    Default: 30.
LOCKII_LOGIN_COOLOFF_MINUTES
    How long a lock-out lasts. Default: 15.
LOCKII_ACCESS_TOKEN_SECONDS
    Access-token lifetime. Default: 3600.
LOCKII_REFRESH_TOKEN_SECONDS
    Refresh-token lifetime. Default: 30 days.
LOCKII_DCR_RATE_PER_HOUR
    Dynamic client registrations allowed per client IP per hour. Default: 20.
LOCKII_DCR_UNUSED_CLIENT_DAYS
    Dynamically registered clients never used are deleted after this many days. Default: 7.
LOCKII_PRIVATE_URI_SCHEMES
    Comma-separated private-use redirect schemes allowed (RFC 8252 §7.1).
    Default: ``cursor,vscode,vscode-insiders,claude,com.lockii.app``.
LOCKII_LOG_LEVEL
    Log level. Default: INFO.
LOCKII_TEST_DATABASE_URL
    Used by the test suite only: the database the tests run against (default: SQLite).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


def _env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in _env(name, default).split(",") if part.strip()]


BASE_DIR = Path(__file__).resolve().parent
DEV = _env("LOCKII_DEV", "0") == "1"
DATA_DIR = Path(_env("LOCKII_DATA_DIR", "var")).resolve()

PUBLIC_URL = _env("LOCKII_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_public = urlsplit(PUBLIC_URL)
if _public.scheme not in ("http", "https") or not _public.netloc or _public.path not in ("", "/"):
    raise SystemExit("LOCKII_PUBLIC_URL must be an origin such as https://dash.lockii.app (no path)")
if _public.scheme == "http" and _public.hostname not in ("127.0.0.1", "localhost", "::1") and not DEV:
    # OAuth 2.1 §1.5: tokens, codes and passwords travel only over TLS, except on loopback.
    raise SystemExit("LOCKII_PUBLIC_URL must use https unless it is a loopback address "
                     "(or LOCKII_DEV=1 for a trial on a private network)")
API_RESOURCE = f"{PUBLIC_URL}/api/v1"
MCP_RESOURCE = f"{PUBLIC_URL}/api/mcp/user"

def _dev_secret() -> str:
    """A random secret kept in the data folder, so a local trial survives restarts."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _env("LOCKII_SECRET_KEY") or (_dev_secret() if DEV else "")
if len(SECRET_KEY) < 32:
    raise SystemExit("LOCKII_SECRET_KEY must be set to at least 32 random characters "
                     "(or set LOCKII_DEV=1 for a local trial, which keeps one in LOCKII_DATA_DIR)")
DEBUG = False

# Added to, never replacing, the public host and loopback names (health checks and the local CLI use them).
ALLOWED_HOSTS = list(dict.fromkeys([
    _public.hostname or "127.0.0.1", "127.0.0.1", "localhost", "[::1]", *_env_list("LOCKII_ALLOWED_HOSTS"),
]))
ALLOWED_ORIGINS = [PUBLIC_URL, *_env_list("LOCKII_ALLOWED_ORIGINS")]
TRUSTED_PROXIES = _env_list("LOCKII_TRUSTED_PROXIES")
PRIVATE_URI_SCHEMES = _env_list(
    "LOCKII_PRIVATE_URI_SCHEMES", "cursor,vscode,vscode-insiders,claude,com.lockii.app"
)
ACCESS_TOKEN_SECONDS = _env_int("LOCKII_ACCESS_TOKEN_SECONDS", 3600)
REFRESH_TOKEN_SECONDS = _env_int("LOCKII_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600)
DCR_RATE_PER_HOUR = _env_int("LOCKII_DCR_RATE_PER_HOUR", 20)
DCR_UNUSED_CLIENT_DAYS = _env_int("LOCKII_DCR_UNUSED_CLIENT_DAYS", 7)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "axes",
    "ninja",  # its bundled Swagger UI files, so /api/v1/docs needs no CDN and no inline script
    "lockii",
    "lockii.identity",
    "oauth2_provider",
    "lockii.oauth",
    "lockii.catalogue",
    "lockii.customers",
    "lockii.bookings",
    "lockii.payments",
    "lockii.audit",
    "lockii.web",
]

MIDDLEWARE = [
    "lockii.ops.middleware.RequestLogMiddleware",
    "lockii.oauth.cors.CorsMiddleware",
    "lockii.api.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lockii.urls"
WSGI_APPLICATION = "lockii.wsgi.application"
APPEND_SLASH = False  # our URLs have no trailing slash; a redirect would break OAuth POSTs

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


def _database() -> dict:
    url = _env("LOCKII_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'lockii.sqlite3'}"
    # Connections persist per worker thread: opening one costs milliseconds (the SQLite PRAGMAs, the
    # PostgreSQL handshake) against microseconds for an indexed query (bench/).
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so read-check-write inside one
            # transaction cannot interleave with another writer (no double booking).
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
# Django's Argon2 hasher uses argon2id.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # OAuth client secrets only (OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]); never first in this list.
    "lockii.oauth.hashers.ClientSecretSHA256Hasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/settings/integrations"

# Sessions live in the database so every node sees them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _public.scheme == "https"
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_SECURE = _public.scheme == "https"
CSRF_COOKIE_SAMESITE = "Lax"
if _public.scheme == "https":
    # __Host- cookies are https-only, host-only and path=/, so no sibling subdomain can plant a
    # session or CSRF cookie under the sign-in and consent forms (RFC 9700 §4.7, protocol.md B28).
    SESSION_COOKIE_NAME = "__Host-lockii_session"
    CSRF_COOKIE_NAME = "__Host-lockii_csrf"
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
CSRF_FAILURE_VIEW = "lockii.web.errors.csrf_failure"  # our HTML error page, styled under our CSP
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# django-csp: pages load only our own stylesheet; nothing may frame them. ``form-action`` is left
# out on purpose: Chromium applies it to every redirect that follows a form POST, and the sign-in
# and consent forms end in a redirect to the client's redirect URI (any https origin, loopback or
# private-use scheme). The settings pages, whose forms stay on this site, add form-action 'self'
# themselves (lockii.web.access.settings_page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}

# The cache lives in the database so every node shares it (e.g. the hourly clean-up claim).
# Rate-limit counters have their own table (oauth.RateCounter), for atomic counting.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lockii_cache",
    }
}

# django-axes: throttle by account and by IP separately, each with its own limit (identity.login_throttle).
AXES_HANDLER = "lockii.identity.login_throttle.LoginThrottleHandler"
AXES_FAILURE_LIMIT = _env_int("LOCKII_LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = _env_int("LOCKII_LOGIN_IP_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = _env_int("LOCKII_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lockii.ops.client_ip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "lockii.web.views.lockout"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "/static/"
# Static files (the API docs' Swagger UI) are served by WhiteNoise straight from the installed apps,
# so a node needs no collectstatic step and no separate file server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

LOG_LEVEL = _env("LOCKII_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "lockii.ops.logging.JsonFormatter"}},
    "filters": {"brief_security": {"()": "lockii.ops.logging.BriefSecurityWarnings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["brief_security"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces Django's own; it never prints query strings unredacted.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "CRITICAL"},
        "axes": {"level": "WARNING"},
        # The MCP SDK logs each stateless request's transport teardown at INFO; ours logs the request.
        "mcp": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 500

# --- Login with Lockii: django-oauth-toolkit, configured strictly (read dot-notes.md) ---------------
# Swapped before the first migration: lockii.oauth adds company, RFC 7591 metadata, code families.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth.Application"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth.Grant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth.IDToken"
OAUTH_SCOPES = {
    "openid": "Sign you in with your Lockii account",
    "profile": "See your name",
    "email": "See your email address",
    "offline_access": "Stay connected when you are not using it",
}
OAUTH2_PROVIDER = {
    "SCOPES": OAUTH_SCOPES,
    "DEFAULT_SCOPES": ["openid", "profile", "email"],
    "SCOPES_BACKEND_CLASS": "lockii.oauth.scopes.LockiiScopes",
    "OAUTH2_VALIDATOR_CLASS": "lockii.oauth.validator.LockiiValidator",
    "OAUTH2_SERVER_CLASS": "lockii.oauth.server.LockiiServer",
    "PKCE_REQUIRED": True,
    # Behaviour gates: S256 only, no implicit/password grants, no query-string tokens, `iss` on
    # success responses, tokens hashed at rest (authorization codes are not: 60 s, single use).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # These four only turn `check --deploy` warnings into errors (checks._BCP_CONFIG_GATES); the
    # behaviour comes from REFRESH_TOKEN_REUSE_PROTECTION, ALLOWED_REDIRECT_URI_SCHEMES,
    # ALLOW_URI_WILDCARDS and PKCE_REQUIRED (dot-notes 3.1).
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "ALLOW_URI_WILDCARDS": False,
    # Lets a registered http://localhost redirect use any port, like 127.0.0.1 and [::1] (RFC 8252
    # §7.3); the host must still match literally. Our matcher (lockii.oauth.redirects) does the same.
    "ALLOW_LOCALHOST_LOOPBACK": True,
    # A scheme list only; the loopback-host rule and private-use schemes live in the Application model.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http", *PRIVATE_URI_SCHEMES],
    "REQUEST_APPROVAL_PROMPT": "force",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": ACCESS_TOKEN_SECONDS,
    "ID_TOKEN_EXPIRE_SECONDS": ACCESS_TOKEN_SECONDS,
    "REFRESH_TOKEN_EXPIRE_SECONDS": REFRESH_TOKEN_SECONDS,
    "CLIENT_SECRET_HASHER": "lockii_secret_sha256",
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": PUBLIC_URL,
    "OIDC_USERINFO_ENDPOINT": f"{PUBLIC_URL}/oauth/userinfo",
    "RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR": "lockii.oauth.validator.resource_validator",
    "DCR_ENABLED": True,
    "DCR_REGISTRATION_PERMISSION_CLASSES": ("lockii.oauth.registration.RateLimitedRegistration",),
    "DCR_REGISTRATION_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,  # None would mean the year 9999
    "CIMD_ENABLED": True,
    "CIMD_METADATA_FETCHER": "lockii.oauth.cimd.LockiiMetadataFetcher",
    "CIMD_MAX_DOCUMENT_SIZE": 5 * 1024,  # the draft's ~5 KB, not DOT's 16 KB
    "CIMD_FETCH_TIMEOUT_SECONDS": 5,
}
# "Every switch on" plus http for loopback redirects trips oauth2_provider.E003 (scheme gate with
# "http" allowed). http is needed for RFC 8252 loopback clients; the swapped Application allows it
# only for 127.0.0.1, [::1] and localhost (dot-notes 3.1).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.E003"]
