"""The pages' view of OAuth: pre-registered apps and the signed-in user's grants.

Placeholder wiring until lockii.oauth exposes its service functions.
"""

from __future__ import annotations


def apps_available() -> bool:
    return False


def list_apps(principal):
    return []


def list_grants(user):
    return []
