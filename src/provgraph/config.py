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


def default_console_dist_dir() -> Path:
    return Path(__file__).resolve().parent / "console" / "dist"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    admin_token: str | None = Field(default=None, alias="PROVGRAPH_ADMIN_TOKEN")
    data_dir: Path = Field(default_factory=default_data_dir, alias="PROVGRAPH_DATA_DIR")
    # Where the MLflow artifact store keeps files (default: <data dir>/artifacts), and the largest file.
    artifact_root: Path | None = Field(default=None, alias="PROVGRAPH_ARTIFACT_ROOT")
    artifact_max_bytes: int = Field(default=2 * 1024**3, alias="PROVGRAPH_ARTIFACT_MAX_BYTES")

    # The longest one attempt waits for a connection; how long transient errors (deadlocks, a leader
    # change) are retried; and the bound within which an unreachable database is answered UNAVAILABLE
    # (store/retry.py). The bound must leave room for one attempt.
    neo4j_connect_timeout: float = Field(default=2.0, gt=0, alias="PROVGRAPH_NEO4J_CONNECT_TIMEOUT")
    neo4j_retry_time: float = Field(default=3.0, ge=0, alias="PROVGRAPH_NEO4J_RETRY_TIME")
    neo4j_unavailable_after: float = Field(default=2.5, gt=0, alias="PROVGRAPH_NEO4J_UNAVAILABLE_AFTER")
    # Console sessions (POST /api/v1/session): an absolute lifetime, and how long one may sit unused.
    session_ttl_seconds: int = Field(default=8 * 3600, gt=0, alias="PROVGRAPH_SESSION_TTL_SECONDS")
    session_idle_seconds: int = Field(default=30 * 60, gt=0, alias="PROVGRAPH_SESSION_IDLE_SECONDS")
    # The built web console (index.html, graphiql.html, assets/); the hatch build hook puts it here.
    console_dist_dir: Path = Field(default_factory=default_console_dist_dir, alias="PROVGRAPH_CONSOLE_DIST_DIR")
    # Request bodies are counted while they stream in; past this many bytes the answer is 413.
    max_body_bytes: int = Field(default=64 * 1024 * 1024, gt=0, alias="PROVGRAPH_MAX_BODY_BYTES")
    # A GraphQL document (the `query` text) is refused past this many bytes before it is parsed:
    # operations are small, and data belongs in variables.
    max_query_bytes: int = Field(default=100_000, gt=0, alias="PROVGRAPH_MAX_QUERY_BYTES")

    # -- the audit log (governance/audit*.py) --------------------------------------------------------
    # How long the group committer waits for company before writing read and denial events.
    audit_commit_delay: float = Field(default=0.002, alias="PROVGRAPH_AUDIT_COMMIT_DELAY_SECONDS")
    # How often the lease holder looks for pending events to sequence.
    audit_sequence_interval: float = Field(default=0.05, alias="PROVGRAPH_AUDIT_SEQUENCE_INTERVAL_SECONDS")
    # A sequencer that stops renewing its lease is replaced this long after its last renewal.
    audit_lease_seconds: float = Field(default=10.0, alias="PROVGRAPH_AUDIT_LEASE_SECONDS")
    # `audit verify` reports pending events older than this: no sequencer is keeping up.
    audit_backlog_bound: float = Field(default=60.0, alias="PROVGRAPH_AUDIT_BACKLOG_BOUND_SECONDS")
    # For the bench's baseline ONLY (`python -m bench load`): false stops recording reads, which loses
    # the who-read-what trail. Writes, denials and login failures are audited either way.
    audit_reads: bool = Field(default=True, alias="PROVGRAPH_AUDIT_READS")

    # -- failed authentication (governance/auth_failures.py) -----------------------------------------
    # Failures are summarised once per client and window; past the threshold the client gets 429.
    auth_failure_window: float = Field(default=60.0, alias="PROVGRAPH_AUTH_FAILURE_WINDOW_SECONDS")
    auth_failure_threshold: int = Field(default=20, alias="PROVGRAPH_AUTH_FAILURE_THRESHOLD")
    # A refused client waits this long for its 429 (a timer, not work): N connections make at most N
    # guesses per delay, however fast the client. 0 answers at once.
    auth_refusal_delay: float = Field(default=1.0, ge=0, le=60, alias="PROVGRAPH_AUTH_REFUSAL_DELAY_SECONDS")

    # -- anchored heads (governance/audit_anchors.py) ------------------------------------------------
    # The HMAC-SHA256 key the head is signed with; never stored in Neo4j. Unset: no anchoring.
    audit_anchor_key: str | None = Field(default=None, alias="PROVGRAPH_AUDIT_ANCHOR_KEY")
    audit_anchor_interval: float = Field(default=60.0, alias="PROVGRAPH_AUDIT_ANCHOR_INTERVAL_SECONDS")
    # Where the signed heads go: a JSON line each in this file (default DATA_DIR/audit-anchors.jsonl),
    # and POSTed to this URL when set.
    audit_anchor_file: Path | None = Field(default=None, alias="PROVGRAPH_AUDIT_ANCHOR_FILE")
    audit_anchor_url: str | None = Field(default=None, alias="PROVGRAPH_AUDIT_ANCHOR_URL")

    @property
    def anchor_file(self) -> Path:
        return self.audit_anchor_file or self.data_dir / "audit-anchors.jsonl"

    def neo4j_options(self) -> dict[str, Any]:
        """What `Database.connect(uri, **options)` needs besides the URI: credentials, database and the
        timeouts, the same for the API and the CLI."""
        return {
            "user": self.neo4j_user,
            "password": self.neo4j_password,
            "database": self.neo4j_database,
            "connect_timeout": self.neo4j_connect_timeout,
            "retry_time": self.neo4j_retry_time,
            "unavailable_after": self.neo4j_unavailable_after,
        }

    @property
    def artifacts_dir(self) -> Path:
        return self.artifact_root or self.data_dir / "artifacts"
