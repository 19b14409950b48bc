"""Helpers shared by the ``lockii`` commands: company lookup, JSON output and error translation."""

from __future__ import annotations

import contextlib
import json

from django.core.management.base import CommandError
from django.db import transaction

from lockii.errors import LockiiError
from lockii.identity.models import Company


def find_company(value: str | None) -> Company:
    """The company named by slug or id; without a value, the only company (if there is just one)."""
    if value:
        company = Company.objects.filter(pk=value).first() or Company.objects.filter(slug=value).first()
        if company is None:
            raise CommandError(f"No company with slug or id '{value}'. See: lockii company list")
        return company
    companies = list(Company.objects.order_by("created_at")[:2])
    if not companies:
        raise CommandError("There is no company yet. Create one with: lockii init --company NAME ...")
    if len(companies) > 1:
        raise CommandError("Several companies exist; name one with --company SLUG_OR_ID.")
    return companies[0]


@contextlib.contextmanager
def unit_of_work():
    """One transaction per command; a service error becomes a CommandError (message, exit code 1)."""
    try:
        with transaction.atomic():
            yield
    except LockiiError as exc:
        raise CommandError(exc.detail) from None


def emit_json(command, payload) -> None:
    """Exactly one JSON document on stdout."""
    command.stdout.write(json.dumps(payload, indent=2, default=str))


def emit_rows(command, rows: list[dict], *, json: bool, line, empty: str) -> None:
    """A list command's output: one JSON array, or one ``line(row)`` per row (``empty`` when none)."""
    if json:
        return emit_json(command, rows)
    for row in rows:
        command.stdout.write(line(row))
    if not rows:
        command.stdout.write(empty)


def ms(value) -> int | None:
    """A datetime as Unix milliseconds (the API's time format)."""
    return None if value is None else int(value.timestamp() * 1000)
