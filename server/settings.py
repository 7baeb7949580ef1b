"""Settings read from the environment and an optional `.env` file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from pydantic import Field, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(str, Enum):
    """Where the app runs; production switches the developer conveniences off."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


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
        default=None, description="Meilisearch's URL; when set, search uses it instead of the embedded index."
    )
    meili_master_key: str | None = Field(default=None, description="Meilisearch's API key.")
    meili_index: str = Field(default="cms", description="The Meilisearch index to use.")
    search_worker: bool = Field(
        default=True, description="Drain the search outbox inside the app (off when `cms worker` runs)."
    )
    search_synonyms: list[list[str]] = Field(
        default_factory=lambda: [["magnitsky", "global human rights sanctions"]],
        description="Groups of equivalent search terms, as JSON: [[\"a\", \"b c\"], ...].",
    )
    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=20, ge=1)

    @computed_field  # type: ignore[prop-decorator]
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
    def search_path(self) -> Path:
        """Where the embedded search index lives."""
        return self.data_dir / "search"

    @property
    def graphiql_enabled(self) -> bool:
        if self.graphiql is not None:
            return self.graphiql
        return self.environment is Environment.DEVELOPMENT
