"""The client's address: the peer's, or the one a configured trusted proxy names in X-Forwarded-For; and the block
it belongs to (an IPv6 address by its /64, an IPv4 address by its /24), by which the public pages count their limits."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# One household or office gets a whole IPv6 /64 and may use any address in it; IPv4 addresses are scarce, and a
# /24 is the most one subscriber or one school's provider commonly holds.
IPV6_BLOCK_PREFIX = 64
IPV4_BLOCK_PREFIX = 24


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parsed(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of the proxies in settings.TRUSTED_PROXIES (addresses or networks)."""
    parsed = _parsed(address)
    return parsed is not None and any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The address of the client that made `request`.

    X-Forwarded-For is read only when the peer (REMOTE_ADDR) is a trusted proxy, and then from the right: each
    trusted proxy appends the address it received the request from, so the right-most address that is not a trusted
    proxy is the client's (the ones to its left were written by the client and may be anything). Without a trusted
    proxy the header is ignored, so nobody chooses their own address by sending it.
    """
    peer = str(request.META.get("REMOTE_ADDR", "") or "")
    if not is_trusted_proxy(peer):
        return peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _parsed(hop) is None:
            return peer  # a hop no proxy of ours wrote: trust nothing to its left
        if not is_trusted_proxy(hop):
            return hop
    return peer


def address_block(address: str) -> str:
    """The block `address` counts by, written as a network: an IPv6 address by its /64 (`2001:db8:1:2::/64`), an
    IPv4 address by its /24 (`203.0.113.0/24`), an IPv4 address mapped into IPv6 (`::ffff:203.0.113.7`) as that
    IPv4 address. Anything else (no address, a name) is its own block, as given."""
    parsed = _parsed(address)
    if parsed is None:
        return address.strip()
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    prefix = IPV6_BLOCK_PREFIX if parsed.version == 6 else IPV4_BLOCK_PREFIX
    bits = parsed.max_prefixlen
    network = int(parsed) >> (bits - prefix) << (bits - prefix)
    return f"{type(parsed)(network)}/{prefix}"


def client_block(request: HttpRequest) -> str:
    """The block of the client that made `request` (`address_block` of `client_address`)."""
    return address_block(client_address(request))
