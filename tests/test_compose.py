"""The deployment files against the code they start: docker-compose.yml, the Dockerfile and
.env.example.

Docker cannot run where these tests run, so the stack is checked by reading it: every
command is one the `cms` CLI has, with options it takes; the settings the app services
get are settings the app reads, and resolve to PostgreSQL and Meilisearch; every
`depends_on` waits on a health check or on a one-shot service's success; no secret has
a default; images are pinned; the image runs as an unprivileged user. The api's health
check command is run for real against a server on loopback.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from jsonschema import Draft7Validator

from cms.cli import main as cms
from search.engines import backend_from_settings
from search.meilisearch import MeilisearchBackend
from search.meilisearch_query import OLDEST_SUPPORTED, parse_version
from server.settings import Settings
from tests.processes import free_port

REPOSITORY = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((REPOSITORY / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
DOCKERFILE = (REPOSITORY / "Dockerfile").read_text(encoding="utf-8")
ENV_EXAMPLE = (REPOSITORY / ".env.example").read_text(encoding="utf-8")
COMPOSE_SCHEMA = REPOSITORY / "tests" / "data" / "compose-spec" / "compose-spec.json"
"""The Compose Specification's JSON schema, `schema/compose-spec.json` of
compose-spec/compose-spec at 170098ba07d9f53c383a41bfd4c5166b0a4529a6 (Apache-2.0,
its LICENSE beside it)."""

APP_SERVICES = sorted(name for name, service in SERVICES.items() if "build" in service)
SECRET = re.compile(r"KEY|PASSWORD|SECRET|TOKEN", re.IGNORECASE)
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
READ_ELSEWHERE: set[str] = set()
"""Variables the app services get that are read by something other than the Settings
class (a library's own environment variable): none yet."""

SAMPLE_SECRETS = {"POSTGRES_PASSWORD": "pg-secret-0123456789", "MEILI_MASTER_KEY": "m" * 32}


def setting_names() -> dict[str, str]:
    """Each setting's environment variable, from the Settings class, to its field name."""
    return {(field.alias or name).upper(): name for name, field in Settings.model_fields.items()}


def interpolate(value: str, environment: Mapping[str, str]) -> str:
    """A value as `docker compose` substitutes it: `${X}`, `${X:-default}`, `${X:?error}`."""

    def substitute(found: re.Match[str]) -> str:
        name, op, arg = found["name"], found["op"], found["arg"]
        current = environment.get(name)
        if op in (":?", "?") and (current is None or (op == ":?" and current == "")):
            raise ValueError(f"required variable {name} is missing a value: {arg}")
        if op in (":-", "-") and (current is None or (op == ":-" and current == "")):
            return arg
        return current or ""

    return VARIABLE.sub(substitute, value.replace("$$", "\0")).replace("\0", "$")


def environment_of(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in (SERVICES[service].get("environment") or {}).items()}


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined, comments dropped), by stage."""
    stages: list[list[str]] = []
    logical = re.sub(r"\\\n", " ", re.sub(r"(?m)^\s*#.*\n", "", DOCKERFILE))
    for line in logical.splitlines():
        if not line.strip():
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line.strip())
    return stages


def image_command() -> list[str]:
    (cmd,) = [line for line in dockerfile_stages()[-1] if line.upper().startswith("CMD ")]
    form = cmd[4:].strip()
    assert form.startswith("["), f"the Dockerfile's CMD should be in exec form: {cmd}"
    return list(yaml.safe_load(form))


def service_command(service: str) -> list[str]:
    command = SERVICES[service].get("command") or image_command()
    return shlex.split(command) if isinstance(command, str) else list(command)


def resolve_cli(argv: list[str]) -> click.Command:
    """The `cms` subcommand `argv` runs, its arguments parsed as click parses them (not
    run); raises click's own error for an unknown command or option."""
    assert argv[0] == "cms", f"{argv} does not run the cms CLI"
    name, *arguments = argv[1:]
    with click.Context(cms, info_name="cms") as context:
        command = cms.get_command(context, name)
        if command is None:
            raise click.UsageError(f"No such command {name!r}.", context)
        command.make_context(name, arguments, parent=context)
    return command


