"""Team service rules, called directly with Principals (the pages are tested in tests/web)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from lockii.audit.models import AuditEvent
from lockii.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lockii.identity import apikeys, team
from lockii.identity.models import User
from lockii.web.access import principal_for_user
from tests import factories as f


def as_(user):
    return principal_for_user(user)


def add(principal, **fields):
    data = {"email": "someone@example.test", "name": "Someone", "role": "staff", "location_ids": team.ALL,
            "password": "long enough pw", **fields}
    with transaction.atomic():
        return team.add_user(principal, **data)


def test_grantable_roles_stop_at_your_own(world):
    admin = f.user(world.a, "admin")
    assert team.grantable_roles(as_(world.owner_a)) == ["owner", "admin", "manager", "staff", "viewer"]
    assert team.grantable_roles(as_(admin)) == ["admin", "manager", "staff", "viewer"]


def test_every_function_needs_organization_update(world):
    for user in (world.manager_l1, world.staff_a, world.viewer_a):
        p = as_(user)
        with pytest.raises(PermissionDenied):
            team.list_users(p)
        with pytest.raises(PermissionDenied):
            add(p, role="viewer")
        with pytest.raises(PermissionDenied), transaction.atomic():
            team.update_user(p, world.viewer_a.id, team.UserChanges(role="viewer"))
        with pytest.raises(PermissionDenied), transaction.atomic():
            team.set_disabled(p, world.viewer_a.id, True)


def test_users_of_another_company_are_not_found(world):
    p = as_(world.owner_a)
    assert world.owner_b not in team.list_users(p)
    with pytest.raises(NotFound):
        team.get_user(p, world.owner_b.id)
    with pytest.raises(NotFound), transaction.atomic():
        team.update_user(p, world.owner_b.id, team.UserChanges(role="viewer"))
    with pytest.raises(NotFound), transaction.atomic():
        team.set_disabled(p, world.owner_b.id, True)


def test_locations_must_belong_to_the_company(world):
    p = as_(world.owner_a)
    with pytest.raises(ValidationFailed) as caught:
        add(p, location_ids=[world.l1.id, world.lb.id])
    assert caught.value.errors[0]["field"] == "locations"
    assert world.lb.id in caught.value.detail  # only the id the caller sent, never B's location name
    with pytest.raises(ValidationFailed):
        add(p, location_ids=[])
    user = add(p, location_ids=[world.l2.id, world.l1.id, world.l1.id])
    assert user.location_ids == sorted([world.l1.id, world.l2.id])


def test_roles_beyond_your_own_are_refused(world):
    admin = as_(f.user(world.a, "admin"))
    with pytest.raises(ValidationFailed):
        add(admin, role="owner")
    with pytest.raises(ValidationFailed):
        add(admin, role="root")
    assert add(admin, role="admin").role == "admin"


def test_unknown_fields_are_validated_by_the_account_service(world):
    p = as_(world.owner_a)
    with pytest.raises(ValidationFailed):
        add(p, email="nope")
    with pytest.raises(ValidationFailed):
        add(p, password="short")
    with pytest.raises(Conflict):
        add(p, email=world.owner_b.email.upper())


def test_last_active_owner_is_kept(world):
    p = as_(world.owner_a)
    with pytest.raises(Conflict), transaction.atomic():
        team.update_user(p, world.owner_a.id, team.UserChanges(role="admin"))
    second = f.user(world.a, "owner")
    with pytest.raises(Conflict), transaction.atomic():
        team.set_disabled(p, world.owner_a.id, True)  # yourself, even with another owner
    with transaction.atomic():
        team.set_disabled(p, second.id, True)
    with pytest.raises(Conflict), transaction.atomic():
        team.update_user(p, world.owner_a.id, team.UserChanges(role="viewer"))
    assert User.objects.filter(company=world.a, role="owner", disabled=False).count() == 1


def test_unchanged_values_record_nothing(world):
    from lockii.audit.models import AuditEvent

    p = as_(world.owner_a)
    with transaction.atomic():
        team.update_user(p, world.staff_a.id, team.UserChanges(role="staff", location_ids=team.ALL,
                                                                name=world.staff_a.name))
        team.set_disabled(p, world.staff_a.id, False)
    assert not AuditEvent.objects.filter(target_id=world.staff_a.id).exists()


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    """Each request alone passes the last-owner check; the company lock makes the second see the first."""
    if connection.vendor == "sqlite":
        # SQLite runs one IMMEDIATE write transaction at a time, so the race cannot happen; the
        # in-memory shared-cache test database also answers "table is locked" instead of waiting.
        pytest.skip("needs concurrent writers (PostgreSQL)")
    company = f.company()
    one, two = f.user(company, "owner"), f.user(company, "owner")
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def demote(actor, target):
        try:
            barrier.wait()
            with transaction.atomic():
                team.update_user(as_(actor), target.id, team.UserChanges(role="admin"))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=demote, args=(one, two)), threading.Thread(target=demote, args=(two, one))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert User.objects.filter(company=company, role="owner").count() == 1


def test_the_company_keeps_an_owner_who_reaches_every_location(world):
    """Only an owner with all locations can manage everyone; limiting the last one would lock the
    team out of its own all-location users."""
    second = f.user(world.a, "owner", locations=[world.l1])
    me = as_(world.owner_a)
    with pytest.raises(Conflict), transaction.atomic():  # limiting yourself, the last full owner
        team.update_user(me, world.owner_a.id, team.UserChanges(location_ids=[world.l1.id]))
    with pytest.raises(Conflict), transaction.atomic():  # demoting the last full owner
        team.update_user(me, world.owner_a.id, team.UserChanges(role="admin"))
    with transaction.atomic():  # once another owner reaches everything, the first may be limited
        team.update_user(me, second.id, team.UserChanges(location_ids=team.ALL))
        team.update_user(me, world.owner_a.id, team.UserChanges(location_ids=[world.l1.id]))
    assert User.objects.get(pk=world.owner_a.id).location_ids == [world.l1.id]


def test_a_name_change_is_audited_with_before_and_after(world):
    from lockii.audit.models import AuditEvent

    with transaction.atomic():
        team.update_user(as_(world.owner_a), world.staff_a.id, team.UserChanges(name="New Name"))
    event = AuditEvent.objects.get(action="user.update", target_id=world.staff_a.id)
    assert event.detail["name"]["to"] == "New Name"


def _key_of(user):
    key, _ = apikeys.create_key(user.company, "mine", created_by=user, principal=as_(user))
    return key


def _update(principal, user, **changes):
    with transaction.atomic():
        return team.update_user(principal, user.id, team.UserChanges(**changes))


@pytest.mark.parametrize("changes", [
    lambda world: {"role": "manager"},
    lambda world: {"role": "viewer"},
    lambda world: {"location_ids": [world.l1.id]},
], ids=["demoted", "demoted to viewer", "limited to one location"])
def test_losing_the_reach_to_manage_keys_revokes_the_keys_you_created(world, changes):
    admin = f.user(world.a, "admin")
    key, owners_key = _key_of(admin), _key_of(world.owner_a)
    _update(as_(world.owner_a), admin, **changes(world))
    key.refresh_from_db()
    owners_key.refresh_from_db()
    assert key.revoked_at is not None and owners_key.revoked_at is None
    assert AuditEvent.objects.filter(action="apikey.revoke", target_id=key.id,
                                     detail__reason="creator may no longer manage keys").exists()


def test_changes_that_keep_the_reach_keep_the_keys(world):
    admin = f.user(world.a, "admin")
    key = _key_of(admin)
    _update(as_(world.owner_a), admin, name="Renamed")
    _update(as_(world.owner_a), admin, role="owner")
    _update(as_(world.owner_a), admin, role="admin", location_ids=team.ALL)
    key.refresh_from_db()
    assert key.revoked_at is None
