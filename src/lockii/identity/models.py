"""Companies, users and API keys."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac

from lockii.identity.roles import ROLE_CHOICES
from lockii.ids import PrefixedIdField


def default_company_settings() -> dict:
    return {
        "verification_required": False,
        "change_request_policies": {
            "extend": "auto",
            "reschedule": "approval",
            "change_location": "approval",
            "change_items": "approval",
            "cancel": "approval",
        },
    }


class Company(models.Model):
    """The tenant. Every other row belongs to exactly one company."""

    id = PrefixedIdField("company")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    currency = models.CharField(max_length=3, default="EUR")
    timezone = models.CharField(max_length=64, default="UTC")
    settings = models.JSONField(default=default_company_settings)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    def create_user(self, email: str, password: str | None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A staff member of one company. ``location_ids`` None means all locations."""

    id = PrefixedIdField("user")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="users")
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=16, choices=ROLE_CHOICES, default="staff")
    location_ids = models.JSONField(null=True, blank=True, default=None)
    disabled = models.BooleanField(default=False)
    # Raised when the account is disabled: every browser session signed in before then ends
    # (Django checks the session auth hash on each request), and stays ended after re-enabling.
    session_epoch = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password hash only; the epoch makes disabling end sessions too.
        return salted_hmac("lockii.identity.User.session", f"{self.password}|{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_active(self) -> bool:  # Django's login machinery refuses inactive users
        return not self.disabled

    @property
    def all_locations(self) -> bool:
        return self.location_ids is None

    def __str__(self) -> str:
        return self.email


class ApiKey(models.Model):
    """A company-level key acting as owner. Only a SHA-256 of the secret is kept."""

    id = PrefixedIdField("apikey")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, help_text="visible start of the key, for recognition")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
