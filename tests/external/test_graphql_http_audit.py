"""The GraphQL-over-HTTP audit of the npm `graphql-http` package passes every MUST and SHOULD.

The package is pinned, with its lockfile, in tests/external/node/; the first run
installs it from the npm registry into .cache/node/ (`npm ci`, tests/npm.py), later
runs reuse that install until the lockfile changes.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.external.conftest import LiveServer
from tests.npm import npm_install

SOURCE = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="session")
def audit_script() -> Path:
    """audit.mjs beside an installed graphql-http, installed now if it is not yet."""
    return npm_install(SOURCE, "node", files=["audit.mjs"]) / "audit.mjs"


def _level(name: str) -> str:
    return name.split(" ", 1)[0]  # every audit's name starts with MUST, SHOULD or MAY


def test_the_graphql_http_audit_passes_every_must_and_should(
    live_server: LiveServer, audit_script: Path
) -> None:
    run = subprocess.run(
        ["node", str(audit_script), live_server.graphql_url],
        cwd=audit_script.parent,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)

    counts = Counter((_level(r["name"]), r["status"]) for r in results)
    failing = [r for r in results if r["status"] != "ok"]
    print(
        f"\ngraphql-http audit: {len(results)} audits;",
        ", ".join(
            f"{level} {sum(n for (lv, _), n in counts.items() if lv == level)} "
            f"({counts[(level, 'ok')]} ok, "
            f"{sum(n for (lv, s), n in counts.items() if lv == level and s != 'ok')} failing)"
            for level in ("MUST", "SHOULD", "MAY")
        ),
    )
    for result in failing:
        print(f"  {result['status']}: {result['id']} {result['name']}: {result['reason']}")

    assert [r for r in failing if _level(r["name"]) == "MUST"] == []
    assert [r for r in failing if _level(r["name"]) == "SHOULD"] == []
    assert live_server.unhandled_exceptions() == 0
