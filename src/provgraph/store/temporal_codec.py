"""DateTime values to and from Bolt without the driver's pure-Python `neo4j.time` detour.

The driver turns every Bolt DateTime into a `neo4j.time.DateTime` through pure-Python calendar
arithmetic (~60 µs each on a 2-core machine), and `store.database.native` then turns that into a
`datetime`. A 10,000-entity upsert answers 20,000 timestamps and the sequencer reads 10,000 more, so
that detour alone held the event loop for 1.7 s; parameters go the same slow way out (pytz, then
`neo4j.time`), 0.5 s for a batch's 10,000 audit times. `install` swaps in the two functions below,
which build and take `datetime` directly (C arithmetic, ~1 µs), for the Bolt 5 and 6 handlers alike.

What changes: a DateTime read arrives as a `datetime` (what `native` made of it anyway), truncated
to microseconds as `neo4j.time.DateTime.to_native` truncates. What is sent is unchanged, Structure for
Structure (tests/test_temporal_codec.py holds both functions to the driver's on many values, and
fails if a driver upgrade moves them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from neo4j._codec.hydration.bolt.v2 import temporal as _driver_temporal  # the functions both handlers read
from neo4j._codec.packstream import Structure

_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_STOCK_HYDRATE = _driver_temporal.hydrate_datetime
_STOCK_DEHYDRATE = _driver_temporal.dehydrate_datetime


@lru_cache(maxsize=256)
def _offset_zone(seconds: int) -> tzinfo:
    return UTC if seconds == 0 else timezone(timedelta(seconds=seconds))


@lru_cache(maxsize=256)
def _named_zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def hydrate_datetime(seconds: int, nanoseconds: int, tz: int | str | None = None) -> datetime:
    """A Bolt 5 DateTime (UTC seconds since the epoch, nanoseconds, and an offset in seconds or a zone
    name; none for a LocalDateTime) as a `datetime`."""
    delta = timedelta(seconds=seconds, microseconds=nanoseconds // 1000)
    if tz is None:
        return _EPOCH_NAIVE + delta
    zone = _offset_zone(tz) if isinstance(tz, int) else _named_zone(tz)
    return (_EPOCH_UTC + delta).astimezone(zone)


def dehydrate_datetime(value: Any) -> Structure:
    """A `datetime` parameter as the driver sends it; anything else (a `neo4j.time.DateTime`, a pytz
    zone) goes the driver's own way."""
    if type(value) is not datetime:
        return _STOCK_DEHYDRATE(value)
    zone = value.tzinfo
    if zone is None:
        delta = value - _EPOCH_NAIVE
        return Structure(b"d", delta.days * 86400 + delta.seconds, delta.microseconds * 1000)
    key = getattr(zone, "key", None)
    if not (zone is UTC or isinstance(zone, timezone) or isinstance(key, str)):
        return _STOCK_DEHYDRATE(value)  # pytz and other third-party zones
    delta = value - _EPOCH_UTC
    seconds, nanoseconds = delta.days * 86400 + delta.seconds, delta.microseconds * 1000
    if isinstance(key, str):
        return Structure(b"i", seconds, nanoseconds, key)
    offset = value.utcoffset()
    if offset is None or offset.microseconds or offset.seconds % 60:
        return _STOCK_DEHYDRATE(value)  # the driver's own error for offsets that are not whole minutes
    return Structure(b"I", seconds, nanoseconds, offset.days * 86400 + offset.seconds)


def install() -> None:
    """Makes every Bolt connection opened from now on use these two (idempotent). Both of the driver's
    Bolt 5 and 6 hydration handlers read them from this module when a connection is made."""
    _driver_temporal.hydrate_datetime = hydrate_datetime
    _driver_temporal.dehydrate_datetime = dehydrate_datetime
