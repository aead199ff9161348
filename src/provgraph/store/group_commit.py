"""Group commit: many small writes from concurrent requests, one transaction.

A request hands its items to `commit` and awaits: the first waits `delay` seconds for company, then every
item queued so far is written by one call of `write_batch` in one write transaction, and each waiting
request resumes once that transaction has committed (or fails with its error). While a batch is being
written the next one gathers, so under load a transaction carries everything that arrived during the
previous one and the number of transactions stays flat as concurrency grows.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from .database import Database, Tx

T = TypeVar("T")


class GroupCommitter(Generic[T]):
    def __init__(
        self,
        db: Database,
        write_batch: Callable[[Tx, list[T]], Awaitable[None]],
        *,
        delay: float = 0.002,
        max_batch: int = 5_000,
    ) -> None:
        self._db = db
        self._write_batch = write_batch
        self._delay = delay
        self._max_batch = max_batch
        self._queue: deque[tuple[Sequence[T], asyncio.Future[None]]] = deque()
        self._writer: asyncio.Task[None] | None = None

    async def commit(self, items: Sequence[T]) -> None:
        """Returns once `items` are durable."""
        if not items:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((items, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued(), name="audit-group-commit")
        await asyncio.shield(done)  # a cancelled request must not cancel the others' batch

    async def flush(self) -> None:
        """Waits until everything queued so far is written (shutdown, tests)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write_queued(self) -> None:
        await asyncio.sleep(self._delay)
        while self._queue:
            batch, size = [], 0
            while self._queue and (not batch or size + len(self._queue[0][0]) <= self._max_batch):
                items, done = self._queue.popleft()
                batch.append((items, done))
                size += len(items)
            rows = [item for items, _ in batch for item in items]
            try:
                await self._db.write(lambda tx: self._write_batch(tx, rows))
            except Exception as error:  # every waiter of this batch fails with it; later ones still run
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            except BaseException:  # cancelled (the loop is closing): nobody is told the items are durable
                for _, done in [*batch, *self._queue]:
                    done.cancel()
                raise
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
