"""Keep the query planner's statistics current, so booking search picks the right index.

SQLite has no autovacuum: a file that was never ANALYZEd makes its planner assume ``company_id = ?``
is highly selective, and some filters then take seconds at a million bookings (measured: ``ids`` ~1 s,
``endingAfter`` up to 4 s; 30 ms after ANALYZE). PostgreSQL's autovacuum analyses eventually; after a
bulk load we analyse at once.
"""

from __future__ import annotations

from django.db import connection


def refresh_statistics(*, full: bool = False) -> None:
    """``full`` after a bulk load: analyse now. Otherwise only what SQLite thinks is stale (cheap)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 400")  # sample: bounded cost at any size
            cursor.execute("ANALYZE" if full else "PRAGMA optimize")
        elif full:
            cursor.execute("ANALYZE")
