"""Where a webhook may be sent: public http(s) addresses, and the networks an operator allows.

A webhook URL is chosen by an admin, but the request leaves from the server, inside
its network: without a check, a URL such as `http://169.254.169.254/` (a cloud's
metadata service), `http://localhost:5432/` or `http://10.0.0.7/admin` would make the
server reach, and report on, what only it can reach (server-side request forgery).
So only http and https are allowed, and a host must resolve to public addresses only:
every address it resolves to is checked, when the subscription is made and again at
each connection, and the connection goes to the address that was checked, so a name
that resolves elsewhere the second time (DNS rebinding) gains nothing. Networks in
WEBHOOK_ALLOWED_PRIVATE_NETWORKS (CIDRs; none by default) are allowed although private.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from server.settings import Settings
from server.webhooks.errors import TargetRefused

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


def _public(address: IPAddress) -> bool:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


@dataclass(frozen=True)
class TargetPolicy:
    """Which addresses webhooks may reach: public ones, and those in `allowed_networks`."""

    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> TargetPolicy:
        return cls(
            tuple(ip_network(n, strict=False) for n in settings.webhook_allowed_private_networks)
        )

    def check_address(self, address: IPAddress, host: str | None = None) -> None:
        """Raises TargetRefused unless a webhook may connect to `address` (which `host`
        resolved to, when it is a name)."""
        if _public(address) or any(address in network for network in self.allowed_networks):
            return
        named = (
            f"{host} resolves to {address}, which"
            if host and host != str(address)
            else str(address)
        )
        raise TargetRefused(
            f"{named} is not a public address (loopback, private, link-local or reserved); "
            "webhooks may not reach it unless WEBHOOK_ALLOWED_PRIVATE_NETWORKS covers it"
        )

    def check_addresses(self, host: str, addresses: Iterable[IPAddress]) -> list[IPAddress]:
        """Every address `host` resolved to, each checked; raises TargetRefused on the first
        that may not be reached, or when there is none."""
        checked = list(addresses)
        for address in checked:
            self.check_address(address, host)
        if not checked:
            raise TargetRefused(f"{host} resolves to no address")
        return checked


def split_url(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL; raises TargetRefused for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetRefused(f"not a valid URL: {error}") from error
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("only http and https URLs are allowed")
    if not parts.hostname:
        raise TargetRefused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("the URL may not carry a user name or password")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an address literal resolves to itself)."""
    try:
        return [ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise TargetRefused(f"cannot resolve {host}: {error}") from error
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen[ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(seen)


async def check_url(url: str, policy: TargetPolicy) -> None:
    """Raises TargetRefused unless `url` is http(s) and its host resolves to addresses
    the policy allows, every one of them."""
    host, port = split_url(url)
    policy.check_addresses(host, await resolve(host, port))
