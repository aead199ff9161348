"""Cursor pagination shared by every paginated query. Cursors are opaque offsets."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import BadInput, LimitExceeded

T = TypeVar("T")
MAX_PAGE = 100


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str | None, field: str = "after") -> int:
    """The offset after the given cursor (0 without one)."""
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value) + 1
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadInput(f"{field}: {cursor!r} is not a cursor returned by this API", field=field)


def check_page_size(first: int, field: str = "first", limit: int = MAX_PAGE) -> int:
    if first < 1:
        raise BadInput(f"{field}: must be at least 1, got {first}", field=field)
    if first > limit:
        raise LimitExceeded(f"{field}: at most {limit} per page, got {first}", field=field)
    return first


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    offset: int
    total: int

    def cursor(self, index: int) -> str:
        return encode_cursor(self.offset + index)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def cursors(self) -> list[str]:
        return [self.cursor(i) for i in range(len(self.items))]


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """A page of a newest-first list whose cursors are positions in the list itself (seq), so events
    appended while a reviewer pages through do not shift the pages."""

    items: list[T]
    cursors: list[str]
    total: int
    has_next: bool
    has_previous: bool
