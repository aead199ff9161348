"""How long a transaction is tried again, by why it failed.

The driver's own retry treats an unreachable database like a deadlock: both are retried for
`max_transaction_retry_time` counted from the end of the first attempt, and every attempt may take its
full connection timeout to fail, so a request could wait over twice the retry time to learn the database
is down. So the driver makes one attempt per call (Database.connect) and this policy decides:

- a transient error (a deadlock, a cluster changing leader) is retried for `transient_for` seconds;
- an unreachable database (ServiceUnavailable, SessionExpired) is retried only while another attempt,
  failing as slowly as it can (`attempt_timeout`, the driver's connection timeout), still ends within
  `unavailable_after` seconds of the start: the caller learns UNAVAILABLE within that bound (README).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    unavailable_after: float = 2.5
    attempt_timeout: float = 2.0
    transient_for: float = 3.0
    first_delay: float = 0.1
    max_delay: float = 1.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], Awaitable[object]] = field(default=asyncio.sleep, repr=False)

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        started = self.clock()
        delay = self.first_delay
        while True:
            try:
                return await attempt()
            except Exception as error:
                retry_by = self._last_retry_start(error)
                pause = delay * random.uniform(0.8, 1.2)
                if retry_by is None or self.clock() - started + pause > retry_by:
                    raise
            await self.sleep(pause)
            delay = min(2 * delay, self.max_delay)

    def _last_retry_start(self, error: Exception) -> float | None:
        """Seconds after the start by which a retry must begin, or None when `error` is not retried."""
        if isinstance(error, (ServiceUnavailable, SessionExpired)):
            return self.unavailable_after - self.attempt_timeout
        if isinstance(error, Neo4jError) and error.is_retryable():
            return self.transient_for
        return None
