"""A results document as JSON, piece by piece: the same bytes as pydantic's compact JSON of the
whole document, without ever holding all of them (`--json` writes them as they come).

Models are taken apart field by field; a list or mapping of models goes item by item, so the
largest piece is one tool's single finding, not the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

__all__ = ["json_chunks"]


def json_chunks(model: BaseModel) -> Iterator[bytes]:
    """The compact JSON of `model` in pieces; joined, they equal `model.model_dump_json()`."""
    serializer = model.__pydantic_serializer__
    yield b"{"
    for index, name in enumerate(type(model).model_fields):
        if index:
            yield b","
        value = getattr(model, name)
        if _holds_models(value):
            yield to_json(name) + b":"
            yield from _value_chunks(value)
        else:
            yield serializer.to_json(model, include={name})[1:-1]
    yield b"}"


def _holds_models(value: Any) -> bool:
    if isinstance(value, BaseModel):
        return True
    if isinstance(value, list):
        return bool(value) and isinstance(value[0], BaseModel)
    if isinstance(value, dict):
        return bool(value) and isinstance(next(iter(value.values())), BaseModel)
    return False


def _value_chunks(value: BaseModel | list[BaseModel] | dict[str, BaseModel]) -> Iterator[bytes]:
    if isinstance(value, BaseModel):
        yield from json_chunks(value)
    elif isinstance(value, list):
        yield b"["
        for index, item in enumerate(value):
            if index:
                yield b","
            yield from json_chunks(item)
        yield b"]"
    else:
        yield b"{"
        for index, (key, item) in enumerate(value.items()):
            if index:
                yield b","
            yield to_json(key) + b":"
            yield from json_chunks(item)
        yield b"}"
