"""No two live reservations of one stock unit overlap: the database itself refuses it on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

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


def _refused_by_database(exc: Exception) -> bool:
    # Two uncommitted overlapping inserts each wait for the other inside the exclusion check;
    # PostgreSQL then aborts one of them as a deadlock (40P01). A writer that arrives after the
    # other committed gets the constraint violation instead. Both are the database refusing.
    return isinstance(exc, IntegrityError) or getattr(exc.__cause__, "sqlstate", None) == "40P01"


def test_concurrent_writers_cannot_both_reserve(unit):
    booking = f.booking(unit.company, stock_=unit, start_ms=1_000, end_ms=2_000)
    barrier, outcomes = threading.Barrier(2, timeout=10), []

    def reserve():
        try:
            with transaction.atomic():
                barrier.wait()
                _line(booking, unit, 10_000, 20_000)
            outcomes.append("ok")
        except (IntegrityError, OperationalError) as exc:
            outcomes.append("refused" if _refused_by_database(exc) else repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["ok", "refused"]
