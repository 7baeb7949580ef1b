"""POSTing one signed delivery, through a client that connects only where the policy allows.

Redirects are never followed (a 3xx counts as a failure, saying so), proxies from
the environment are ignored, each attempt has a timeout, and the response's body is
never read: only its status code matters.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx

from server.webhooks import signing
from server.webhooks.errors import TargetRefused
from server.webhooks.targets import TargetPolicy, resolve, split_url


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses the policy allows: the host is resolved
    here, every address checked, and the connection made to a checked address."""

    def __init__(self, policy: TargetPolicy) -> None:
        self._policy = policy
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = self._policy.check_addresses(host, await resolve(host, port))
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._backend.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as error:
                failure = error
        assert failure is not None  # check_addresses returns at least one address
        raise failure

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def guarded_client(policy: TargetPolicy, timeout: float) -> httpx.AsyncClient:
    """An HTTP client for webhooks: connects only where `policy` allows, follows no
    redirect, ignores proxy variables, and gives up on an attempt after `timeout` seconds."""
    transport = httpx.AsyncHTTPTransport(retries=0)
    # httpx takes no network backend, but its transport sends every request through this
    # httpcore pool: the one place where where a connection goes can be decided.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=20,
        network_backend=_GuardedBackend(policy),
    )
    return httpx.AsyncClient(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    )


@dataclass(frozen=True)
class Attempt:
    """How one attempt went: the response's status code, or why there was none."""

    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


class Sender:
    """Signs and POSTs deliveries with one long-lived client."""

    def __init__(self, policy: TargetPolicy, timeout: float) -> None:
        self._client = guarded_client(policy, timeout)

    async def send(
        self, url: str, secret: str, delivery_id: str, kind_of_event: str, body: str
    ) -> Attempt:
        """One attempt: a 2xx answer delivers; anything else, or no answer, is a failure."""
        timestamp = int(time.time())
        headers = signing.headers(secret, delivery_id, kind_of_event, timestamp, body)
        try:
            split_url(url)
            async with self._client.stream(
                "POST", url, content=body.encode(), headers=headers
            ) as response:
                code = response.status_code
        except TargetRefused as refused:
            return Attempt(None, f"refused: {refused}")
        except httpx.HTTPError as error:
            return Attempt(
                None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            )
        if 200 <= code < 300:
            return Attempt(code, None)
        if 300 <= code < 400:
            return Attempt(code, f"HTTP {code}: redirects are not followed")
        return Attempt(code, f"HTTP {code}")

    async def aclose(self) -> None:
        await self._client.aclose()
