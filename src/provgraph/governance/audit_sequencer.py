"""The audit sequencer: numbers and hash-chains pending audit events in batches (after Trillian's
sequencer).

Exactly one process sequences at a time: the holder of the lease node (holder id + expiry), which it
renews every third of the lease; when the holder dies its lease expires and another process's loop takes
it over. A pass locks the AuditHead, reads the oldest pending events in (time, eventId) order, gives them
seq, prevHash and hash, and moves the head, all in one transaction. Only passes take the head lock, never
a request, and a pass is safe without the lease too (the head lock serialises passes, and a pass reads
the pending events only after taking it): `auditEvents` and `provgraph audit verify` run one themselves
so they list every event recorded before they were asked, whichever process holds the lease.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from neo4j.exceptions import Neo4jError

from ..cooperative import pause_every
from ..domain.errors import ProvgraphError
from ..store import audit as audit_store
from ..store.database import Database, Tx
from .audit import chained

log = logging.getLogger(__name__)
PASS_LIMIT = 5_000  # events one pass chains (one transaction)


class AuditSequencer:
    def __init__(
        self,
        db: Database,
        *,
        holder: str | None = None,
        lease_seconds: float = 10.0,
        interval: float = 0.05,
        pass_limit: int = PASS_LIMIT,
        after_pass: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._db = db
        self.holder = holder or f"{socket.gethostname()}-{secrets.token_hex(4)}"
        self._lease = timedelta(seconds=lease_seconds)
        self._interval = interval
        self._pass_limit = pass_limit
        self._after_pass = after_pass  # the holder's periodic duties (anchoring the head)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.holding = False

    # -- one pass ------------------------------------------------------------------------------------

    async def sequence_pending(self) -> int:
        """Chains every event pending now, a pass (one transaction) per PASS_LIMIT; returns how many."""
        total = 0
        while True:
            done = await self._db.write(self._one_pass)
            total += done
            if done < self._pass_limit:
                return total

    async def _one_pass(self, tx: Tx) -> int:
        seq, prev_hash = await audit_store.lock_head(tx)  # first: the pending events are read under it
        if seq is None:  # the head was deleted as we locked it (a wiped store): the next pass starts anew
            return 0
        rows = []
        for index, pending in enumerate(await audit_store.pending(tx, self._pass_limit)):
            await pause_every(index)  # a pass hashes up to PASS_LIMIT events: not in one go on the loop
            if pending.get("time") is None:  # deleted by another transaction as we read it (a wiped store)
                continue
            seq += 1
            row = chained(pending, seq, prev_hash)
            rows.append({"eventId": row["eventId"], "seq": seq, "prevHash": prev_hash, "hash": row["hash"]})
            prev_hash = row["hash"]
        if rows:
            await audit_store.sequence(tx, rows)
        return len(rows)

    # -- the lease -----------------------------------------------------------------------------------

    async def acquire(self, now: datetime | None = None) -> bool:
        """Takes or renews the lease; False while another live holder has it. `now` is for tests
        (a holder that stopped renewing is a holder whose lease is in the past)."""
        moment = now or datetime.now(UTC)
        self.holding = await self._db.write(
            lambda tx: audit_store.acquire_lease(tx, self.holder, moment, moment + self._lease)
        )
        return self.holding

    async def release(self) -> None:
        self.holding = False
        await self._db.write(lambda tx: audit_store.release_lease(tx, self.holder, datetime.now(UTC)))

    # -- the loop ------------------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="audit-sequencer")

    async def stop(self, release: bool = True) -> None:
        """Stops the loop after its current pass. `release=False` leaves the lease to expire, as a
        crashed holder would (tests of the takeover)."""
        if self._task is None:
            return
        self._stopping.set()
        await self._task
        self._task = None
        if release and self.holding:
            try:
                await self.release()
            except ProvgraphError as error:
                log.warning("audit sequencer %s could not release its lease: %s", self.holder, error.message)

    async def _run(self) -> None:
        renew_every = self._lease.total_seconds() / 3
        renewed_at = float("-inf")
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            try:
                if loop.time() - renewed_at >= renew_every:
                    await self.acquire()
                    renewed_at = loop.time()
                if self.holding:
                    if await self._db.read(audit_store.any_pending):
                        await self.sequence_pending()
                    if self._after_pass is not None:
                        await self._after_pass()
            except (ProvgraphError, Neo4jError) as error:  # the database is down or a pass conflicted: retry
                self.holding = False
                renewed_at = float("-inf")
                log.warning("audit sequencer %s: %s", self.holder, getattr(error, "message", error))
            try:
                await asyncio.wait_for(self._stopping.wait(), self._interval)
            except TimeoutError:
                pass
