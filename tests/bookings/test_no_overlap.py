"""No two live reservations of one stock unit overlap: the database itself refuses it on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from lockii.bookings.models import OrderLine
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unit(db):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; SQLite serialises writers instead")
    company = f.company()
    return f.stock(company)


def _line(booking, unit, start, end, released=False):
    return OrderLine.objects.create(booking=booking, product=unit.product, stock=unit,
                                    start_ms=start, end_ms=end, price=100, released=released)


def test_overlapping_live_reservations_are_refused(unit):
    booking = f.booking(unit.company, stock_=unit, start_ms=1_000, end_ms=5_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        _line(booking, unit, 4_999, 9_000)


def test_touching_windows_and_released_lines_may_share_a_unit(unit):
    booking = f.booking(unit.company, stock_=unit, start_ms=1_000, end_ms=5_000)
    _line(booking, unit, 5_000, 9_000)  # starts exactly when the other ends
    _line(booking, unit, 2_000, 3_000, released=True)  # cancelled lines hold nothing


def test_concurrent_writers_cannot_both_reserve(unit):
    booking = f.booking(unit.company, stock_=unit, start_ms=1_000, end_ms=2_000)
    barrier, outcomes = threading.Barrier(2, timeout=10), []

    def reserve():
        try:
            with transaction.atomic():
                barrier.wait()
                _line(booking, unit, 10_000, 20_000)
            outcomes.append("ok")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["ok", "refused"]
