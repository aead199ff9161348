"""Per-role browser sessions for a console test module (import both fixtures): one sign-in per role for
the module; `browser_as(role)` hands a test that role's browser and, after the test, fails it on anything
the browser saw that it should not have (the recorder's check).

The module defines a module-scoped fixture `graph` that builds its graph: it runs before any sign-in,
since building a graph wipes the store (principals included)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .browser import Console, Session


@pytest.fixture(scope="module")
def sessions(console: Console, graph: object) -> Iterator[Callable[[str], Session]]:
    opened: dict[str, Session] = {}

    def signed_in(role: str) -> Session:
        if role not in opened:
            opened[role] = console.signed_in(role)
        return opened[role]

    yield signed_in
    for session in opened.values():
        session.close()


@pytest.fixture
def browser_as(sessions: Callable[[str], Session]) -> Iterator[Callable[[str], Session]]:
    used: list[Session] = []

    def get(role: str) -> Session:
        session = sessions(role)
        session.recorder.reset()
        used.append(session)
        return session

    yield get
    for session in used:
        session.recorder.check()
