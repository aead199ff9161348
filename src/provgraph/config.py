"""Settings from the environment (docs/ARCHITECTURE.md §5). One object, built once per process and passed down."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "provgraph"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    admin_token: str | None = Field(default=None, alias="PROVGRAPH_ADMIN_TOKEN")
    data_dir: Path = Field(default_factory=default_data_dir, alias="PROVGRAPH_DATA_DIR")
    # How long a request may wait for an unreachable database before answering UNAVAILABLE.
    neo4j_connect_timeout: float = Field(default=3.0, alias="PROVGRAPH_NEO4J_CONNECT_TIMEOUT")
    neo4j_retry_time: float = Field(default=3.0, alias="PROVGRAPH_NEO4J_RETRY_TIME")

    def neo4j_options(self) -> dict[str, Any]:
        """What `Database.connect(uri, **options)` needs besides the URI: credentials, database and the
        timeouts, the same for the API and the CLI."""
        return {
            "user": self.neo4j_user,
            "password": self.neo4j_password,
            "database": self.neo4j_database,
            "connect_timeout": self.neo4j_connect_timeout,
            "retry_time": self.neo4j_retry_time,
        }
