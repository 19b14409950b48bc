"""The client's IP: the socket peer, or the X-Forwarded-For hop just before our trusted proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=1)
def _trusted_networks():
    return tuple(ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES)


def _trusted(ip: str) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(addr in net for net in _trusted_networks())


def client_ip(meta) -> str:
    """Walk X-Forwarded-For from the right while hops are trusted proxies; spoofed entries on the left are ignored."""
    peer = meta.get("REMOTE_ADDR", "") or "0.0.0.0"
    if not _trusted(peer):
        return peer
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop
    return hops[0] if hops else peer


def axes_client_ip(request) -> str:
    return client_ip(request.META)
