"""The client's address: the peer's, or the one a configured trusted proxy names in X-Forwarded-For."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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
