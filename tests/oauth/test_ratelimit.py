"""Rate counters shared by every node: exact limits, per key and window, atomic under concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lockii.oauth import gc, ratelimit
from lockii.oauth.models import RateCounter


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_040.0]  # 40 s into a minute
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    return now


def test_exactly_the_limit_is_allowed_and_refusals_say_when_to_retry(db, clock):
    assert [ratelimit.hit("t", "1.2.3.4", 3, 60) for _ in range(3)] == [None, None, None]
    assert ratelimit.hit("t", "1.2.3.4", 3, 60) == 20
    assert ratelimit.exceeded("t", "1.2.3.4", 3, 60) == 20
    assert RateCounter.objects.get().count == 3  # refused attempts are not counted


def test_keys_scopes_and_windows_are_counted_apart(db, clock):
    assert ratelimit.hit("t", "a", 1, 60) is None
    assert ratelimit.hit("t", "a", 1, 60) is not None
    assert ratelimit.hit("t", "b", 1, 60) is None
    assert ratelimit.hit("other", "a", 1, 60) is None
    assert ratelimit.exceeded("t", "c", 1, 60) is None
    clock[0] += 20  # the next minute starts
    assert ratelimit.hit("t", "a", 1, 60) is None


def test_the_key_is_stored_hashed(db, clock):
    ratelimit.hit("t", "203.0.113.9", 5, 60)
    assert "203.0.113.9" not in RateCounter.objects.get().key


def test_a_zero_limit_refuses_everything(db, clock):
    assert ratelimit.hit("t", "a", 0, 60) and ratelimit.exceeded("t", "a", 0, 60)


def test_clean_up_drops_only_ended_windows(db, clock):
    ratelimit.hit("t", "a", 5, 60)
    RateCounter.objects.create(key="old", count=9, expires_at=timezone.now() - timedelta(minutes=1))
    assert gc.collect()["old_rate_counters"] == 1
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_never_let_more_than_the_limit_through():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the race needs concurrent writers (PostgreSQL)")
    workers, limit = 8, 3
    barrier, allowed = threading.Barrier(workers, timeout=10), []

    def attempt():
        try:
            barrier.wait()
            allowed.append(ratelimit.hit("race", "same-ip", limit, 3600) is None)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(allowed) == workers and allowed.count(True) == limit
