"""Anchored heads: the chain's head, signed and kept outside Neo4j.

A hash chain only shows tampering by someone who did not recompute every later hash. So the sequencer's
holder signs the head (seq, hash, time) every PROVGRAPH_AUDIT_ANCHOR_INTERVAL_SECONDS with HMAC-SHA256
under PROVGRAPH_AUDIT_ANCHOR_KEY (from the environment, never stored in Neo4j) and appends it as a JSON
line to PROVGRAPH_AUDIT_ANCHOR_FILE and/or POSTs it to PROVGRAPH_AUDIT_ANCHOR_URL. `check_anchors` then
holds the chain to them: every anchor's signature must verify and the event at its seq must still have
its hash, so an event edited with every later hash recomputed is caught at the first anchor after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..store import audit as audit_store
from ..store.database import Database
from .audit import canonical_json


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    time: str  # ISO 8601, UTC
    signature: str = ""

    def signed_text(self) -> str:
        return canonical_json({"seq": self.seq, "hash": self.hash, "time": self.time})

    def signed(self, key: bytes) -> "Anchor":
        return Anchor(self.seq, self.hash, self.time, _sign(key, self.signed_text()))

    def verifies(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signature, _sign(key, self.signed_text()))

    def line(self) -> str:
        return canonical_json({"seq": self.seq, "hash": self.hash, "time": self.time, "signature": self.signature})


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


class Anchoring:
    """Signs and publishes the head; `due` runs it at most every `interval` seconds (the sequencer's
    holder calls it after each of its rounds)."""

    def __init__(self, db: Database, key: str, *, file: Path | None = None, url: str | None = None, interval: float = 60.0) -> None:
        if not key:
            raise ValueError("anchoring needs a key (PROVGRAPH_AUDIT_ANCHOR_KEY)")
        if file is None and url is None:
            raise ValueError("anchoring needs a file or a URL to write anchors to")
        self._db = db
        self._key = key.encode("utf-8")
        self._file = file
        self._url = url
        self._interval = interval
        self._last_at = float("-inf")
        self._last: tuple[int, str] | None = None

    async def due(self) -> Anchor | None:
        now = asyncio.get_running_loop().time()
        if now - self._last_at < self._interval:
            return None
        self._last_at = now
        return await self.anchor()

    async def anchor(self) -> Anchor | None:
        """Signs and publishes the current head; None for an empty log or a head already anchored."""
        head = await self._db.read(audit_store.head)
        if head is None or head[0] == 0 or head == self._last:
            return None
        anchor = Anchor(head[0], head[1], datetime.now(UTC).isoformat(timespec="microseconds")).signed(self._key)
        await asyncio.to_thread(self._publish, anchor)
        self._last = head
        return anchor

    def _publish(self, anchor: Anchor) -> None:
        if self._file is not None:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            with self._file.open("a", encoding="utf-8") as out:
                out.write(anchor.line() + "\n")
        if self._url is not None:
            request = urllib.request.Request(
                self._url, data=anchor.line().encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
            )
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310 (the operator's own URL)
                pass


def read_anchors(path: Path) -> list[Anchor]:
    """The anchors in a file, in the order written; a line that is not an anchor is one that fails."""
    anchors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            anchors.append(Anchor(int(row["seq"]), str(row["hash"]), str(row["time"]), str(row["signature"])))
        except (ValueError, KeyError, TypeError):
            anchors.append(Anchor(-1, "", line[:80], ""))
    return anchors


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    first_broken_seq: int | None
    message: str
    checked: int  # anchors that held


async def check_anchors(db: Database, key: str, anchors: list[Anchor]) -> AnchorCheck:
    """Holds the chain to its anchors, in seq order; names the first event that disagrees with one."""
    key_bytes = key.encode("utf-8")
    for number, anchor in enumerate(anchors, 1):
        if not anchor.verifies(key_bytes):
            return AnchorCheck(False, None, f"anchor {number} ({anchor.time}) has a bad signature: forged, or another key", 0)
    ordered = sorted(anchors, key=lambda a: a.seq)
    stored = await db.read(lambda tx: audit_store.hashes_at(tx, [a.seq for a in ordered]))
    held = 0
    for anchor in ordered:
        found = stored.get(anchor.seq)
        if found != anchor.hash:
            after = f" (the anchor before it, at event {ordered[held - 1].seq}, holds)" if held else ""
            what = "is missing" if found is None else "does not have the hash anchored"
            return AnchorCheck(
                False, anchor.seq,
                f"event {anchor.seq} {what} at {anchor.time}: the chain was rewritten at or before it{after}", held,
            )
        held += 1
    return AnchorCheck(True, None, f"{held} anchors hold", held)
