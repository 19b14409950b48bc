"""Clean-up: dynamic clients nobody used, expired tokens, spent codes.

Claude registers a new client on every connection, so unused dynamic (DCR and CIMD) clients are
deleted ``LOCKII_DCR_UNUSED_CLIENT_DAYS`` after registration. ``lockii oauth gc`` runs it; so does
client registration itself, at most once an hour across all nodes (a cache key), so no cron job is
required.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from lockii.oauth.models import AccessToken, Application, Grant, IDToken, RateCounter, RefreshToken

log = logging.getLogger("lockii.oauth")
# Spent codes are kept this long so that a late replay still revokes the tokens it led to.
USED_CODE_RETENTION = timedelta(days=1)


def _expired_tokens(now) -> int:
    """The rules of DOT's ``models.clear_expired``, which we cannot call: it also deletes every
    expired code, including the spent ones kept above for replay detection."""
    idle = timedelta(seconds=settings.REFRESH_TOKEN_SECONDS)
    deleted = 0
    # Revoked refresh tokens are what reveals a replay (reuse protection): keep them their lifetime.
    deleted += RefreshToken.objects.filter(revoked__lt=now - idle).delete()[0]
    deleted += RefreshToken.objects.filter(revoked__isnull=True, access_token__isnull=True).delete()[0]
    deleted += RefreshToken.objects.filter(revoked__isnull=True, access_token__expires__lt=now - idle).delete()[0]
    deleted += AccessToken.objects.filter(expires__lt=now, refresh_token__isnull=True).delete()[0]
    deleted += IDToken.objects.filter(expires__lt=now, access_token__isnull=True).delete()[0]
    return deleted


def collect() -> dict:
    """Delete what is no longer needed; returns counts."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.DCR_UNUSED_CLIENT_DAYS)
    unused = Application.objects.filter(
        registration_source__in=[Application.RegistrationSource.DCR, Application.RegistrationSource.CIMD],
        last_used_at__isnull=True, created__lt=cutoff)
    clients = unused.delete()[1].get(Application._meta.label, 0)
    # Unused codes go when they expire; spent ones stay a day to catch late replays.
    codes = Grant.objects.filter(expires__lt=now - USED_CODE_RETENTION).delete()[0]
    codes += Grant.objects.filter(expires__lt=now, used_at__isnull=True).delete()[0]
    tokens = _expired_tokens(now)
    counters = RateCounter.objects.filter(expires_at__lt=now).delete()[0]
    result = {"unused_clients": clients, "old_codes": codes, "expired_tokens": tokens,
              "old_rate_counters": counters}
    log.info("oauth clean-up", extra={"fields": result})
    return result


def collect_now_and_then() -> None:
    """Run ``collect`` at most once an hour, whichever node gets there first."""
    if cache.add("lockii:oauth:gc", 1, timeout=3600):
        try:
            collect()
        except Exception:  # clean-up must never fail a registration
            log.exception("oauth clean-up failed")
