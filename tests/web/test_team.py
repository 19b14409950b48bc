"""Settings → Team: listing, adding, changing and disabling users, with every guard rail."""

from __future__ import annotations

from django.test import Client

from lockii.audit.models import AuditEvent
from lockii.identity.models import User
from tests import factories as f

TEAM = "/settings/team"


def can_sign_in(email: str, password: str) -> bool:
    """Whether the real sign-in form accepts ``email`` and ``password``."""
    return Client().post("/login", {"email": email, "password": password}).status_code == 302


def add(client, **fields):
    data = {"email": "new.person@example.test", "name": "New Person", "role": "staff", "access": "all",
            "password": "correct horse battery", **fields}
    return client.submit(f"{TEAM}/add", data, page=TEAM)


def edit(client, user, **fields):
    data = {"name": user.name, "role": user.role, "access": "all", **fields}
    return client.submit(f"{TEAM}/{user.id}", data, page=TEAM)


def test_owner_sees_only_their_companys_users(world, signed_in):
    html = signed_in(world.owner_a).get(TEAM).content.decode()
    for user in (world.owner_a, world.manager_l1, world.staff_a, world.viewer_a):
        assert user.email in html
    assert world.owner_b.email not in html
    assert "Alpha North" in html  # the manager's location, by name
    assert "Beta Depot" not in html


def test_owner_adds_a_user_who_can_then_sign_in(world, signed_in):
    client = signed_in(world.owner_a)
    response = add(client, email="New.Person@Example.test", role="manager", access="some",
                   locations=[world.l2.id])
    assert response.status_code == 302 and response["Location"] == TEAM
    user = User.objects.get(email="new.person@example.test")
    assert (user.company_id, user.role, user.location_ids, user.name) == (world.a.id, "manager", [world.l2.id],
                                                                          "New Person")
    assert can_sign_in("new.person@example.test", "correct horse battery")
    event = AuditEvent.objects.get(action="user.create", target_id=user.id)
    assert (event.company_id, event.actor_id) == (world.a.id, world.owner_a.id)
    assert "can now sign in" in client.get(TEAM).content.decode()


def test_adding_rejects_bad_input_with_a_form_page(world, signed_in):
    client = signed_in(world.owner_a)
    cases = [
        {"email": "not-an-email"},
        {"password": "short"},
        {"password": "nine-char"},  # the form states the same minimum as the account service (10)
        {"role": "superuser"},
        {"access": "some"},  # no location chosen
        {"access": "some", "locations": [world.lb.id]},  # company B's location
        {"access": "some", "locations": ["location_made-up"]},
        {"access": "everything"},
        {"email": world.owner_b.email},  # taken (emails are unique across companies)
    ]
    for fields in cases:
        response = add(client, **fields)
        assert response.status_code == 400, fields
        html = response.content.decode()
        assert "errorlist" in html or 'role="alert"' in html, fields
        assert "Beta Depot" not in html
    assert not User.objects.filter(email="new.person@example.test").exists()
    assert User.objects.filter(company=world.a).count() == 4


def test_the_add_form_states_the_real_minimum_and_defaults_to_staff(world, signed_in):
    html = signed_in(world.owner_a).get(TEAM).content.decode()
    assert "10 characters or more" in html
    assert '<option value="staff" selected>' in html


def test_an_admin_cannot_create_or_promote_to_owner(world, signed_in):
    admin = f.user(world.a, "admin")
    client = signed_in(admin)
    assert 'value="owner"' not in client.get(TEAM).content.decode()
    assert add(client, role="owner").status_code == 400
    assert not User.objects.filter(email="new.person@example.test").exists()
    assert edit(client, world.staff_a, role="owner").status_code == 400
    world.staff_a.refresh_from_db()
    assert world.staff_a.role == "staff"
    assert add(client, role="admin").status_code == 302  # up to their own role is fine


def test_an_admin_cannot_change_or_disable_an_owner(world, signed_in):
    admin = f.user(world.a, "admin")
    client = signed_in(admin)
    page = client.get(f"{TEAM}/{world.owner_a.id}").content.decode()
    assert 'data-testid="read-only"' in page and "Save changes" not in page and "Disable user" not in page
    assert edit(client, world.owner_a, role="viewer").status_code == 403
    response = client.submit(f"{TEAM}/{world.owner_a.id}/disable", page=TEAM)
    assert response.status_code == 403 and "owner" in response.content.decode()
    world.owner_a.refresh_from_db()
    assert world.owner_a.role == "owner" and not world.owner_a.disabled


def test_an_admin_limited_to_some_locations_grants_only_those(world, signed_in):
    admin = f.user(world.a, "admin", locations=[world.l1])
    client = signed_in(admin)
    page = client.get(TEAM).content.decode()
    assert "All locations, including future ones" not in page and "Alpha South" not in page
    assert add(client, access="all").status_code == 400
    assert add(client, access="some", locations=[world.l2.id]).status_code == 400
    assert add(client, access="some", locations=[world.l1.id]).status_code == 302
    assert User.objects.get(email="new.person@example.test").location_ids == [world.l1.id]
    # A user with access beyond the admin's (all locations) is out of their reach.
    assert edit(client, world.staff_a, access="some", locations=[world.l1.id]).status_code == 403


