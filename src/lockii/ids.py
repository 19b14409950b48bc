"""Identifiers: ``<prefix>_<uuidv7>``; clients may bring their own (same prefix, valid UUIDv7)."""

from __future__ import annotations

import functools
import uuid

import uuid6
from django.db import models

PREFIXES = frozenset(
    "company user location category product stock pricing customer booking line payment "
    "refund change apikey client audit".split()
)


def new_id(prefix: str) -> str:
    """A fresh time-ordered id such as ``booking_0190d7c2-…``."""
    return f"{prefix}_{uuid6.uuid7()}"


def is_valid(value: object, prefix: str) -> bool:
    """True when ``value`` is ``<prefix>_`` followed by a canonical lower-case UUIDv7."""
    if not isinstance(value, str) or not value.startswith(prefix + "_"):
        return False
    raw = value[len(prefix) + 1 :]
    try:
        parsed = uuid.UUID(raw)
    except ValueError:
        return False
    return parsed.version == 7 and str(parsed) == raw


class PrefixedIdField(models.CharField):
    """Primary key holding a prefixed UUIDv7; the default is derived from ``prefix``."""

    def __init__(self, prefix: str, **kwargs):
        assert prefix in PREFIXES, prefix
        self.prefix = prefix
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("primary_key", True)
        kwargs["default"] = functools.partial(new_id, prefix)
        super().__init__(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)  # rebuilt from the prefix; keeps migrations free of partials
        kwargs["prefix"] = self.prefix
        return name, path, args, kwargs
