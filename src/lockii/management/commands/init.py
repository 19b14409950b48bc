"""``lockii init``: create a company and its owner account."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lockii.identity.accounts import create_company, create_user
from lockii.management.commands._common import emit_json, unit_of_work


class Command(BaseCommand):
    help = "Create a company and its owner (who can then sign in and create API keys)."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, metavar="NAME", help="company name")
        parser.add_argument("--slug", help="URL-safe short name (default: derived from the name)")
        parser.add_argument("--email", required=True, help="the owner's email (their sign-in)")
        parser.add_argument("--password", required=True, help="the owner's password (10+ characters)")
        parser.add_argument("--name", default="", help="the owner's display name")
        parser.add_argument("--currency", default="EUR", help="ISO 4217 code (default EUR)")
        parser.add_argument("--timezone", default="UTC", help="IANA time zone (default UTC)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **o):
        with unit_of_work():
            company = create_company(o["company"], slug=o["slug"], currency=o["currency"], timezone=o["timezone"])
            owner = create_user(company, email=o["email"], password=o["password"], role="owner", name=o["name"])
        if o["json"]:
            emit_json(self, {
                "company": {"id": company.id, "name": company.name, "slug": company.slug,
                            "currency": company.currency, "timezone": company.timezone},
                "owner": {"id": owner.id, "email": owner.email, "role": owner.role},
            })
            return
        self.stdout.write(f"Created company {company.name} (slug {company.slug}, id {company.id}).")
        self.stdout.write(f"Owner {owner.email} can sign in at /login.")
        self.stdout.write(f"Next: lockii apikey create --company {company.slug} --name 'My integration'")
