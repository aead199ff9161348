"""Signed-in browser sessions for a console test module (import both fixtures, `sessions` and
`browser_as`): one sign-in per role, or per principal's token, for the whole module;
`browser_as("viewer")` or `browser_as(token=t)` hands a test that browser and, after the test, fails it
on anything the browser saw that it should not have (the recorder's check).

`browser_as(role)` signs in as the role's console principal (`<role>-console`; the bootstrap admin for
"admin"); `browser_as(token=...)` as the principal the token belongs to, for a test about a named one.

The module defines a module-scoped fixture `graph` that builds its graph: it runs before any sign-in,
since building a graph wipes the store (principals included)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pytest

from .browser import Console, Session


class BrowserAs(Protocol):
    def __call__(self, role: str | None = None, *, token: str | None = None) -> Session: ...


class _Sessions:
    """The module's signed-in browsers, each opened the first time it is asked for."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._opened: dict[tuple[str, str], Session] = {}

    def __call__(self, role: str | None = None, *, token: str | None = None) -> Session:
        if (role is None) == (token is None):
            raise TypeError("browser_as: give a role or a token, exactly one")
        key = ("role", role) if role is not None else ("token", token)
        if key not in self._opened:
            self._opened[key] = self._console.signed_in(role) if role is not None else self._with(token)
        return self._opened[key]

    def _with(self, token: str) -> Session:
        session = self._console.new_session()
        session.sign_in(token)
        session.recorder.check()
        return session

    def close(self) -> None:
        for session in self._opened.values():
            session.close()


@pytest.fixture(scope="module")
def sessions(console: Console, graph: object) -> Iterator[BrowserAs]:
    opened = _Sessions(console)
    yield opened
    opened.close()


@pytest.fixture
def browser_as(sessions: BrowserAs) -> Iterator[BrowserAs]:
    used: list[Session] = []

    def get(role: str | None = None, *, token: str | None = None) -> Session:
        session = sessions(role, token=token)
        session.recorder.reset()
        used.append(session)
        return session

    yield get
    for session in used:
        session.recorder.check()
