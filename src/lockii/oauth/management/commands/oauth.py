"""``lockii oauth gc``: delete unused dynamic clients, expired tokens and spent codes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lockii.management.commands._common import emit_json
from lockii.oauth import gc


class Command(BaseCommand):
    help = "OAuth housekeeping. 'gc' deletes dynamic clients never used within LOCKII_DCR_UNUSED_CLIENT_DAYS."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{gc}")
        run = sub.add_parser("gc", help="clean up now (registration also does it at most hourly)")
        run.add_argument("--json", action="store_true")

    def handle(self, *args, subcommand, json, **o):
        result = gc.collect()
        if json:
            emit_json(self, result)
        else:
            self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.items()))
