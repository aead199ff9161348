"""The fast DateTime codec (store/temporal_codec.py) against the driver's own functions, value for value,
and against a real Neo4j: what goes out and what comes back must be exactly what the driver would give."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from neo4j import GraphDatabase

from provgraph.store import temporal_codec

OFFSETS = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8)), None]
NAMED = [ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")]
# The driver's own functions are compared on fixed offsets and local times only: with a named zone they
# are wrong past 2037 (pytz has no later transitions) and now and then crash the interpreter at exit.


def sample_datetimes(count: int = 400, zones: list = OFFSETS) -> list[datetime]:
    rng = random.Random(13)
    moments = [datetime(1970, 1, 1), datetime(1969, 12, 31, 23, 59, 59, 999999), datetime(2026, 3, 29, 1, 30),
               datetime(2026, 10, 25, 2, 30), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)]
    moments += [datetime(1900, 1, 1) + timedelta(microseconds=rng.randrange(0, 200 * 365 * 86400 * 10**6)) for _ in range(count)]
    values = []
    for index, moment in enumerate(moments):
        zone = zones[index % len(zones)]
        if zone is not None and moment.year in (1, 9999):
            continue  # an aware extreme can leave datetime's range once moved to UTC
        values.append(moment if zone is None else moment.replace(tzinfo=zone))
    return values


def fields(structure: object) -> tuple:
    return (structure.tag, tuple(structure.fields))  # type: ignore[attr-defined]


def test_parameters_are_sent_exactly_as_the_driver_sends_them() -> None:
    for value in sample_datetimes():
        assert fields(temporal_codec.dehydrate_datetime(value)) == fields(temporal_codec._STOCK_DEHYDRATE(value)), value


def test_values_read_back_equal_the_drivers_own_to_the_microsecond() -> None:
    for value in sample_datetimes():
        tag, args = fields(temporal_codec._STOCK_DEHYDRATE(value))
        ours = temporal_codec.hydrate_datetime(*args)
        theirs = temporal_codec._STOCK_HYDRATE(*args).to_native()
        assert ours == theirs and ours.utcoffset() == theirs.utcoffset(), (value, ours, theirs)
        assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)  # the same wall clock, not only the instant


def test_named_zones_are_sent_as_their_utc_instant_and_read_back_in_their_zone() -> None:
    for value in sample_datetimes(200, NAMED):
        structure = temporal_codec.dehydrate_datetime(value)
        instant = value - datetime(1970, 1, 1, tzinfo=UTC)
        assert fields(structure) == (b"i", (instant.days * 86400 + instant.seconds, instant.microseconds * 1000, value.tzinfo.key))
        back = temporal_codec.hydrate_datetime(*structure.fields)
        assert back == value and back.utcoffset() == value.utcoffset() and back.replace(tzinfo=None) == value.replace(tzinfo=None)


def test_nanoseconds_are_truncated_as_the_driver_truncates() -> None:
    for nanoseconds in (0, 999, 1_000, 123_456_789, 999_999_999):
        ours = temporal_codec.hydrate_datetime(1_700_000_000, nanoseconds, 0)
        assert ours == temporal_codec._STOCK_HYDRATE(1_700_000_000, nanoseconds, 0).to_native()


def test_the_installed_codec_round_trips_through_neo4j(neo4j_uri: str) -> None:
    temporal_codec.install()
    values = sample_datetimes(60) + sample_datetimes(30, NAMED)
    with GraphDatabase.driver(neo4j_uri) as driver, driver.session() as session:  # new connections: the codec
        rows = session.run(
            "UNWIND $values AS v RETURN v, [v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond] AS clock,"
            " CASE WHEN v IS :: ZONED DATETIME THEN v.offsetSeconds END AS offset", values=values).data()
    for value, row in zip(values, rows, strict=True):
        # Neo4j's own reading of what was sent: the same wall clock and offset
        assert row["clock"] == [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond]
        offset = value.utcoffset()
        assert row["offset"] == (None if offset is None else int(offset.total_seconds()))
        # and what comes back is the value itself, as a datetime
        assert type(row["v"]) is datetime and row["v"] == value and row["v"].utcoffset() == offset


@pytest.mark.parametrize("offset", [timedelta(seconds=30), timedelta(hours=1, microseconds=5)])
def test_an_offset_bolt_cannot_carry_is_refused_as_the_driver_refuses_it(offset: timedelta) -> None:
    value = datetime(2026, 1, 1, tzinfo=timezone(offset))
    try:
        expected = fields(temporal_codec._STOCK_DEHYDRATE(value))
    except ValueError:
        with pytest.raises(ValueError):
            temporal_codec.dehydrate_datetime(value)
    else:
        assert fields(temporal_codec.dehydrate_datetime(value)) == expected