def compose_schema_problems(document: Any) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    return [f"{e.json_path}: {e.message}" for e in Draft7Validator(schema).iter_errors(document)]


# -- the file as compose reads it --------------------------------------------------------------


def test_the_compose_file_meets_the_compose_specification() -> None:
    assert compose_schema_problems(COMPOSE) == []


def test_a_misspelt_key_fails_the_specification_check() -> None:
    misspelt = copy.deepcopy(COMPOSE)
    misspelt["services"]["api"]["depends_on"]["migrate"] = {"condtion": "service_healthy"}
    misspelt["services"]["worker"]["restart_policy"] = "always"

    problems = compose_schema_problems(misspelt)
    assert any("api.depends_on" in p for p in problems)
    assert any("restart_policy" in p for p in problems)


# -- commands ----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_service_runs_a_command_the_cli_has(service: str) -> None:
    command = resolve_cli(service_command(service))

    assert command.name in cms.commands


def test_the_image_s_default_command_is_one_the_cli_has_and_serves_on_all_interfaces() -> None:
    argv = image_command()

    assert resolve_cli(argv).name == "serve"
    assert argv[argv.index("--host") + 1] == "0.0.0.0"


def test_a_command_the_cli_does_not_have_is_refused_by_the_check() -> None:
    with pytest.raises(click.UsageError, match="No such command"):
        resolve_cli(["cms", "migrat"])
    with pytest.raises(click.NoSuchOption):
        resolve_cli(["cms", "serve", "--hots", "0.0.0.0"])


