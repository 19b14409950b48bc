"""The client's IP: the socket peer, or the X-Forwarded-For hop just before our trusted proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    # Keyed by the setting's value, so a changed setting (tests, reloads) is never served stale.
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Parse one hop; proxies may write ``1.2.3.4:5678`` or ``[2001:db8::1]:443``."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(addr, networks) -> bool:
    if addr is None:
        return False
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped
    return any(addr in net for net in networks)


def client_ip(meta) -> str:
    """Walk X-Forwarded-For from the right while hops are trusted proxies; entries further left are
    whatever the client sent, so they are never believed. Without a trusted peer the header is ignored."""
    peer = meta.get("REMOTE_ADDR", "") or "0.0.0.0"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(_address(peer), networks):
        return peer
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        addr = _address(hop)
        if addr is None:
            return peer  # a malformed hop: the chain cannot be trusted past the last good proxy
        if not _trusted(addr, networks):
            return str(addr)
    return str(_address(hops[0])) if hops else peer


def client_network(meta) -> str:
    """What throttles count by: the client IP, or for IPv6 the first address of its /64 (still an
    address, so it fits axes' IP column). One IPv6 subscriber usually holds a whole /64, so counting
    single addresses would give an attacker billions of buckets."""
    ip = client_ip(meta)
    addr = _address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and not addr.ipv4_mapped:
        return str(ipaddress.IPv6Network((addr, 64), strict=False).network_address)
    return ip


def axes_client_ip(request) -> str:
    return client_network(request.META)
