"""No two live reservations of one stock unit may overlap.

PostgreSQL enforces it with an exclusion constraint, so concurrent writers on several nodes cannot
double-book. SQLite has no such constraint; there every write transaction is IMMEDIATE (one writer
at a time), and the booking service checks overlaps inside that transaction.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_orderline ADD CONSTRAINT line_stock_no_overlap
  EXCLUDE USING gist (stock_id WITH =, int8range(start_ms, end_ms) WITH &&) WHERE (NOT released);
"""
DROP = "ALTER TABLE bookings_orderline DROP CONSTRAINT IF EXISTS line_stock_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
