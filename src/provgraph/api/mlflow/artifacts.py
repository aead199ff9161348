"""MLflow's artifact store (`/api/2.0/mlflow-artifacts/artifacts/<path>`): PUT, GET and list, over a
local directory (Settings.artifacts_dir: PROVGRAPH_ARTIFACT_ROOT, default <PROVGRAPH_DATA_DIR>/artifacts).

Paths are `<experiment id>/<run id>/artifacts/...` (what runs' artifact_uri names) or `<experiment
id>/models/<model id>/artifacts/...` (logged models). Authorization comes first (services/artifacts.py:
write on the run, or seeing it to read), then the body streams to a temporary file, counted against
PROVGRAPH_ARTIFACT_MAX_BYTES while it arrives and hashed on the way; the file becomes an ARTIFACT
entity (size, SHA-256) PRODUCED by its run, and only then takes its place. A path with `..`, an
absolute or empty segment is INVALID_PARAMETER_VALUE.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path, PurePosixPath

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from ...domain.errors import BadInput, LimitExceeded, NotFound, ProvgraphError
from .errors import mlflow_error

INCOMING = ".incoming"


def artifact_parts(raw: str, field: str = "path") -> list[str]:
    """The path's segments, or BAD_INPUT for anything that could leave the store."""
    if "\\" in raw or "\x00" in raw or raw.startswith("/"):
        raise BadInput(f"{field}: {raw!r} is not a relative artifact path", field=field)
    parts = PurePosixPath(raw).parts
    if not parts or any(p in ("", ".", "..") for p in raw.split("/")) or parts[0] == INCOMING:
        raise BadInput(f"{field}: {raw!r} is not a valid artifact path (no '..', '.' or empty segments)", field=field)
    return list(parts)


def _store(request: Request) -> Path:
    return request.app.state.artifacts_dir


async def upload_artifact(request: Request) -> Response:
    try:
        return await _upload(request)
    except ProvgraphError as error:
        return mlflow_error(error)


async def _upload(request: Request) -> Response:
    services, principal = request.app.state.services, request.state.principal
    path = request.path_params["path"]
    parts = artifact_parts(path)
    owner = await services.artifacts.owner(principal, parts, write=True)
    root: Path = _store(request)
    limit: int = request.app.state.artifact_max_bytes
    incoming = root / INCOMING
    await anyio.to_thread.run_sync(lambda: incoming.mkdir(parents=True, exist_ok=True))
    temporary = incoming / uuid.uuid4().hex
    digest, size = hashlib.sha256(), 0
    try:
        async with await anyio.open_file(temporary, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise LimitExceeded(f"body: the artifact is over {limit} bytes (PROVGRAPH_ARTIFACT_MAX_BYTES)", field="body")
                digest.update(chunk)
                await out.write(chunk)
        await services.artifacts.record_file(principal, owner, path, size, digest.hexdigest())
        target = root.joinpath(*parts)
        await anyio.to_thread.run_sync(lambda: (target.parent.mkdir(parents=True, exist_ok=True), os.replace(temporary, target)))
    finally:
        if temporary.exists():
            await anyio.to_thread.run_sync(temporary.unlink)
    return JSONResponse({})


async def download_artifact(request: Request) -> Response:
    try:
        services, principal = request.app.state.services, request.state.principal
        parts = artifact_parts(request.path_params["path"])
        await services.artifacts.owner(principal, parts, write=False)
        target = _store(request).joinpath(*parts)
        if not await anyio.to_thread.run_sync(target.is_file):
            raise NotFound(f"path: no artifact at {request.path_params['path']!r}", field="path")
    except ProvgraphError as error:
        return mlflow_error(error)
    return FileResponse(target, media_type="application/octet-stream")


async def list_artifacts(request: Request) -> Response:
    try:
        services, principal = request.app.state.services, request.state.principal
        raw = request.query_params.get("path", "").strip("/")
        parts = artifact_parts(raw)
        await services.artifacts.owner(principal, parts, write=False)
        directory = _store(request).joinpath(*parts)
        files = await anyio.to_thread.run_sync(_listing, directory)
    except ProvgraphError as error:
        return mlflow_error(error)
    return JSONResponse({"files": files})


def _listing(directory: Path) -> list[dict]:
    if directory.is_file():
        return [{"path": directory.name, "is_dir": False, "file_size": directory.stat().st_size}]
    if not directory.is_dir():
        return []
    entries = []
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            entries.append({"path": entry.name, "is_dir": True})
        else:
            entries.append({"path": entry.name, "is_dir": False, "file_size": entry.stat().st_size})
    return entries
