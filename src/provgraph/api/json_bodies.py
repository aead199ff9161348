"""JSON request bodies decoded without stalling the event loop.

The stdlib's C decoder holds the GIL from the first byte to the last: 68 MB of small objects took 2.4 s
here, during which no other request is answered, and running it in a worker thread changes nothing (the
thread never lets go of the GIL). So a body over `OFF_LOOP_BYTES` is decoded in a worker thread by the
stdlib's pure-Python scanner, which runs Python bytecode between values and so hands the GIL back every
few milliseconds (`sys.getswitchinterval`): slower (about 8x), but the loop keeps answering meanwhile.
Each string is still scanned by the C `scanstring`, one string in one call (at most the body limit, at
~1 GB/s). A body under the threshold (1 MiB: a batch of a few thousand entities) decodes with the C
decoder on the loop in 10-25 ms, which is cheaper than the hop to a thread and keeps typical batches at
full speed.
"""

from __future__ import annotations

import json
from json.scanner import py_make_scanner
from typing import Any

import anyio.to_thread

OFF_LOOP_BYTES = 1024 * 1024


def loads(body: bytes | str) -> Any:
    """json.loads, raising json.JSONDecodeError for anything that is not JSON (bytes that are not
    UTF-8, nesting too deep to decode) so callers have one error to answer."""
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(f"not JSON ({type(exc).__name__})", "", 0) from None


def loads_yielding(body: bytes | str) -> Any:
    """Like `loads`, decoding values in Python so that other threads (the event loop) keep running."""
    decoder = json.JSONDecoder()
    decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass") if isinstance(body, bytes) else body
        return decoder.decode(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(f"not JSON ({type(exc).__name__})", "", 0) from None


async def decode(body: bytes) -> Any:
    """The body as JSON: off the event loop when it is large (module docstring); json.JSONDecodeError
    when it is not JSON."""
    if len(body) <= OFF_LOOP_BYTES:
        return loads(body)
    return await anyio.to_thread.run_sync(loads_yielding, body)
