"""Long Python loops on the request path, cut into slices that give the event loop back in between.

A batch of 10,000 items spends a few hundred milliseconds of plain Python in one loop or another
(validation, rows for Cypher, audit rows, hashing, results), and a loop that never awaits holds every
other request, `/healthz` included, until it ends. Issue 13 bounds that at ~100 ms; slices of
`SLICE` items take a few milliseconds each (bench/README.md, "the event loop under a 10,000-entity
upsert").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

SLICE = 500


async def map_in_slices(function: Callable[[T], R], items: Iterable[T], size: int = SLICE) -> list[R]:
    """[function(item) for item in items], letting other tasks run after every `size` items."""
    results: list[R] = []
    for index, item in enumerate(items):
        if index and index % size == 0:
            await asyncio.sleep(0)
        results.append(function(item))
    return results


async def pause_every(index: int, size: int = SLICE) -> None:
    """For a loop that builds as it goes: gives the event loop a turn on every `size`-th index."""
    if index and index % size == 0:
        await asyncio.sleep(0)


async def stream_mapped(function: Callable[[T], R], items: Iterable[T], size: int = SLICE) -> AsyncIterator[R]:
    """function(item) for each item, as an async iterator pausing every `size` items. A list field's
    resolver may return it: graphql-core completes an async iterable item by item, so the answer to a
    10,000-item mutation is built in slices too instead of in one pass over the whole list."""
    for index, item in enumerate(items):
        await pause_every(index, size)
        yield function(item)
