"""Schemathesis fuzzes every root field of the live server: no server error, no slow response.

It reads the schema by introspection, then sends generated queries and
mutations (valid ones and deliberately invalid ones) as an anonymous client.
A bounded, seeded run: about 2,000 cases in about half a minute.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.external.conftest import LiveServer

MAX_EXAMPLES = 50
SEED = 20261126
ARGUMENTS = [
    "--phases",
    "fuzzing,stateful",
    "--max-examples",
    str(MAX_EXAMPLES),
    "--seed",
    str(SEED),
    "--workers",
    "2",
    # Without a timeout a runaway query hangs the run instead of failing it.
    "--request-timeout",
    "5",
    "--max-response-time",
    "1",
    # Refusing an over-deep or over-costly valid query is the point of the limits.
    "--exclude-checks",
    "positive_data_acceptance",
    # Admin-only: anonymously it always answers FORBIDDEN, which Schemathesis
    # counts as a server error on purpose (it cannot tell the data was not at fault).
    "--exclude-name",
    "Query.apiTokens",
    "--exclude-name",
    "Query.webhookSubscriptions",
    "--exclude-name",
    "Query.webhookDeliveries",
]
SERVER_ERRORS = ("ST101", "ST113")  # a 5xx; a GraphQL error a resolver raised
SLOW = "ST112"


def test_schemathesis_finds_no_server_error_and_no_slow_response(
    live_server: LiveServer, tmp_path: Path
) -> None:
    report = tmp_path / "schemathesis.json"
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "run",
            live_server.graphql_url,
            *ARGUMENTS,
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert report.exists(), run.stdout + run.stderr
    summary = json.loads(report.read_text())

    failures = Counter({failure["code"]: failure["count"] for failure in summary["failures"]})
    cases = summary["test_cases"]
    print(
        f"\nSchemathesis {summary['schemathesis_version']}: "
        f"{summary['operations']['tested']} operations, {cases['generated']} test cases, "
        f"{cases['with_failures']} with failures; "
        f"server errors: {sum(failures[code] for code in SERVER_ERRORS)}, "
        f"slow responses (> 1 s): {failures[SLOW]}, errors: {len(summary['errors'])}"
    )

    assert run.returncode == 0, run.stdout[-5000:]
    assert summary["failures"] == [] and summary["errors"] == []
    assert cases["generated"] > 0
    assert live_server.unhandled_exceptions() == 0
