"""Turns pydantic validation failures into BAD_INPUT errors that name the offending field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import BadInput

M = TypeVar("M", bound=BaseModel)

_CAMEL = {"qualified_name": "qualifiedName", "removed_at": "removedAt"}


def _field_path(where: str, loc: tuple[Any, ...]) -> str:
    path = where
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + _CAMEL.get(str(part), str(part))
    return path


def parse(model: type[M], data: dict[str, Any], where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _bad_input(exc, where) from None


def parse_json(model: type[M], body: bytes, where: str) -> M:
    """Like parse, from JSON text: decoded and validated in one pass (pydantic-core), which for a body of
    thousands of small objects costs a fraction of json.loads followed by validation."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise BadInput(f"{where}: the body is not JSON ({first['msg']})", field=where) from None
        if not first["loc"] and first["type"] in ("model_type", "model_attributes_type", "dict_type"):
            raise BadInput(f"{where}: the body must be a JSON object", field=where) from None
        raise _bad_input(exc, "") from None


def _bad_input(exc: ValidationError, where: str) -> BadInput:
    first = exc.errors()[0]
    field = _field_path(where, tuple(first["loc"]))
    message = first["msg"].removeprefix("Value error, ")
    return BadInput(f"{field}: {message}", field=field)
