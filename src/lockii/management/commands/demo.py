"""``lockii demo``: seed the demo company and print how to sign in, with a fresh API key."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lockii.catalogue.models import Location
from lockii.demo.catalogue import COMPANY
from lockii.demo.seed import DEFAULT_BOOKINGS, demo_company, sign_in_details
from lockii.demo.seed import seed as seed_demo
from lockii.identity.apikeys import create_key
from lockii.identity.models import Company
from lockii.management.commands._common import emit_json


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(value)
    return n


class Command(BaseCommand):
    help = f"Seed demo data ({COMPANY['name']}) and print the sign-in details and a fresh API key."

    def add_arguments(self, parser):
        parser.add_argument("--bookings", type=_positive, default=DEFAULT_BOOKINGS,
                            help=f"number of bookings (default {DEFAULT_BOOKINGS}; scales to millions)")
        parser.add_argument("--customers", type=_positive,
                            help="number of customers (default 300, or one per 8 bookings when more)")
        parser.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
        parser.add_argument("--if-empty", action="store_true",
                            help="seed nothing when a company already exists; on the demo company, still "
                                 "print the sign-in details and a fresh API key (for start-up scripts)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, bookings, customers, seed: int, if_empty: bool, json: bool, **options):
        if Company.objects.exists():
            existing = demo_company()
            if not if_empty:
                where = f"the demo company '{COMPANY['slug']}'" if existing else "companies"
                raise CommandError(f"This database already holds {where}; seed a fresh database, "
                                   "or pass --if-empty to skip seeding.")
            return self._report_existing(existing, json)
        bar = self._progress_bar(bookings)
        try:
            result = seed_demo(bookings=bookings, customers=customers, seed=seed, progress=bar.update)
        finally:
            bar.close()
        payload = {"seeded": True, "company": self._company_json(result.company), "api_key": result.api_key,
                   "users": result.users, "counts": result.counts, "seconds": round(result.seconds, 2)}
        if json:
            return emit_json(self, payload)
        self._print_details(payload)

    def _progress_bar(self, total: int):
        from tqdm import tqdm

        # To stderr, and only on a terminal, so --json output and logs stay clean.
        return tqdm(total=total, unit=" bookings", file=sys.stderr, disable=None, smoothing=0.1)

    @staticmethod
    def _company_json(company) -> dict:
        return {"id": company.id, "name": company.name, "slug": company.slug, "currency": company.currency,
                "timezone": company.timezone}

    def _report_existing(self, company, json: bool) -> None:
        # Stored keys cannot be shown again, so a restart of the demo gets a new one to try with.
        api_key = create_key(company, "Demo key")[1] if company else None
        payload = {"seeded": False, "company": self._company_json(company) if company else None,
                   "api_key": api_key, "users": sign_in_details(company) if company else []}
        if json:
            return emit_json(self, payload)
        if company is None:
            self.stdout.write("Data already exists; demo data was not added.")
            return
        self.stdout.write(f"Demo data already present ({company.name}); nothing seeded.")
        self._print_details(payload)

    def _print_details(self, p: dict) -> None:
        w = self.stdout.write
        if p["seeded"]:
            c = p["counts"]
            w(f"Seeded {p['company']['name']} in {p['seconds']} s: {c.get('bookings', 0)} bookings, "
              f"{c['customers']} customers, {c['stock_units']} stock units at {c['locations']} locations.")
        w("")
        w(f"Sign in at {settings.PUBLIC_URL}/login (demo passwords, unless changed since):")
        names = dict(Location.objects.values_list("id", "name"))
        for u in p["users"]:
            scope = ("all locations" if u["locations"] is None
                     else ", ".join(names.get(i, i) for i in u["locations"]) + " only")
            w(f"  {u['role']:<8} {u['email']:<30} password: {u['password']:<20} ({scope})")
        w("")
        if p["api_key"]:
            w("API key (shown only now; acts as the company owner):")
            w(f"  {p['api_key']}")
            w(f"Try: curl -H 'x-api-key: {p['api_key']}' {settings.PUBLIC_URL}/api/v1/company")
        else:
            slug = p["company"]["slug"] if p["company"] else "<company>"
            w(f"Create an API key with: lockii apikey create --company {slug} --name 'My key'")
