"""Who is asking: the client's address (store only its `keyed_hash`, never the address).

The address comes from X-Forwarded-For only when the connection comes from a
proxy named in THEGITHER_TRUSTED_PROXIES; then it is the right-most address in
that header which is not itself a trusted proxy (the one our proxy saw). Anyone
else could write anything in that header. `thegither up` tells uvicorn the same.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy) for proxy in proxies)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """Return the networks of the proxies allowed to name the client."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address, networks: tuple[IPNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest | None) -> str:
    """Return the address of the client that sent `request`, or "" if it can't be told."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_proxies()
    remote_address = _address(remote)
    if not networks or not _is_trusted(remote_address, networks):
        return str(remote_address) if remote_address else remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([hop for hop in forwarded.split(",") if hop.strip()]):
        address = _address(hop)
        if address is None:
            # Our proxy wrote something that is no address: don't trust anything left of it.
            break
        if not _is_trusted(address, networks):
            return str(address)
    return str(remote_address)
