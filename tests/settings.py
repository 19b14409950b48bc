"""Test settings: the real settings, pointed at the test database chosen by LOCKII_TEST_DATABASE_URL."""

import os
import tempfile

os.environ.setdefault("LOCKII_DEV", "1")
os.environ.setdefault("LOCKII_DATA_DIR", tempfile.mkdtemp(prefix="lockii-test-"))
if os.environ.get("LOCKII_TEST_DATABASE_URL"):
    os.environ["LOCKII_DATABASE_URL"] = os.environ["LOCKII_TEST_DATABASE_URL"]
else:
    os.environ.pop("LOCKII_DATABASE_URL", None)

from lockii.settings import *  # noqa: E402,F401,F403
from lockii.settings import ALLOWED_HOSTS  # noqa: E402

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # Django's test client

# Argon2 is tested where it matters (tests/identity); elsewhere a cheap hasher keeps the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                    "django.contrib.auth.hashers.Argon2PasswordHasher",
                    "lockii.oauth.hashers.ClientSecretSHA256Hasher"]
