"""Team management: the users of one company, their roles and locations.

Every function takes the acting Principal, needs ``organization:update``, reads through
``scoped()`` so another company's users look absent, and records an audit event. Callers own the
transaction (changes lock the company row for the last-owner check, which needs one).

Guard rails: nobody grants a role above their own or locations beyond their own, nobody edits a
user who outranks them, nobody disables themselves, and a company always keeps one active owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from lockii.audit.log import record
from lockii.catalogue.models import Location
from lockii.errors import BeyondReach, Conflict, ValidationFailed
from lockii.identity import accounts, apikeys, company_wide
from lockii.identity.models import Company, User
from lockii.identity.principal import Principal, principal_for_user
from lockii.identity.roles import MANAGE, ROLES
from lockii.identity.scoping import get_scoped, scoped

# Higher rank = more power. owner and admin hold the same permissions, but only an owner may make
# or unmake owners, so a compromised admin account cannot lock the owners out.
ROLE_RANK = {"viewer": 0, "staff": 1, "manager": 2, "admin": 3, "owner": 4}
assert set(ROLE_RANK) == set(ROLES)


ALL = object()  # marker for "every location" (stored as None on the user)


@dataclass(frozen=True)
class UserChanges:
    """What to change on a user; None leaves a field as it is. ``location_ids`` is a list or ALL."""

    role: str | None = None
    location_ids: object = None
    name: str | None = None


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field, "message": message}])


def grantable_roles(principal: Principal) -> list[str]:
    """Roles ``principal`` may give, most powerful first."""
    mine = ROLE_RANK.get(principal.role, -1)
    return sorted((r for r in ROLES if ROLE_RANK[r] <= mine), key=ROLE_RANK.__getitem__, reverse=True)


def list_users(principal: Principal):
    """The company's users, owners first, then by email."""
    principal.require(MANAGE)
    users = list(scoped(principal, User).order_by("email"))
    return sorted(users, key=lambda u: -ROLE_RANK.get(u.role, -1))


def get_user(principal: Principal, user_id: str) -> User:
    principal.require(MANAGE)
    return get_scoped(principal, User, user_id, what="user")


