"""What the benchmarks share: fresh seeded databases, servers under load, CPU from /proc.

read_path.py and load_mix.py seed synthetic events (synthetic_seeds.py) into a fresh
database per engine (PostgreSQL: `bench_<benchmark>_*` databases, dropped and created on
the server the admin URL names), start servers pinned with `taskset`, wait for them to
be ready and read the CPU their processes used from /proc/<pid>/stat.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent

CREATED: list[str] = []
"""PostgreSQL databases this run created, for drop_created() at the end."""

CMS = [sys.executable, "-c", "from cms.cli import main; main()"]
"""The `cms` command of this interpreter, run from a checkout."""


@dataclass
class Server:
    """One server under load: a checkout on an engine with its settings."""

    label: str
    checkout: Path
    env: dict[str, str]
    port: int
    app: str = "cms.app:create_app"
    factory: bool = True
    command: list[str] | None = None
    """What to run instead of uvicorn on `app` (`{port}` is replaced by the port)."""
    process: subprocess.Popen[bytes] | None = None
    results: dict[tuple[str, int], list[dict[str, float]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """A loopback port nothing listens on now (other benchmarks may run beside this one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(command: list[str], checkout: Path, env: dict[str, str], **kwargs: Any) -> str:
    result = subprocess.run(
        command,
        check=False,  # the return code is read below, with the output
        cwd=checkout,
        env=environment(checkout, env),
        capture_output=True,
        text=True,
        **kwargs,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed in {checkout}:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def environment(checkout: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATA_DIR"}}
    env.update(
        PYTHONPATH=str(checkout),
        ENVIRONMENT="production",
        SEARCH_CHECK_SECONDS="3600",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def pg(admin_url: str, database: str) -> str:
    return admin_url.rstrip("/") + "/" + database


def psql(admin_url: str, sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", pg(admin_url, database), "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write_seeds(work: Path, events: int) -> Path:
    seeds = work / "seeds"
    run(
        [sys.executable, str(HERE / "synthetic_seeds.py"), str(seeds), "--events", str(events)],
        CHECKOUT,
        {},
    )
    return seeds


def prepare_database(
    checkout: Path,
    engine: str,
    name: str,
    seeds: Path,
    work: Path,
    admin_url: str,
    analyze: bool = False,
    prefix: str = "bench_read_path",
) -> dict[str, str]:
    """A migrated, seeded database of its own: the settings (DATA_DIR, DATABASE_URL) for it."""
    data_dir = work / name
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {"DATA_DIR": str(data_dir)}
    if engine == "postgres":
        database = f"{prefix}_{name}".replace("-", "_")
        psql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        psql(admin_url, f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = pg(admin_url, database)
        CREATED.append(database)
    started = time.perf_counter()
    run([*CMS, "migrate"], checkout, env)
    run([*CMS, "seed", str(seeds)], checkout, env)
    if analyze:
        psql(admin_url, "ANALYZE", database)
    print(f"  {name}: migrated and seeded in {time.perf_counter() - started:.1f} s", flush=True)
    return env


def drop_created(admin_url: str) -> None:
    while CREATED:
        database = CREATED.pop()
        psql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def start(server: Server, log_dir: Path, cpus: str = "0") -> None:
    """Start the server on the given cores, in a session of its own (stop() ends it all)."""
    if server.command is not None:
        command = [part.replace("{port}", str(server.port)) for part in server.command]
    else:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            server.app,
            "--host",
            "127.0.0.1",
            "--port",
            str(server.port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        if server.factory:
            command.append("--factory")
    log = open(log_dir / f"{server.label}.log", "wb")  # noqa: SIM115 - lives with the process
    server.process = subprocess.Popen(
        ["taskset", "-c", cpus, *command],
        cwd=server.checkout,
        env=environment(server.checkout, server.env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(servers: list[Server]) -> None:
    """SIGTERM to each server's session, then SIGKILL to what is left after 20 s."""
    for server in servers:
        if server.process is not None and server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
    for server in servers:
        if server.process is not None:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()


def wait_ready(server: Server, timeout: float = 180.0) -> None:
    """Until /readyz answers ok: the search index built, nothing pending (a checkout from
    before /readyz existed answers the same on /healthz)."""
    deadline = time.monotonic() + timeout
    last = ""
    probe = "/readyz"
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise SystemExit(f"server {server.label} exited; see its log")
        try:
            with urllib.request.urlopen(server.url + probe, timeout=5) as response:
                body = json.load(response)
                if body.get("status") == "ok" and not (body.get("search_backlog") or {}).get(
                    "size"
                ):
                    return
                last = json.dumps(body)
        except urllib.error.HTTPError as error:
            if error.code == 404 and probe == "/readyz":
                probe = "/healthz"
                continue
            last = str(error)
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            last = str(error)
        time.sleep(0.5)
    raise SystemExit(f"server {server.label} not ready after {timeout:.0f} s: {last}")


def post(
    server: Server, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    request = urllib.request.Request(
        server.url + "/graphql",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _processes() -> dict[int, tuple[str, int, float]]:
    """Every readable process: its command name, parent and CPU seconds so far."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:  # it exited meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (
            name,
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        )
    return found


def tree_cpu(roots: list[int]) -> dict[int, float]:
    """CPU seconds of each process in the trees under `roots` (the roots included)."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    found: dict[int, float] = {}
    pending = [pid for pid in roots if pid in processes]
    while pending:
        pid = pending.pop()
        found[pid] = processes[pid][2]
        pending.extend(children.get(pid, []))
    return found


def named_cpu(name: str) -> dict[int, float]:
    """CPU seconds of every process with this command name (e.g. all `postgres`)."""
    return {pid: cpu for pid, (comm, _, cpu) in _processes().items() if comm == name}


def used_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two samples (a process born meanwhile counts from zero)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def machine_busy_seconds() -> tuple[float, float]:
    """From /proc/stat: (busy, total) CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, which user time already counts
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS
