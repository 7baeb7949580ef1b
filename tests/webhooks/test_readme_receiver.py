"""The README's webhook receiver, run as written against real deliveries: it takes a signed
delivery once, drops a repeat of its id, and refuses a forged signature."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from server.auth.viewer import SYSTEM
from server.content import services
from server.content.models import EventStatus
from server.database import Database
from server.webhooks.models import WebhookDelivery
from server.webhooks.worker import WebhookWorker
from tests.factories import make_event
from tests.processes import free_port
from tests.webhooks.conftest import subscribe

README = Path(__file__).resolve().parents[2] / "README.md"
RECEIVER = re.search(
    r"<!-- receiver example -->\n```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL
)


@dataclass
class ReadmeReceiver:
    """The README's receiver in a process of its own, listening on a loopback port."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self, secret: str) -> None:
        assert RECEIVER is not None, "the README lost its receiver example"
        environment = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", RECEIVER.group(1)],
            env={**environment, "WEBHOOK_SECRET": secret},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(200):  # bounds a receiver that never starts; not a timing assertion
            assert self.process.poll() is None, self.process.communicate()
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("the README's receiver did not start listening")

    def stop(self) -> str:
        """Stops the receiver; returns what it printed."""
        assert self.process is not None
        self.process.terminate()
        output, _ = self.process.communicate(timeout=10)
        return output


@pytest.fixture
def readme_receiver() -> Iterator[ReadmeReceiver]:
    found = ReadmeReceiver()
    yield found
    if found.process is not None and found.process.poll() is None:
        found.stop()


async def test_the_readme_receiver_verifies_and_deduplicates(
    db: Database, worker: WebhookWorker, readme_receiver: ReadmeReceiver
) -> None:
    url = readme_receiver.url
    secret = (await subscribe(url)).secret
    await asyncio.get_running_loop().run_in_executor(None, readme_receiver.start, secret)
    try:
        event = await make_event(slug="harbour-lights-forum", status=EventStatus.DRAFT)
        await services.publish_event(SYSTEM, event.slug, version=event.version)
        assert (await worker.drain()).delivered == 1

        delivery = await WebhookDelivery.get()
        send = worker.sender.send
        again = await send(url, secret, delivery.delivery_id, delivery.event_type, delivery.body)
        forged = await send(url, "whsec_guess", "forged-1", delivery.event_type, delivery.body)
    finally:
        output = readme_receiver.stop()

    assert again.ok and again.status_code == 204  # a repeat is acknowledged...
    assert forged.status_code == 401 and not forged.ok
    assert output.splitlines() == [  # ...but acted on once, and the forgery not at all
        "event.published harbour-lights-forum ['event:harbour-lights-forum', 'events']"
    ]
