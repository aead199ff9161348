"""The console's session cookie: its name, reading it, and the Set-Cookie headers that set and clear it.

HttpOnly (no script reads it), SameSite=Strict (no other site's page makes the browser send it),
Path=/, and Secure whenever the request came over https.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import Scope

SESSION_COOKIE = "provgraph_session"


def session_id_from(headers: Headers) -> str | None:
    value = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "").strip()
    return value or None


def session_cookie(session_id: str, max_age: int, scope: Scope) -> tuple[bytes, bytes]:
    return _set_cookie(f"{SESSION_COOKIE}={session_id}; Max-Age={max_age}", scope)


def cleared_session_cookie(scope: Scope) -> tuple[bytes, bytes]:
    return _set_cookie(f"{SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT", scope)


def _set_cookie(value: str, scope: Scope) -> tuple[bytes, bytes]:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return b"set-cookie", f"{value}; HttpOnly; SameSite=Strict; Path=/{secure}".encode("latin-1")