def test_the_schema_is_migrated_once_by_a_one_shot_service_before_the_app_starts() -> None:
    migrators = [s for s in APP_SERVICES if service_command(s)[:2] == ["cms", "migrate"]]

    assert migrators == ["migrate"]
    assert SERVICES["migrate"].get("restart", "no") == "no"
    for service in APP_SERVICES:
        if service != "migrate":
            assert "migrate" not in service_command(service)
            condition = SERVICES[service]["depends_on"]["migrate"]["condition"]
            assert condition == "service_completed_successfully", service


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_variable_an_app_service_gets_is_a_setting_the_app_reads(service: str) -> None:
    unknown = set(environment_of(service)) - set(setting_names()) - READ_ELSEWHERE

    assert unknown == set(), f"{service} sets variables no setting reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_setting_is_set_for_the_app_or_has_a_default(service: str) -> None:
    given = set(environment_of(service))

    for variable, name in setting_names().items():
        assert variable in given or not Settings.model_fields[name].is_required(), variable


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_app_services_settings_resolve_to_postgresql_and_meilisearch(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in setting_names():
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment_of(service).items():
        monkeypatch.setenv(variable, interpolate(value, SAMPLE_SECRETS))

    settings = Settings(_env_file=None)
    backend = backend_from_settings(settings)

    assert settings.resolved_database_url == (
        "postgres://cms:pg-secret-0123456789@postgres:5432/cms"
    )
    assert settings.errors_masked and not settings.graphiql_enabled
    assert settings.cors_allowed_origins == []
    assert isinstance(backend, MeilisearchBackend)
    assert str(backend.client.http_client.base_url).rstrip("/") == "http://meilisearch:7700"


def test_the_database_credentials_are_those_postgres_is_started_with() -> None:
    postgres = environment_of("postgres")
    url = environment_of("api")["DATABASE_URL"]

    user, database = postgres["POSTGRES_USER"], postgres["POSTGRES_DB"]
    password = postgres["POSTGRES_PASSWORD"]
    assert url == f"postgres://{user}:{password}@postgres:5432/{database}"
    assert (
        environment_of("api")["MEILI_MASTER_KEY"]
        == (environment_of("meilisearch")["MEILI_MASTER_KEY"])
    )


def test_cors_origins_are_passed_through_from_the_operator_s_environment() -> None:
    value = environment_of("api")["CORS_ALLOWED_ORIGINS"]
    origins = "https://www.example.org,https://preview.example.org"

    assert interpolate(value, {"CORS_ALLOWED_ORIGINS": origins}) == origins
    assert interpolate(value, {}) == ""


# -- secrets -----------------------------------------------------------------------------------


def _secret_values() -> Iterator[tuple[str, str, str]]:
    """(service, variable, value) of every secret a service is given, DATABASE_URL included."""
    for name in SERVICES:
        for variable, value in environment_of(name).items():
            if SECRET.search(variable) or variable == "DATABASE_URL":
                yield name, variable, value


def secret_problem(variable: str, value: str) -> str | None:
    """What is wrong with how a secret is given: written in the file, or defaulted (an
    empty default is allowed: it means unset)."""
    secret = value
    if variable == "DATABASE_URL":  # only its password is secret
        found = re.match(r"^\w+://[^:@/]+:(?P<password>[^@]*)@", value)
        if found is None:
            return f"{variable} names no user and password: {value!r}"
        secret = found["password"]
    reference = VARIABLE.fullmatch(secret)
    if reference is None:
        return f"{variable} is written in the file: {value!r}"
    if reference["op"] in (":-", "-") and reference["arg"]:
        return f"{variable} defaults to {reference['arg']!r}"
    return None


def test_no_secret_has_a_default_or_a_value_in_the_file() -> None:
    problems = [
        f"{service}: {problem}"
        for service, variable, value in _secret_values()
        if (problem := secret_problem(variable, value))
    ]

    assert problems == []


def test_the_master_key_and_the_database_password_are_required() -> None:
    for service, variable, value in _secret_values():
        if variable in ("MEILI_MASTER_KEY", "POSTGRES_PASSWORD", "DATABASE_URL"):
            with pytest.raises(ValueError, match=r"MEILI_MASTER_KEY|POSTGRES_PASSWORD"):
                interpolate(value, {})
            with pytest.raises(ValueError, match=r"missing a value"):
                interpolate(value, {"MEILI_MASTER_KEY": "", "POSTGRES_PASSWORD": ""})
            assert interpolate(value, SAMPLE_SECRETS), (service, variable)


def test_the_secret_check_catches_a_default_and_a_literal() -> None:
    assert "defaults to 'change-me'" in str(secret_problem("K", "${MEILI_MASTER_KEY:-change-me}"))
    assert "defaults to 'x'" in str(secret_problem("K", "${MEILI_MASTER_KEY-x}"))
    assert "written in the file" in str(secret_problem("K", "change-me"))
    assert "written in the file" in str(secret_problem("DATABASE_URL", "postgres://cms:cms@pg/cms"))
    assert "defaults" in str(secret_problem("DATABASE_URL", "postgres://cms:${P:-cms}@pg/cms"))
    assert secret_problem("K", "${MEILI_MASTER_KEY:?set MEILI_MASTER_KEY}") is None
    assert secret_problem("DATABASE_URL", "postgres://cms:${P:?set P}@pg:5432/cms") is None
    assert secret_problem("K", "${MEILI_SEARCH_KEY:-}") is None  # empty: unset


# -- start-up order and health ---------------------------------------------------------------


def test_every_dependency_waits_on_a_health_check_or_a_one_shot_s_success() -> None:
    for name, service in SERVICES.items():
        depends_on = service.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for target, how in depends_on.items():
            assert target in SERVICES, f"{name} depends on {target}, which is no service"
            condition = how.get("condition")
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{target} has no health check"
                assert SERVICES[target]["healthcheck"].get("disable") is not True
            elif condition == "service_completed_successfully":
                assert SERVICES[target].get("restart", "no") == "no", f"{target} restarts"
            else:
                pytest.fail(f"{name} waits on {target} only for {condition!r}")


def test_long_running_services_restart_unless_stopped() -> None:
    one_shot = {
        target
        for service in SERVICES.values()
        for target, how in (service.get("depends_on") or {}).items()
        if how.get("condition") == "service_completed_successfully"
    }

    for name, service in SERVICES.items():
        expected = "no" if name in one_shot else "unless-stopped"
        assert service.get("restart", "no") == expected, name


def test_postgres_and_meilisearch_are_checked_with_their_own_tools() -> None:
    postgres = " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    meilisearch = SERVICES["meilisearch"]["healthcheck"]["test"]

    assert "pg_isready" in postgres
    assert meilisearch[:2] == ["CMD", "curl"] and meilisearch[-1].endswith(":7700/health")


class _Readiness(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/readyz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _run_api_health_check(port: int) -> subprocess.CompletedProcess[str]:
    test = SERVICES["api"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"], "the slim image has Python, not curl"
    argv = [sys.executable, *[a.replace(":8000/", f":{port}/") for a in test[2:]]]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_the_api_health_check_passes_only_when_readyz_answers_200(
    status: int, healthy: bool
) -> None:
    handler = type("Handler", (_Readiness,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        checked = _run_api_health_check(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()

    assert (checked.returncode == 0) is healthy, checked.stderr
    if not healthy:
        assert "not ready: HTTP Error 503" in checked.stderr


def test_the_api_health_check_fails_when_nothing_answers() -> None:
    checked = _run_api_health_check(free_port())

    assert checked.returncode == 1 and "not ready" in checked.stderr


# -- images ------------------------------------------------------------------------------------


def test_every_image_is_pinned() -> None:
    images = [s["image"] for s in SERVICES.values() if "image" in s]
    images += [line.split()[1] for stage in dockerfile_stages() for line in stage[:1]]

    for image in images:
        tag = image.partition(":")[2]
        assert tag and tag != "latest" and re.search(r"\d", tag), f"{image} is not pinned"


def test_meilisearch_is_an_exact_release_the_backend_supports() -> None:
    tag = SERVICES["meilisearch"]["image"].partition(":")[2]

    assert re.fullmatch(r"v\d+\.\d+\.\d+", tag), f"{tag} is not an exact release"
    assert parse_version(tag.removeprefix("v")) >= OLDEST_SUPPORTED


def test_the_image_is_built_in_stages_and_runs_as_an_unprivileged_user() -> None:
    stages = dockerfile_stages()
    runtime = stages[-1]

    assert len(stages) >= 2
    assert any(line.startswith("COPY --from=") for line in runtime)
    users = [line.split()[1] for line in runtime if line.upper().startswith("USER ")]
    assert users, "the runtime stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"the image runs as {users[-1]}"


def test_the_runtime_stage_installs_no_build_or_dev_tools() -> None:
    runtime = " ".join(dockerfile_stages()[-1])

    for tool in ("build-essential", "gcc", "apt-get install", "[dev", "[test", "pip install"):
        assert tool not in runtime, f"the runtime stage has {tool}"


# -- .env.example ------------------------------------------------------------------------------


def _listed_in_env_example() -> set[str]:
    return set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE))


def test_env_example_lists_every_setting() -> None:
    missing = set(setting_names()) - _listed_in_env_example()

    assert missing == set(), f".env.example does not list {sorted(missing)}"


def test_env_example_lists_every_variable_the_compose_file_needs() -> None:
    needed = {
        found["name"]
        for service in SERVICES
        for value in environment_of(service).values()
        for found in VARIABLE.finditer(value)
    }

    assert needed - _listed_in_env_example() == set()


def test_env_example_as_it_stands_is_read_by_the_app_as_the_defaults() -> None:
    from_example = Settings(_env_file=REPOSITORY / ".env.example")
    defaults = Settings(_env_file=None)

    differs = {
        name
        for name in Settings.model_fields
        if getattr(from_example, name) != getattr(defaults, name)
    }
    assert differs <= {"meili_master_key"}  # listed empty for compose, which requires it
