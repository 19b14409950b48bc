"""Companies and staff accounts: creation and disabling, shared by the CLI and the team pages.

Callers own the transaction; every write records an audit event (``principal`` None = the system).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.text import slugify

from lockii.audit.log import record
from lockii.catalogue.models import Location
from lockii.errors import Conflict, NotFound, ValidationFailed
from lockii.identity import apikeys
from lockii.identity.models import Company, User
from lockii.identity.roles import ROLES

MIN_PASSWORD_LENGTH = 10  # as on the team page (identity/team.py)
# ISO 4217 codes of currencies in circulation (no funds, metals or test codes); the standard library
# has no list, and a whole dependency for one check is not worth it.
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
XOF XPF YER ZAR ZMW ZWG
""".split())


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field, "message": message}])


def _free_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not taken yet."""
    slug, n = base, 1
    while Company.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


def create_company(name: str, *, slug: str | None = None, currency: str = "EUR", timezone: str = "UTC",
                   principal=None) -> Company:
    """A new tenant. A given slug must be free; without one it is derived from the name."""
    name = (name or "").strip()
    if not name:
        raise _field_error("name", "A company needs a name.")
    if (currency or "").upper() not in CURRENCIES:
        raise _field_error("currency", f"'{currency}' is not an ISO 4217 currency code such as EUR or NOK.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _field_error("timezone", f"'{timezone}' is not an IANA time zone such as Europe/Oslo.") from None
    if slug is not None:
        if slug != slugify(slug) or not slug:
            raise _field_error("slug", f"'{slug}' is not a valid slug (lower-case letters, digits, hyphens).")
        if Company.objects.filter(slug=slug).exists():
            raise Conflict(f"A company with slug '{slug}' already exists.")
    else:
        slug = _free_slug(slugify(name)[:80] or "company")
    company = Company.objects.create(name=name, slug=slug, currency=currency.upper(), timezone=timezone)
    record(principal, "company.create", target_type="company", target_id=company.id, company_id=company.id)
    return company


def _check_locations(company: Company, location_ids: list[str] | None) -> list[str] | None:
    if location_ids is None:
        return None
    wanted = list(dict.fromkeys(location_ids))
    if not wanted:
        raise _field_error("locations", "Give at least one location, or none for all locations.")
    known = set(Location.objects.filter(company=company, pk__in=wanted).values_list("id", flat=True))
    unknown = [loc for loc in wanted if loc not in known]
    if unknown:
        raise _field_error("locations", f"Not a location of {company.name}: {', '.join(unknown)}.")
    return wanted


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise _field_error("password", f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(company: Company, *, email: str, password: str, role: str, name: str = "",
                location_ids: list[str] | None = None, principal=None) -> User:
    """A staff account of ``company``; ``location_ids`` None means all locations."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise _field_error("email", f"'{email}' is not a valid email address.") from None
    if role not in ROLES:
        raise _field_error("role", f"Unknown role '{role}'; choose one of {', '.join(ROLES)}.")
    _check_password(password)
    locations = _check_locations(company, location_ids)
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"A user with email '{email}' already exists.")
    user = User.objects.create_user(email, password, company=company, role=role,
                                    name=name.strip() or email.split("@")[0], location_ids=locations)
    record(principal, "user.create", target_type="user", target_id=user.id, company_id=company.id,
           role=role, locations=locations)
    return user


def set_password(user: User, password: str, *, principal=None) -> User:
    """Give ``user`` a new password. Their browser sessions end (the session hash covers the password
    hash, see ``User.get_session_auth_hash``); apps they approved keep their tokens until disconnected
    or the user is disabled."""
    _check_password(password)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(principal, "user.password", target_type="user", target_id=user.id, company_id=user.company_id)
    return user


def find_user(email: str) -> User:
    user = User.objects.select_related("company").filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise NotFound(f"No user with email '{email}'.")
    return user


# Sent inside the transaction that disables ``user``; Login with Lockii ends the user's OAuth access.
user_disabled = Signal()


def set_disabled(user: User, disabled: bool, *, principal=None) -> User:
    """Disable (or re-enable) an account.

    Disabling is final for everything issued before it: browser sessions end, OAuth apps lose
    their tokens, codes and approvals, and the API keys the user created (whose secrets they saw)
    are revoked, so re-enabling later brings none of them back.
    """
    if user.disabled == disabled:
        return user
    with transaction.atomic():
        if disabled:
            User.objects.filter(pk=user.pk).update(disabled=True, session_epoch=F("session_epoch") + 1)
            apikeys.revoke_created_by(user, principal=principal)
            user_disabled.send(User, user=user)
        else:
            User.objects.filter(pk=user.pk).update(disabled=False)
        user.refresh_from_db(fields=["disabled", "session_epoch"])
        record(principal, "user.disable" if disabled else "user.enable", target_type="user",
               target_id=user.id, company_id=user.company_id)
    return user
