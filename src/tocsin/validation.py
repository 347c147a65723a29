"""Turn pydantic validation errors into Tocsin's :class:`~tocsin.errors.InputError` messages.

Every problem names its path in the document (``stages[0].isp_s``), the value and what was
expected; unknown keys are errors.
"""

from __future__ import annotations

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


def validate_document(model: type[M], data: Any, source: str, prefix: str = "") -> M:
    """Validate ``data`` into ``model``; :class:`InvalidDocumentError` lists every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"]
                        if not (isinstance(p, str) and p.startswith("function-")))
            msg = err["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
            expected = _EXPECTED.get(err["type"], msg)
            value = err.get("input") if err["type"] != "missing" else None
            problems.append(InputError(format_loc(loc, prefix), value, expected))
        raise InvalidDocumentError(source, problems) from None
