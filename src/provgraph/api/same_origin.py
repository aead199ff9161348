"""CSRF defence for cookie-authenticated requests: an unsafe method must come from the server's own
origin, as the browser states it in `Origin` (or, when a browser leaves that out, `Referer`).

The server's own origin is the request's scheme and its Host header (scheme://host[:port]); ports are
compared with the scheme's default filled in, so `http://h` and `http://h:80` are the same origin.
Bearer requests are not subject to this: a browser never attaches an Authorization header by itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import Scope

from ..domain.errors import Forbidden

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE = "cross-site request refused"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def check_same_origin(scope: Scope, headers: Headers) -> None:
    """Raises Forbidden unless the request states an origin that is the server's own."""
    stated = headers.get("origin") or _origin_of(headers.get("referer", ""))
    if not stated or _key(stated) is None or _key(stated) != _key(own_origin(scope, headers)):
        raise Forbidden(CROSS_SITE)


def own_origin(scope: Scope, headers: Headers) -> str:
    host = headers.get("host")
    if not host:
        server_host, port = scope.get("server") or ("", None)
        host = f"{server_host}:{port}" if port else server_host
    return f"{scope.get('scheme', 'http')}://{host}"


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _key(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port), or None for anything that is not an http(s) origin (e.g. `null`)."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]
