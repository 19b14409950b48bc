"""``lockii user add | list | disable | enable | set-password``: staff accounts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lockii.identity import team
from lockii.identity.accounts import create_user, find_user, set_password
from lockii.identity.models import User
from lockii.identity.roles import ROLES
from lockii.management.commands._common import emit_json, emit_rows, find_company, unit_of_work


def user_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "company": user.company.slug, "locations": user.location_ids, "disabled": user.disabled}


class Command(BaseCommand):
    help = "Manage staff accounts: add, list, disable, enable, set-password."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{add,list,disable,enable,set-password}")
        add = sub.add_parser("add", help="create a user")
        add.add_argument("--company", metavar="SLUG_OR_ID", help="company (optional when there is only one)")
        add.add_argument("--email", required=True)
        add.add_argument("--password", required=True, help="10+ characters")
        add.add_argument("--role", required=True, help=", ".join(ROLES))
        add.add_argument("--name", default="")
        add.add_argument("--locations", metavar="ID,ID", help="limit to these location ids (default: all)")
        add.add_argument("--json", action="store_true")
        lst = sub.add_parser("list", help="list users")
        lst.add_argument("--company", metavar="SLUG_OR_ID", help="only this company's users")
        lst.add_argument("--json", action="store_true")
        for name, text in (("disable", "stop a user from signing in"), ("enable", "let a disabled user sign in")):
            cmd = sub.add_parser(name, help=text)
            cmd.add_argument("email")
            cmd.add_argument("--json", action="store_true")
        reset = sub.add_parser("set-password", help="give a user a new password (ends their browser sessions)")
        reset.add_argument("email")
        reset.add_argument("--password", required=True, help="10+ characters")
        reset.add_argument("--json", action="store_true")

    def handle(self, *args, subcommand, **o):
        getattr(self, "_" + subcommand.replace("-", "_"))(**o)

    def _set_password(self, *, email, password, json, **_):
        with unit_of_work():
            user = set_password(find_user(email), password)
        if json:
            return emit_json(self, user_json(user))
        self.stdout.write(f"New password set for {user.email}; their browser sessions have ended.")

    def _add(self, *, company, email, password, role, name, locations, json, **_):
        location_ids = None if locations is None else [x.strip() for x in locations.split(",") if x.strip()]
        with unit_of_work():
            user = create_user(find_company(company), email=email, password=password, role=role, name=name,
                               location_ids=location_ids)
        if json:
            return emit_json(self, user_json(user))
        scope = "all locations" if user.location_ids is None else ", ".join(user.location_ids)
        self.stdout.write(f"Created {user.role} {user.email} ({user.id}) in {user.company.slug}; {scope}.")

    def _list(self, *, company, json, **_):
        users = User.objects.select_related("company").order_by("company__slug", "email")
        if company:
            users = users.filter(company=find_company(company))
        def line(r):
            scope = "all" if r["locations"] is None else ",".join(r["locations"])
            flag = " (disabled)" if r["disabled"] else ""
            return f"{r['company']:<24} {r['email']:<36} {r['role']:<8} locations={scope}{flag}"

        emit_rows(self, [user_json(u) for u in users], json=json, line=line, empty="No users.")

    def _disable(self, *, email, json, **_):
        self._set_disabled(email, True, json)

    def _enable(self, *, email, json, **_):
        self._set_disabled(email, False, json)

    def _set_disabled(self, email: str, disabled: bool, json: bool) -> None:
        with unit_of_work():
            user = team.operator_set_disabled(find_user(email), disabled)
        if json:
            return emit_json(self, user_json(user))
        self.stdout.write(f"{user.email} is now {'disabled' if disabled else 'enabled'}.")
