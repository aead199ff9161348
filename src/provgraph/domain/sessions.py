"""Console sessions: how long one lives, and what signing in gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .principals import Principal

# last-seen is written at most this often per session: a request does not cost a write, and the idle
# timeout is exact to within this much.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionLifetime:
    """Absolute lifetime from sign-in, and the longest a session may sit unused."""

    ttl: timedelta = timedelta(hours=8)
    idle: timedelta = timedelta(minutes=30)

    @classmethod
    def of_seconds(cls, ttl: int, idle: int) -> "SessionLifetime":
        return cls(ttl=timedelta(seconds=ttl), idle=timedelta(seconds=idle))


@dataclass(frozen=True)
class SignedIn:
    """A new session: the opaque id goes into the cookie and nowhere else."""

    principal: Principal
    expires_at: datetime
    session_id: str = field(repr=False)


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    expires_at: datetime