def _check_role(principal: Principal, role: str) -> None:
    if role not in ROLE_RANK:
        raise _invalid("role", f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    if role not in grantable_roles(principal):
        raise _invalid("role", f"You cannot grant the '{role}' role: it is above your own.")


def _check_locations(principal: Principal, location_ids) -> list[str] | None:
    """The stored form of ``location_ids`` (None = all), checked against the company and the caller."""
    if location_ids is ALL:
        if principal.location_ids is not None:
            raise _invalid("locations", "You cannot grant all locations: your own access is limited.")
        return None
    ids = sorted(set(location_ids or []))
    if not ids:
        raise _invalid("locations", "Choose at least one location, or all locations.")
    # scoped() limits to the caller's company and to the locations the caller sees, so a foreign
    # or out-of-reach id fails here exactly like a made-up one.
    found = set(scoped(principal, Location).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise _invalid("locations", f"Unknown location: {', '.join(missing)}.")
    return ids


def _check_reach(principal: Principal, user: User) -> None:
    """The caller may not edit someone who outranks them: a higher role (an admin cannot touch an
    owner) or locations the caller does not have."""
    if ROLE_RANK.get(user.role, 99) > ROLE_RANK.get(principal.role, -1):
        raise BeyondReach(MANAGE, f"Only an owner can change a user with the '{user.role}' role.")
    if principal.location_ids is not None and (
            user.location_ids is None or not set(user.location_ids) <= principal.location_ids):
        raise BeyondReach(MANAGE, "This user has access to locations you do not; ask someone with access to all of them.")


def why_not_editable(principal: Principal, user: User) -> str | None:
    """Why ``principal`` may not change ``user`` at all (the page shows it instead of the forms), or None."""
    try:
        _check_reach(principal, user)
    except BeyondReach as exc:
        return exc.detail
    return None


def _lock_team(company_id: str) -> None:
    """Serialise team changes within one company by locking its row.

    Two owners demoting each other at once would each see the other still an owner and both pass
    the last-owner check; locking the user rows instead deadlocks (each holds its target and waits
    for the other). One lock per company, always taken first, avoids both. A no-op on SQLite, whose
    IMMEDIATE transactions already run one writer at a time.
    """
    Company.objects.select_for_update().filter(pk=company_id).first()


def _keep_an_owner(user: User, *, still_owner: bool, still_all_locations: bool) -> None:
    """Refuse a change to ``user``, an active owner, that would leave the company without an active
    owner, or without one who reaches every location: only such an owner can manage everyone, so
    without one the team could no longer be fully managed (call after ``_lock_team``)."""
    others = User.objects.filter(company_id=user.company_id, role="owner", disabled=False).exclude(pk=user.pk)
    if not still_owner and not others.exists():
        raise Conflict("The company needs at least one active owner; make someone else owner first.")
    if user.location_ids is None and not (still_owner and still_all_locations) \
            and not others.filter(location_ids__isnull=True).exists():
        raise Conflict("The company needs an active owner with access to all locations; "
                       "give another owner all locations first.")


def add_user(principal: Principal, *, email: str, name: str, role: str, location_ids, password: str) -> User:
    """Create a user in the caller's company, signing in with ``password`` (``location_ids``: list or ALL)."""
    principal.require(MANAGE)
    _check_role(principal, role)
    stored_locations = _check_locations(principal, location_ids)
    company = Company.objects.get(pk=principal.company_id)
    try:
        with transaction.atomic():  # a savepoint, so a lost race leaves the outer transaction usable
            return accounts.create_user(company, email=email, password=password, role=role, name=name or "",
                                        location_ids=stored_locations, principal=principal)
    except IntegrityError:  # the same email created concurrently, after create_user's check
        raise Conflict("A user with this email already exists.") from None


def update_user(principal: Principal, user_id: str, changes: UserChanges) -> User:
    """Change a user's role, locations or name within the guard rails."""
    principal.require(MANAGE)
    _lock_team(principal.company_id)
    user = get_scoped(principal, User, user_id, what="user")
    _check_reach(principal, user)
    fields, detail = [], {}
    role, locations = user.role, user.location_ids
    if changes.role is not None and changes.role != user.role:
        _check_role(principal, changes.role)
        role = changes.role
    if changes.location_ids is not None:
        locations = _check_locations(principal, changes.location_ids)
    if user.role == "owner" and not user.disabled:
        _keep_an_owner(user, still_owner=role == "owner", still_all_locations=locations is None)
    if role != user.role:
        detail["role"] = {"from": user.role, "to": role}
        user.role = role
        fields.append("role")
    if locations != user.location_ids:
        detail["locations"] = {"from": user.location_ids, "to": locations}
        user.location_ids = locations
        fields.append("location_ids")
    if changes.name is not None and changes.name.strip() != user.name:
        if len(changes.name.strip()) > 200:
            raise _invalid("name", "The name can be at most 200 characters.")
        detail["name"] = {"from": user.name, "to": changes.name.strip()}
        user.name = changes.name.strip()
        fields.append("name")
    if fields:
        user.save(update_fields=fields)
        record(principal, "user.update", target_type="user", target_id=user.id, **detail)
    if ("role" in detail or "locations" in detail) and not company_wide.may_manage(principal_for_user(user)):
        # Keys act as the owner everywhere; someone who could no longer create one keeps none.
        apikeys.revoke_created_by(user, principal=principal, reason="creator may no longer manage keys")
    return user


def set_disabled(principal: Principal, user_id: str, disabled: bool) -> User:
    """Disable (signs the user out everywhere: sessions stop resolving) or enable a user."""
    principal.require(MANAGE)
    _lock_team(principal.company_id)
    user = get_scoped(principal, User, user_id, what="user")
    _check_reach(principal, user)
    if disabled and user.disabled is False:
        if user.pk == principal.user_id:
            raise Conflict("You cannot disable your own account.")
        if user.role == "owner":
            _keep_an_owner(user, still_owner=False, still_all_locations=False)
    return accounts.set_disabled(user, disabled, principal=principal)


def operator_set_disabled(user: User, disabled: bool) -> User:
    """``lockii user disable|enable``: the installation's operator is above every role, but the
    company still keeps an active owner who reaches every location (add or promote one first)."""
    _lock_team(user.company_id)
    if disabled and not user.disabled and user.role == "owner":
        _keep_an_owner(user, still_owner=False, still_all_locations=False)
    return accounts.set_disabled(user, disabled)