def test_owner_changes_role_and_locations(world, signed_in):
    client = signed_in(world.owner_a)
    response = edit(client, world.staff_a, role="manager", access="some", locations=[world.l1.id, world.l2.id])
    assert response.status_code == 302
    world.staff_a.refresh_from_db()
    assert world.staff_a.role == "manager"
    assert sorted(world.staff_a.location_ids) == sorted([world.l1.id, world.l2.id])
    event = AuditEvent.objects.get(action="user.update", target_id=world.staff_a.id)
    assert event.detail["role"] == {"from": "staff", "to": "manager"}
    assert edit(client, world.manager_l1, access="all").status_code == 302
    world.manager_l1.refresh_from_db()
    assert world.manager_l1.location_ids is None


def test_nobody_disables_themselves(world, signed_in):
    client = signed_in(world.owner_a)
    f.user(world.a, "owner")  # not the last owner, so only the self rule applies
    response = client.submit(f"{TEAM}/{world.owner_a.id}/disable", page=TEAM)
    assert response.status_code == 409 and "your own account" in response.content.decode()
    assert 'href="/settings/team">Back to Settings → Team' in response.content.decode()
    world.owner_a.refresh_from_db()
    assert not world.owner_a.disabled


def test_the_last_owner_cannot_be_demoted_or_disabled(world, signed_in):
    client = signed_in(world.owner_a)
    response = edit(client, world.owner_a, role="admin")
    assert response.status_code == 400 and "at least one active owner" in response.content.decode()
    world.owner_a.refresh_from_db()
    assert world.owner_a.role == "owner"
    # With a second owner the first may step down, and then the second is the last one.
    second = f.user(world.a, "owner")
    assert edit(client, world.owner_a, role="admin").status_code == 302
    other = signed_in(second)
    assert other.submit(f"{TEAM}/{world.owner_a.id}/disable", page=TEAM).status_code == 302
    assert edit(other, second, role="admin").status_code == 400


def test_a_disabled_owner_does_not_count_as_the_remaining_owner(world, signed_in):
    second = f.user(world.a, "owner", disabled=True)
    client = signed_in(world.owner_a)
    assert edit(client, world.owner_a, role="admin").status_code == 400
    assert client.submit(f"{TEAM}/{second.id}/enable", page=TEAM).status_code == 302
    assert edit(client, world.owner_a, role="admin").status_code == 302


def test_disabling_signs_the_user_out_and_enabling_lets_them_back(world, signed_in):
    victim = signed_in(world.staff_a)
    assert victim.get("/settings/integrations").status_code == 200
    owner = signed_in(world.owner_a)
    assert owner.submit(f"{TEAM}/{world.staff_a.id}/disable", page=TEAM).status_code == 302
    assert victim.get("/settings/integrations").status_code == 302  # session no longer resolves
    assert not can_sign_in(world.staff_a.email, "pw-123456789")
    assert "disabled" in owner.get(TEAM).content.decode()
    assert owner.submit(f"{TEAM}/{world.staff_a.id}/enable", page=TEAM).status_code == 302
    assert can_sign_in(world.staff_a.email, "pw-123456789")
    assert victim.get("/settings/integrations").status_code == 302  # the old session stays ended
    actions = list(AuditEvent.objects.filter(target_id=world.staff_a.id).values_list("action", flat=True))
    assert actions == ["user.disable", "user.enable"]


def test_another_companys_users_are_404(world, signed_in):
    client = signed_in(world.owner_a)
    target = world.owner_b
    assert client.get(f"{TEAM}/{target.id}").status_code == 404
    assert edit(client, target, role="viewer").status_code == 404
    assert client.submit(f"{TEAM}/{target.id}/disable", page=TEAM).status_code == 404
    page = client.get(f"{TEAM}/{target.id}").content.decode()
    assert target.email not in page
    target.refresh_from_db()
    assert target.role == "owner" and not target.disabled


def test_team_pages_need_organization_update(world, signed_in):
    for user in (world.manager_l1, world.staff_a, world.viewer_a):
        client = signed_in(user)
        assert 'href="/settings/team"' not in client.get("/settings/integrations").content.decode()
        page = client.get(TEAM)
        assert page.status_code == 403
        text = page.content.decode()
        assert "organization:update" in text and f"Your role, {user.role}, does not include it" in text
        assert 'href="/settings/integrations"' in text  # a way back
        assert client.get(f"{TEAM}/{world.viewer_a.id}").status_code == 403
        response = client.submit(f"{TEAM}/add", {"email": "x@example.test", "role": "viewer", "access": "all",
                                                 "password": "long enough pw"})
        assert response.status_code == 403
        assert client.submit(f"{TEAM}/{world.viewer_a.id}/disable").status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()
    world.viewer_a.refresh_from_db()
    assert not world.viewer_a.disabled


def test_team_forms_need_a_csrf_token(world, signed_in):
    client = signed_in(world.owner_a)
    assert client.post(f"{TEAM}/add", {"email": "csrf@example.test", "role": "viewer", "access": "all",
                                       "password": "long enough pw"}).status_code == 403
    assert client.post(f"{TEAM}/{world.staff_a.id}/disable").status_code == 403
    assert client.post(f"{TEAM}/{world.staff_a.id}", {"role": "owner", "access": "all"}).status_code == 403
    world.staff_a.refresh_from_db()
    assert (world.staff_a.role, world.staff_a.disabled) == ("staff", False)
    assert not User.objects.filter(email="csrf@example.test").exists()


def test_unknown_user_ids_are_404_pages(world, signed_in):
    client = signed_in(world.owner_a)
    for user_id in ("user_nope", "'; drop table users; --", "x" * 500):
        response = client.get(f"{TEAM}/{user_id}")
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
