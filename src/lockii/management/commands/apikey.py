"""``lockii apikey create | list | revoke``: company API keys (they act as the company owner)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lockii.identity.apikeys import create_key, revoke_key
from lockii.identity.models import ApiKey
from lockii.management.commands._common import emit_json, emit_rows, find_company, ms, unit_of_work


def key_json(key: ApiKey) -> dict:
    return {"id": key.id, "name": key.name, "prefix": key.prefix, "company": key.company.slug,
            "createdAt": ms(key.created_at), "lastUsedAt": ms(key.last_used_at),
            "revokedAt": ms(key.revoked_at), "active": key.active}


class Command(BaseCommand):
    help = "Manage API keys: create (the secret is shown once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="create a key and print its secret once")
        create.add_argument("--company", metavar="SLUG_OR_ID", help="company (optional when there is only one)")
        create.add_argument("--name", required=True, help="what the key is for")
        create.add_argument("--json", action="store_true")
        lst = sub.add_parser("list", help="list keys (never their secrets)")
        lst.add_argument("--company", metavar="SLUG_OR_ID")
        lst.add_argument("--json", action="store_true")
        revoke = sub.add_parser("revoke", help="revoke a key at once")
        revoke.add_argument("id", help="the key id (apikey_…)")
        revoke.add_argument("--json", action="store_true")

    def handle(self, *args, subcommand, **o):
        getattr(self, f"_{subcommand}")(**o)

    def _create(self, *, company, name, json, **_):
        if not name.strip():
            raise CommandError("Give the key a --name saying what it is for.")
        with unit_of_work():
            key, secret = create_key(find_company(company), name)
        if json:
            return emit_json(self, {**key_json(key), "secret": secret})
        self.stdout.write(f"Created API key {key.id} ({key.name}) for {key.company.slug}.")
        self.stdout.write("Secret (shown only now; send it as the x-api-key header):")
        self.stdout.write(secret)

    def _list(self, *, company, json, **_):
        keys = ApiKey.objects.select_related("company").order_by("company__slug", "created_at")
        if company:
            keys = keys.filter(company=find_company(company))
        emit_rows(self, [key_json(k) for k in keys], json=json, empty="No API keys.", line=lambda r: (
            f"{r['id']}  {r['prefix']}…  {'active' if r['active'] else 'revoked':<8} {r['company']:<24} {r['name']}"))

    def _revoke(self, *, id, json, **_):
        key = ApiKey.objects.select_related("company").filter(pk=id).first()
        if key is None:
            raise CommandError(f"No API key with id '{id}'.")
        already = key.revoked_at is not None
        with unit_of_work():
            key = revoke_key(key.company, key.id)
        if json:
            return emit_json(self, key_json(key))
        self.stdout.write(f"{key.id} ({key.name}) was already revoked." if already
                          else f"Revoked {key.id} ({key.name}); it stops working at once.")
