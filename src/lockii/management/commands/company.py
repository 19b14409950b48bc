"""``lockii company list``: the companies in this database."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lockii.identity.models import Company
from lockii.management.commands._common import emit_json


class Command(BaseCommand):
    help = "List companies (id, slug, name)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{list}")
        lst = sub.add_parser("list", help="list companies")
        lst.add_argument("--json", action="store_true")

    def handle(self, *args, subcommand, json, **o):
        rows = [{"id": c.id, "slug": c.slug, "name": c.name, "currency": c.currency, "timezone": c.timezone}
                for c in Company.objects.order_by("created_at")]
        if json:
            return emit_json(self, rows)
        for r in rows:
            self.stdout.write(f"{r['id']}  {r['slug']:<24} {r['name']}")
        if not rows:
            self.stdout.write("No companies yet. Create one with: lockii init --company NAME ...")
