"""SSRF guard (pure): may a webhook be delivered to these addresses?

Every address the receiver's host name resolves to must be public: no loopback, private (RFC 1918, unique-local),
link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved or unspecified address, and no
IPv4-mapped IPv6 form of one, unless it lies in a network the operator allowed (``WEBHOOKS_ALLOWED_NETWORKS``, e.g.
``127.0.0.1/32`` for tests). The delivery then connects to the checked address itself, so a second DNS answer
cannot point elsewhere (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def parse_networks(spec: str) -> tuple[Network, ...]:
    """``"127.0.0.1/32, ::1/128"`` -> networks; raises ValueError naming the bad entry."""
    out: list[Network] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        try:
            out.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"not a network: {part!r}") from None
    return tuple(out)


def waarom_geweigerd(address: Address) -> str | None:
    """Why this address is not a public one (None: it is)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return waarom_geweigerd(address.ipv4_mapped)
    for reason, hit in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)),
        ("reserved", address.is_reserved),
    ):
        if hit:
            return reason
    if not address.is_global:
        return "not global"
    return None


def controleer(addresses: Iterable[Address], allowed: Iterable[Network] = ()) -> str | None:
    """None when every address may be used; else the reason (kind only) for the first one that may not."""
    allowed = tuple(allowed)
    seen = False
    for a in addresses:
        seen = True
        if any(a.version == n.version and a in n for n in allowed):
            continue
        reason = waarom_geweigerd(a)
        if reason is not None:
            return f"{reason} address"
    return None if seen else "host does not resolve"


def url_fout(url: str) -> str | None:
    """Shape check of a receiver URL (before any lookup): absolute http(s), a host, no credentials, no fragment."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("https", "http"):
        return "scheme must be https (http only to an allowed network)"
    if not parts.hostname:
        return "no host"
    if parts.username or parts.password:
        return "credentials in the URL are not allowed"
    if parts.fragment:
        return "a fragment is not allowed"
    return None


def all_in(addresses: Iterable[Address], allowed: Iterable[Network]) -> bool:
    allowed = tuple(allowed)
    addresses = tuple(addresses)
    return bool(addresses) and all(any(a.version == n.version and a in n for n in allowed) for a in addresses)
