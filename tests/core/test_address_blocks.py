"""The address block the public pages count by (`core.addresses.address_block`): an IPv6 address by its /64, an
IPv4 address by its /24, held to the plain computation of the network with `ipaddress`."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory, override_settings
from hypothesis import assume, given
from hypothesis import strategies as st

from eduboard.core.addresses import address_block, client_block

pytestmark = pytest.mark.both_databases


def plain_block(address: str) -> str:
    """The block as `ipaddress` computes it: the /64 or /24 network the address is in (an IPv4-mapped IPv6
    address as its IPv4 address)."""
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return str(ipaddress.ip_network(f"{parsed}/{64 if parsed.version == 6 else 24}", strict=False))


@given(st.ip_addresses())
def test_an_address_s_block_is_its_64_or_its_24(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    assert address_block(str(address)) == plain_block(str(address))


@given(st.ip_addresses(v=6), st.integers(min_value=0, max_value=2**64 - 1))
def test_every_address_of_one_64_has_the_same_block(network: ipaddress.IPv6Address, host: int) -> None:
    first = int(network) >> 64 << 64
    assume(first != 0)  # ::/64 holds the IPv4-mapped addresses (::ffff:0:0/96), which count as IPv4
    assert address_block(str(ipaddress.IPv6Address(first + host))) == address_block(str(ipaddress.IPv6Address(first)))


def test_examples_and_what_is_not_an_address() -> None:
    assert address_block("203.0.113.77") == "203.0.113.0/24"
    assert address_block("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert address_block("::ffff:203.0.113.7") == "203.0.113.0/24"  # an IPv4 client of a dual-stack server
    assert address_block("2001:db8:1:3::1") != address_block("2001:db8:1:2::1")
    assert address_block("") == "" and address_block(" unknown ") == "unknown"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_the_client_s_block_is_of_the_address_a_trusted_proxy_names() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="2001:db8:9:9:1::7")
    assert client_block(request) == "2001:db8:9:9::/64"
    direct = RequestFactory().get("/", REMOTE_ADDR="198.51.100.23", HTTP_X_FORWARDED_FOR="2001:db8:9:9:1::7")
    assert client_block(direct) == "198.51.100.0/24"
