"""Client IP: X-Forwarded-For is believed only from LOCKII_TRUSTED_PROXIES peers."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lockii.ops.client_ip import client_ip, client_network


def meta(peer: str, xff: str | None = None) -> dict:
    m = {"REMOTE_ADDR": peer}
    if xff is not None:
        m["HTTP_X_FORWARDED_FOR"] = xff
    return m


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(meta("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize("peer, xff, expected", [
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # peer not a proxy: header is client-made
    ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # one trusted proxy
    ("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),  # spoofed left entry ignored
    ("10.0.0.5", "10.2.2.2, 10.1.1.1", "10.2.2.2"),  # all hops internal: the first one
    ("10.0.0.5", "", "10.0.0.5"),  # proxy sent no header
    ("10.0.0.5", "198.51.100.7:51234", "198.51.100.7"),  # hop with a port
    ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
    ("10.0.0.5", "not-an-ip", "10.0.0.5"),  # malformed hop: do not invent a client
    ("::ffff:10.0.0.5", "198.51.100.7", "198.51.100.7"),  # IPv4-mapped proxy address
])
def test_forwarded_for_from_trusted_proxies(peer, xff, expected):
    assert client_ip(meta(peer, xff)) == expected


def test_a_changed_setting_takes_effect_at_once():
    with override_settings(TRUSTED_PROXIES=["192.0.2.1"]):
        assert client_ip(meta("192.0.2.1", "198.51.100.7")) == "198.51.100.7"
    with override_settings(TRUSTED_PROXIES=[]):
        assert client_ip(meta("192.0.2.1", "198.51.100.7")) == "192.0.2.1"


@pytest.mark.parametrize("peer, expected", [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::"),  # same subscriber, same bucket
    ("::ffff:203.0.113.9", "::ffff:203.0.113.9"),
])
def test_throttles_count_ipv6_clients_by_their_64(peer, expected):
    assert client_network({"REMOTE_ADDR": peer}) == expected
