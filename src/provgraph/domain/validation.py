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
        first = exc.errors()[0]
        field = _field_path(where, tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        raise BadInput(f"{field}: {message}", field=field) from None
