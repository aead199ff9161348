"""Relay-style connections: one generic Edge/Connection pair for every paginated list.

strawberry names a specialisation after its type argument, so `Connection[Entity]` is `EntityConnection`
and `Edge[Entity]` is `EntityEdge`: the names the schema has always had."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from ..domain.pages import KeysetPage, Page

T = TypeVar("T")  # the GraphQL node type
M = TypeVar("M")  # the domain item it is built from


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def connection(page: Page[M] | KeysetPage[M], node: Callable[[M], T]) -> Connection[T]:
    """The connection of a page, each item made a node by `node`."""
    edges = [Edge(cursor=c, node=node(item)) for c, item in zip(page.cursors, page.items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )
