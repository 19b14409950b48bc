"""``lockii keys list | rotate``: the RS256 keys that sign ID tokens (stored in the database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lockii.management.commands._common import emit_json, ms
from lockii.oauth import keys
from lockii.oauth.models import SigningKey


class Command(BaseCommand):
    help = "Signing keys: list them, or rotate (the next key, already published, starts signing)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{list,rotate}")
        lst = sub.add_parser("list", help="show the keys and their state")
        lst.add_argument("--json", action="store_true")
        rotate = sub.add_parser("rotate", help="promote the published next key; keep the old one until its "
                                               "tokens expire")
        rotate.add_argument("--force", action="store_true",
                            help="rotate even if the next key was published less than an hour ago")
        rotate.add_argument("--reset", action="store_true",
                            help="replace every key (only if they cannot be decrypted any more)")
        rotate.add_argument("--json", action="store_true")

    def handle(self, *args, subcommand, json, **o):
        if subcommand == "list":
            keys.ensure_keys()
            rows = [{"kid": r.kid, "state": r.state, "createdAt": ms(r.created_at),
                     "activatedAt": ms(r.activated_at), "retireUntil": ms(r.retire_until)}
                    for r in SigningKey.objects.order_by("created_at")]
            if json:
                emit_json(self, rows)
            else:
                for r in rows:
                    self.stdout.write(f"{r['state']:<8} {r['kid']}")
            return
        try:
            result = keys.reset() if o["reset"] else keys.rotate(force=o["force"])
        except keys.KeyStoreError as exc:
            raise CommandError(str(exc)) from None
        if json:
            emit_json(self, result)
        else:
            self.stdout.write("\n".join(f"{state:<8} {kid}" for state, kid in result.items()))
