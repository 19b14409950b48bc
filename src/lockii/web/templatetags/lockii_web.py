"""Template helpers for the pages: permission checks and the stylesheet URL."""

from __future__ import annotations

from django import template
from django.urls import reverse

from lockii.identity.roles import permissions_for
from lockii.web.assets import CSS_VERSION

register = template.Library()


@register.filter
def can(user, permission: str) -> bool:
    """``{% if request.user|can:"organization:update" %}``: the signed-in user's role grants it."""
    return bool(getattr(user, "is_authenticated", False)) and permission in permissions_for(user.role)


@register.simple_tag
def stylesheet_url() -> str:
    return reverse("stylesheet", args=[CSS_VERSION])
