"""``lockii oauthapp create | list | rotate-secret | delete``: a company's pre-registered OAuth apps."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lockii.management.commands._common import emit_json, emit_rows, find_company, ms, unit_of_work
from lockii.oauth import apps_service


def app_json(app) -> dict:
    return {"id": app.pk, "clientId": app.client_id, "name": app.name, "company": app.company.slug,
            "confidential": app.client_type == "confidential", "redirectUris": app.redirect_uri_list,
            "tokenEndpointAuthMethod": app.token_endpoint_auth_method,
            "createdAt": ms(app.created), "lastUsedAt": ms(app.last_used_at)}


class Command(BaseCommand):
    help = "Manage a company's OAuth apps (Login with Lockii): create, list, rotate-secret, delete."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True,
                                    metavar="{create,list,rotate-secret,delete}")
        create = sub.add_parser("create", help="register an app; a confidential app's secret is shown once")
        create.add_argument("--company", metavar="SLUG_OR_ID", help="company (optional when there is only one)")
        create.add_argument("--name", required=True)
        create.add_argument("--redirect-uri", dest="redirect_uris", action="append", required=True,
                            metavar="URI", help="repeat for several")
        create.add_argument("--public", action="store_true",
                            help="a public client (PKCE only, no secret), e.g. a desktop or browser app")
        create.add_argument("--json", action="store_true")
        lst = sub.add_parser("list", help="list apps (never their secrets)")
        lst.add_argument("--company", metavar="SLUG_OR_ID")
        lst.add_argument("--json", action="store_true")
        for name, text in (("rotate-secret", "issue a new secret (shown once); the old one stops working"),
                           ("delete", "delete an app and every token issued to it")):
            cmd = sub.add_parser(name, help=text)
            cmd.add_argument("id", help="the app id (client_…)")
            cmd.add_argument("--company", metavar="SLUG_OR_ID")
            cmd.add_argument("--json", action="store_true")

    def handle(self, *args, subcommand, **o):
        getattr(self, "_" + subcommand.replace("-", "_"))(**o)

    def _create(self, *, company, name, redirect_uris, public, json, **_):
        with unit_of_work():
            app, secret = apps_service.create_app(find_company(company), None, name, redirect_uris,
                                                  confidential=not public)
        if json:
            emit_json(self, {**app_json(app), "clientSecret": secret})
            return
        self.stdout.write(f"Created OAuth app {app.pk}\n  client_id:     {app.client_id}")
        if secret:
            self.stdout.write(f"  client_secret: {secret}\n  Store the secret now: it is not shown again.")

    def _list(self, *, company, json, **_):
        rows = [app_json(a) for a in apps_service.list_apps(find_company(company))]
        emit_rows(self, rows, json=json, empty="No OAuth apps.", line=lambda a: (
            f"{a['id']}  {a['clientId']}  {'confidential' if a['confidential'] else 'public':<12}  {a['name']}"))

    def _rotate_secret(self, *, id, company, json, **_):
        with unit_of_work():
            app, secret = apps_service.rotate_secret(find_company(company), id)
        if json:
            emit_json(self, {**app_json(app), "clientSecret": secret})
            return
        self.stdout.write(f"New client_secret for {app.client_id}:\n  {secret}\n"
                          "Store it now: it is not shown again. The previous secret no longer works.")

    def _delete(self, *, id, company, json, **_):
        with unit_of_work():
            apps_service.delete_app(find_company(company), id)
        if json:
            emit_json(self, {"id": id, "deleted": True})
        else:
            self.stdout.write(f"Deleted OAuth app {id}.")
