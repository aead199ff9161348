"""Failed authentication, counted in memory: no write and no lock per failure (issue 13).

Failures are counted per (principal named, reason, client address) within a window that opens at a
client's first failure and closes `window` seconds later; each closed window becomes ONE summary audit
event (`login`, `deny`, with how many failures and how many were refused with 429). Once a client has
failed `threshold` times in its window, its requests are refused (429 with Retry-After until the window
closes) before any token lookup, unless they carry a token this process accepted recently: a user behind
the same address as an attacker keeps working, a guesser does not. Lookups still in flight for tokens
not known good count towards the threshold, so 200 simultaneous guesses cost at most `threshold` reads. The counts are per process; behind a
load balancer each replica counts what it sees.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..domain.audit import DENY, AuditRecord
from ..domain.errors import TooManyFailures

MAX_CLIENTS = 100_000  # open windows kept; past it the oldest close early (their summaries are still written)
MAX_KNOWN_TOKENS = 10_000


@dataclass
class _Window:
    opened: float  # monotonic
    opened_at: datetime
    request_id: str  # the first failure's, so the summary points at one real request
    failures: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (action, principal, reason) -> count
    refused: int = 0

    @property
    def total(self) -> int:
        return sum(self.failures.values())


@dataclass(frozen=True)
class Admission:
    retry_after: int | None  # None: go on
    counted: bool  # a lookup in flight for this client, until `checked`


class FailedLogins:
    def __init__(self, window: float = 60.0, threshold: int = 20, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.threshold = threshold
        self._clock = clock
        self._windows: OrderedDict[str, _Window] = OrderedDict()  # client -> its open window, oldest first
        self._closed: list[AuditRecord] = []
        self._known_tokens: OrderedDict[str, float] = OrderedDict()  # token hash -> accepted at (monotonic)
        self._checking: dict[str, int] = {}  # client -> lookups in flight for tokens not known good

    def reset(self) -> None:
        """Forgets every count and accepted token, writing nothing (tests start from a clean slate)."""
        self._windows.clear()
        self._closed.clear()
        self._known_tokens.clear()
        self._checking.clear()

    def admit(self, client: str, token_hash: str | None) -> "Admission":
        """Whether this request may have its token looked up. When `counted`, call `checked` once the
        lookup is over, whatever its outcome."""
        now = self._clock()
        self._close_expired(now)
        accepted = self._known_tokens.get(token_hash) if token_hash else None
        if accepted is not None and now - accepted < self.window:
            return Admission(None, counted=False)
        open_window = self._windows.get(client)
        failures = open_window.total if open_window else 0
        if failures + self._checking.get(client, 0) < self.threshold:
            self._checking[client] = self._checking.get(client, 0) + 1
            return Admission(None, counted=True)
        if open_window is None:  # only lookups in flight so far: they will open the window
            return Admission(max(1, int(self.window)), counted=False)
        open_window.refused += 1
        return Admission(max(1, int(open_window.opened + self.window - now + 0.999)), counted=False)

    def refusing(self, client: str) -> bool:
        """Whether `client` is at or past the threshold: a dict lookup, cheap enough to ask of every
        request before anything else is done with it (api/auth.py). True may be stale (a window that
        has just expired): `retry_after` has the last word."""
        open_window = self._windows.get(client)
        in_flight = self._checking.get(client, 0)
        if open_window is None and not in_flight:
            return False
        return (open_window.total if open_window else 0) + in_flight >= self.threshold

    def too_many(self, retry_after: int) -> TooManyFailures:
        return TooManyFailures(
            f"too many failed authentications from this client (over {self.threshold} in {self.window:g} s): "
            f"retry after {retry_after} s",
            retry_after,
        )

    def retry_after(self, client: str, token_hash: str | None) -> int | None:
        """Seconds until this client may try again, or None (for a request that is not looked up)."""
        admission = self.admit(client, token_hash)
        if admission.counted:
            self.checked(client)
        return admission.retry_after

    def checked(self, client: str) -> None:
        left = self._checking.get(client, 0) - 1
        if left > 0:
            self._checking[client] = left
        else:
            self._checking.pop(client, None)

    def failed(self, client: str, principal: str, reason: str, request_id: str, action: str = "login") -> None:
        """One failed authentication; `action` is what was tried ("login" for a bearer token, "sign-in")."""
        now = self._clock()
        self._close_expired(now)
        open_window = self._windows.get(client)
        if open_window is None:
            if len(self._windows) >= MAX_CLIENTS:
                self._close(*self._windows.popitem(last=False))
            open_window = self._windows[client] = _Window(now, datetime.now(UTC), request_id)
        key = (action, principal, reason)
        open_window.failures[key] = open_window.failures.get(key, 0) + 1

    def accepted(self, token_hash: str) -> None:
        self._known_tokens[token_hash] = self._clock()
        self._known_tokens.move_to_end(token_hash)
        while len(self._known_tokens) > MAX_KNOWN_TOKENS:
            self._known_tokens.popitem(last=False)

    def take_summaries(self, close_all: bool = False) -> list[AuditRecord]:
        """The summary events of every window closed so far (all of them on shutdown), oldest first."""
        self._close_expired(float("inf") if close_all else self._clock())
        summaries, self._closed = self._closed, []
        return summaries

    def _close_expired(self, now: float) -> None:
        while self._windows:
            client, oldest = next(iter(self._windows.items()))
            if now - oldest.opened < self.window:
                return
            del self._windows[client]
            self._close(client, oldest)

    def _close(self, client: str, closed: _Window) -> None:
        until = closed.opened_at + timedelta(seconds=self.window)
        for (action, principal, reason), count in closed.failures.items():
            self._closed.append(
                AuditRecord(
                    principal, action, DENY, reason, request_id=closed.request_id, client=client,
                    details={
                        "reason": reason,
                        "failures": count,
                        "refused": closed.refused,  # requests answered 429 in this window, any reason
                        "windowStart": closed.opened_at.isoformat(),
                        "windowEnd": until.isoformat(),
                    },
                )
            )
