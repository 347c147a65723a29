"""Turn pydantic validation errors into Tocsin's :class:`~tocsin.errors.InputError` messages.

Every problem names its path in the document (``stages[0].isp_s``), the value and what was
expected; unknown keys are errors.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from tocsin.errors import InputError, InvalidDocumentError

__all__ = ["format_loc", "validate_document"]

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "extra_forbidden": "no such key (unknown keys are errors)",
    "missing": "a value (the key is required)",
}


def format_loc(loc: tuple[Any, ...], prefix: str = "") -> str:
    """``('stages', 0, 'isp_s')`` → ``prefix.stages[0].isp_s``."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def _document_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """The error's path as it stands in the document: steps that are not keys of ``data`` —
    a tagged union's tag (``orbit.geo.lon_deg``), a validator's name — are dropped, except a
    missing key at the end."""
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif not last or (isinstance(part, str) and part.startswith("function-")):
            continue
        out.append(part)
    return tuple(out)


def _expected(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Input should be ")
    expected = _EXPECTED.get(err["type"], msg)
    value = err.get("input")
    if isinstance(value, float) and not math.isfinite(value) and "finite" not in expected:
        expected = f"a finite number ({expected})"
    return expected


def validate_document(model: type[M], data: Any, source: str, prefix: str = "") -> M:
    """Validate ``data`` into ``model``; :class:`InvalidDocumentError` lists every problem,
    each naming its path in the document and the value as written."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = _document_loc(tuple(err["loc"]), data)
            value = err.get("input") if err["type"] != "missing" else None
            problems.append(InputError(format_loc(loc, prefix), value, _expected(err)))
        raise InvalidDocumentError(source, problems) from None
