"""Settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import json
from enum import Enum
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, computed_field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Environment(str, Enum):
    """Where the app runs; production switches the developer conveniences off."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogFormat(str, Enum):
    """How log lines are written: one JSON object per line, or plain text for a terminal."""

    JSON = "json"
    TEXT = "text"


class Settings(BaseSettings):
    """Every knob the CMS has, with embedded defaults that work on a fresh clone."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Field(default=Path("data"), description="Where embedded data lives.")
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path or postgres://user@host:port/db; defaults to SQLite in data_dir.",
    )
    graphiql: bool | None = Field(
        default=None, description="Serve GraphiQL at /graphql; defaults to on in development."
    )
    meili_url: str | None = Field(
        default=None,
        description="Meilisearch's URL; when set, search uses it instead of the embedded index.",
    )
    meili_master_key: str | None = Field(
        default=None,
        description="Meilisearch's master key: index administration, and the search key's creation.",
    )
    meili_search_key: str | None = Field(
        default=None,
        description="A search-only Meilisearch key for searches; found or created with the master key when unset.",
    )
    meili_index: str = Field(default="cms", description="The Meilisearch index to use.")
    search_worker: bool = Field(
        default=True,
        description="Drain the search outbox inside the app (off when `cms worker` runs).",
    )
    search_check_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often the search index is checked against the database (and rebuilt if it does not match).",
    )
    search_synonyms: list[list[str]] = Field(
        default_factory=lambda: [["magnitsky", "global human rights sanctions"]],
        description='Groups of equivalent search terms, as JSON: [["a", "b c"], ...].',
    )
    schedule_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        le=60,
        description="How often the worker publishes and unpublishes events whose time has come.",
    )
    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=20, ge=1)

    # Hardening of the public endpoint; README's "Hardening" explains each limit.
    introspection: bool | None = Field(
        default=None, description="Answer introspection queries; defaults to on in development."
    )
    mask_errors: bool | None = Field(
        default=None,
        description="Answer internal errors with 'Unexpected error.'; defaults to on in production.",
    )
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins whose pages may call the API, comma-separated; none by default.",
    )
    max_body_bytes: int = Field(default=102_400, ge=1024, description="The largest request body.")
    persisted_queries: bool = Field(
        default=True,
        description="Accept Automatic Persisted Queries (a sha256Hash for a document).",
    )
    response_cache: bool = Field(
        default=True,
        description="Keep answers to anonymous queries until the next committed write to content.",
    )
    http_cache_max_age: int = Field(
        default=60,
        ge=0,
        description="Seconds shared caches may keep an anonymous GET answer (Cache-Control max-age).",
    )
    preview_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Signs draft preview tokens; previews need it in production (in "
        "development one is made and kept in data_dir).",
    )
    preview_token_seconds: int = Field(
        default=3600, ge=1, le=7 * 24 * 3600, description="How long a preview token lives."
    )
    # Deep enough for any page the site renders (events → edges → node → participants
    # → person → events → topics → name is 8); introspection is not counted.
    graphql_max_depth: int = Field(default=12, ge=1, description="The deepest selection.")
    graphql_max_cost: int = Field(
        default=20_000, ge=1, description="The most fields a document may resolve, at worst."
    )
    graphql_max_aliases: int = Field(default=30, ge=0, description="Aliases per document.")
    graphql_max_tokens: int = Field(default=1000, ge=100, description="Tokens per document.")
    graphql_max_directives: int = Field(default=50, ge=0, description="Directives per document.")
    graphql_max_field_repeats: int = Field(
        default=5, ge=1, description="How often one field may appear in one selection set."
    )

    # Operations; README's "Observability" explains each.
    log_format: LogFormat | None = Field(
        default=None, description="json or text; defaults to json in production, text elsewhere."
    )
    log_level: str = Field(default="INFO", description="The least severe level logged.")
    metrics_enabled: bool | None = Field(
        default=None,
        description="Serve Prometheus metrics at /metrics; defaults to on in development.",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="When set, /metrics answers only `Authorization: Bearer <this token>`.",
    )

    # Webhooks; README's "For frontend teams" explains each.
    webhook_allowed_private_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDRs that webhooks may reach although not public, comma-separated; none by default.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="How long one delivery attempt may take."
    )
    webhook_max_attempts: int = Field(
        default=12,
        ge=1,
        le=100,
        description="Attempts at one delivery before it fails and its subscription is disabled.",
    )
    webhook_retry_base_seconds: float = Field(
        default=30.0, gt=0, description="The wait after a delivery's first failure; it doubles."
    )
    webhook_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="The longest wait between two attempts at a delivery."
    )
    webhook_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the worker looks for due deliveries when idle."
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("sqlite", "postgres", "postgresql"):
            raise ValueError(
                "must be sqlite:///path/to/file or postgres://user:password@host:5432/database"
            )
        return value

    @field_validator("meili_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname
        ):
            raise ValueError(
                "must be an http:// or https:// address, such as http://127.0.0.1:7700"
            )
        return value

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # `https://a.org,https://b.org` from the environment; a JSON list works too.
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("webhook_allowed_private_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [network.strip() for network in value.split(",") if network.strip()]
        return value

    @field_validator("webhook_allowed_private_networks")
    @classmethod
    def _known_networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ip_network(network, strict=False)
            except ValueError as error:
                raise ValueError(f"{network!r} is not a network in CIDR form: {error}") from error
        return value

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def resolved_database_url(self) -> str:
        """The database URL in the form Tortoise expects."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgres://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite://{(self.data_dir / 'cms.sqlite3').as_posix()}"

    @property
    def database_url_for_display(self) -> str:
        """The database URL with any password replaced by `***`, for messages and logs."""
        parts = urlsplit(self.resolved_database_url)
        if parts.password is None:
            return self.resolved_database_url
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))

    @property
    def search_path(self) -> Path:
        """Where the embedded search index lives."""
        return self.data_dir / "search"

    @property
    def graphiql_enabled(self) -> bool:
        if self.graphiql is not None:
            return self.graphiql
        return self.environment is Environment.DEVELOPMENT

    @property
    def introspection_enabled(self) -> bool:
        if self.introspection is not None:
            return self.introspection
        return self.environment is Environment.DEVELOPMENT

    @property
    def resolved_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return LogFormat.JSON if self.environment is Environment.PRODUCTION else LogFormat.TEXT

    @property
    def metrics_served(self) -> bool:
        if self.metrics_enabled is not None:
            return self.metrics_enabled
        return self.environment is Environment.DEVELOPMENT

    @property
    def errors_masked(self) -> bool:
        if self.mask_errors is not None:
            return self.mask_errors
        return self.environment is Environment.PRODUCTION
