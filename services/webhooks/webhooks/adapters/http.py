"""Sending one webhook: resolve the receiver's host, check every address (SSRF guard), connect to the checked
address (with the host name for TLS and the ``Host`` header), no redirects, a timeout."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from webhooks.domain.adressen import Address, Network, controleer


@dataclass(frozen=True)
class Antwoord:
    status_code: int | None
    retry_after: str | None = None
    error: str | None = None  # kind only: never the receiver's response body


async def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):  # socket.gaierror is an OSError; IDNA errors are UnicodeError
        return []
    out: list[Address] = []
    for info in infos:
        a = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if a not in out:
            out.append(a)
    return out


async def check_url(url: str, allowed: Sequence[Network]) -> tuple[str | None, list[Address]]:
    """(reason it may not be used or None, the addresses checked)."""
    try:
        u = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return "not a valid URL", []
    port = u.port or (443 if u.scheme == "https" else 80)
    addresses = await resolve(u.host, port)
    reason = controleer(addresses, allowed)
    if reason is None and u.scheme == "http" and not all(any(a.version == n.version and a in n for n in allowed) for a in addresses):
        reason = "plain http only to an allowed network"
    return reason, addresses


class Afzender:
    def __init__(self, *, timeout: float, allowed: Sequence[Network]) -> None:
        self.allowed = tuple(allowed)
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=httpx.Timeout(timeout), trust_env=False)

    async def close(self) -> None:
        await self.client.aclose()

    async def post(self, url: str, headers: dict[str, str], body: str) -> Antwoord:
        reason, addresses = await check_url(url, self.allowed)
        if reason is not None:
            return Antwoord(None, error=f"refused: {reason}")
        u = httpx.URL(url)
        pinned = u.copy_with(host=str(addresses[0]))
        extensions = {"sni_hostname": u.host} if u.scheme == "https" else {}
        host_header = u.host if u.port is None else f"{u.host}:{u.port}"
        try:
            # Streamed and never read: the receiver's answer body is not needed and not stored (bounded memory).
            async with self.client.stream(
                "POST", pinned, content=body.encode(), headers={**headers, "host": host_header}, extensions=extensions
            ) as resp:
                status, retry_after = resp.status_code, resp.headers.get("retry-after")
        except httpx.TimeoutException:
            return Antwoord(None, error="timeout")
        except httpx.HTTPError as exc:
            return Antwoord(None, error=f"connection failed: {type(exc).__name__}")
        return Antwoord(status, retry_after, None if 200 <= status < 300 else f"HTTP {status}")
