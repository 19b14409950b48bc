"""Sign-in lock-outs: per account, and per IP with its own higher limit; success clears only itself.

Rows: protocol.md CASE-40 (forwarded headers from untrusted peers are ignored).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.test_login import sign_in

WRONG = "wrong-password"


def fail(client: Client, email: str) -> int:
    return sign_in(client, email, password=WRONG).status_code


def test_failed_sign_ins_lock_the_account_whatever_address_they_claim_or_come_from(world, settings):
    # The account is locked on its own, so neither a rotated X-Forwarded-For (ignored from an
    # untrusted peer) nor rotated real addresses give a fresh bucket.
    email = world.manager_l1.email
    for i in range(settings.AXES_FAILURE_LIMIT):
        client = Client(REMOTE_ADDR=f"198.51.100.{i}", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        assert fail(client, email) in (400, 429)  # the failure reaching the limit gets the lock-out page
    locked = sign_in(Client(REMOTE_ADDR="198.51.100.99", HTTP_X_FORWARDED_FOR="10.0.0.99"), email)
    assert locked.status_code == 429 and "_auth_user_id" not in locked.client.session
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME * 3600


def test_a_few_typos_by_several_people_behind_one_address_lock_nobody_else_out(world, settings):
    office = {"REMOTE_ADDR": "198.51.100.7"}
    for i in range(settings.AXES_FAILURE_LIMIT * 2):
        assert fail(Client(**office), f"colleague{i % 3}@example.com") in (400, 429)
    assert sign_in(Client(**office), world.owner_a.email).status_code == 302


def test_many_failures_from_one_address_lock_that_address_for_every_account(world, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    attacker = {"REMOTE_ADDR": "198.51.100.7"}
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT):
        assert fail(Client(**attacker, HTTP_X_FORWARDED_FOR=f"10.0.1.{i}"), f"nobody{i}@example.com") in (400, 429)
    assert sign_in(Client(**attacker), world.owner_a.email).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.8"), world.owner_a.email).status_code == 302


def test_signing_in_to_ones_own_account_does_not_wipe_failures_against_another(world, settings):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    victim = world.owner_a.email
    for _ in range(3):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            if fail(attacker, victim) == 429:
                break
        assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), world.staff_a.email).status_code in (302, 429)
    assert sign_in(Client(REMOTE_ADDR="203.0.113.5"), victim).status_code == 429


def test_a_successful_sign_in_clears_its_own_failures(world, settings):
    client_ip = {"REMOTE_ADDR": "198.51.100.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert fail(Client(**client_ip), world.staff_a.email) == 400
    assert sign_in(Client(**client_ip), world.staff_a.email).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):  # a fresh allowance, not one left
        assert fail(Client(**client_ip), world.staff_a.email) == 400


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_addresses_of_one_ipv6_64_count_as_one_address(world, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 4
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT):
        assert fail(Client(REMOTE_ADDR=f"2001:db8:5:6::{i + 1:x}"), f"nobody{i}@example.com") in (400, 429)
    assert sign_in(Client(REMOTE_ADDR="2001:db8:5:6::ffff"), world.owner_a.email).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="2001:db8:5:7::1"), world.owner_a.email).status_code == 302
