"""Settings from the environment (DESIGN 5). One object, built once per process and passed down."""

from __future__ import annotations

import os
from pathlib import Path

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
    # The longest one attempt waits for a connection; how long transient errors (deadlocks, a leader
    # change) are retried; and the bound within which an unreachable database is answered UNAVAILABLE
    # (store/retry.py). The bound must leave room for one attempt.
    neo4j_connect_timeout: float = Field(default=2.0, gt=0, alias="PROVGRAPH_NEO4J_CONNECT_TIMEOUT")
    neo4j_retry_time: float = Field(default=3.0, ge=0, alias="PROVGRAPH_NEO4J_RETRY_TIME")
    neo4j_unavailable_after: float = Field(default=2.5, gt=0, alias="PROVGRAPH_NEO4J_UNAVAILABLE_AFTER")
    # Request bodies are counted while they stream in; past this many bytes the answer is 413.
    max_body_bytes: int = Field(default=64 * 1024 * 1024, gt=0, alias="PROVGRAPH_MAX_BODY_BYTES")
    # A GraphQL document (the `query` text) is refused past this many bytes before it is parsed:
    # operations are small, and data belongs in variables.
    max_query_bytes: int = Field(default=100_000, gt=0, alias="PROVGRAPH_MAX_QUERY_BYTES")
