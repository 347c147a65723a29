"""One exception hierarchy for Tocsin.

::

    TocsinError                  every error Tocsin raises on purpose
    ├── InputError (ValueError)  bad input from outside: names the field, the value, what was
    │   │                        expected (and a hint)
    │   ├── UnknownNameError     a vehicle, sensor or partner name that is not defined
    │   ├── OutOfReachError      a target beyond the vehicle's range (states the maximum)
    │   └── InvalidDocumentError a file with one or more problems, each an InputError
    ├── TargetingError           the targeting solver found no trajectory within tolerance
    ├── TrackingError            a tracker's solver failed (an assignment problem with no
    │                            solution); names the solver and its message
    └── OutputError              an output (file, standard output) could not be written; names
                                 it and the system's reason

Every error raised because of input from outside (a scenario file, a CLI argument, a message from a
partner, a sensor report) is an :class:`InputError`. Library code raises nothing else on purpose:
no ``assert``, no bare ``ValueError``/``KeyError``/``RuntimeError`` (pydantic validators raise
``ValueError`` inside the schema, which the loader turns into ``InvalidDocumentError``). The CLI
turns any :class:`TocsinError` into one line on stderr and exit code 2; anything else is a bug.
"""

from __future__ import annotations

import reprlib
from typing import Any

__all__ = [
    "TocsinError",
    "InputError",
    "UnknownNameError",
    "OutOfReachError",
    "TargetingError",
    "InvalidDocumentError",
    "OutputError",
    "TrackingError",
]


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxtuple = _REPR.maxlist = _REPR.maxarray = _REPR.maxdict = 6
_REPR.maxset = _REPR.maxfrozenset = _REPR.maxdeque = 6
_REPR.maxstring, _REPR.maxlong, _REPR.maxother = 120, 60, 120


def _fmt(value: Any) -> str:
    """The value as written, quoted; bounded in size whatever it is (a string of 10⁶
    characters, a list aliased 10⁹ times) and with control characters escaped."""
    if isinstance(value, str):
        text = repr(value if len(value) <= 120 else value[:117] + "...")
    else:
        text = _REPR.repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


class TocsinError(Exception):
    """Base class of every error Tocsin raises on purpose."""


class InputError(TocsinError, ValueError):
    """Bad input from outside: names the field, the value and what was expected."""

    def __init__(self, field: str, value: Any, expected: str, hint: str | None = None) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        self.hint = hint
        message = f"{field}: got {_fmt(value)}, expected {expected}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable: errors cross process boundaries
        return (InputError, (self.field, self.value, self.expected, self.hint))


class UnknownNameError(InputError):
    """A name (vehicle, sensor, partner) that is not defined; lists the ones that are."""

    def __init__(self, field: str, value: Any, known: list[str] | tuple[str, ...]) -> None:
        self.known = tuple(sorted(known))
        super().__init__(field, value, "one of " + ", ".join(self.known))

    def __reduce__(self) -> tuple[Any, ...]:
        return (UnknownNameError, (self.field, self.value, self.known))


class OutOfReachError(InputError):
    """A target the vehicle cannot reach; states the maximum range from that launch point."""

    def __init__(self, field: str, value: Any, range_m: float, max_range_m: float,
                 vehicle: str) -> None:
        self.range_m = range_m
        self.max_range_m = max_range_m
        self.vehicle = vehicle
        super().__init__(
            field,
            value,
            f"a target within the maximum range of vehicle {vehicle!r} from this launch point "
            f"in this direction, {max_range_m / 1e3:,.0f} km",
            hint=f"the target is {range_m / 1e3:,.0f} km away",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (OutOfReachError, (self.field, self.value, self.range_m, self.max_range_m,
                                  self.vehicle))


class TargetingError(TocsinError):
    """The targeting solver could not find a trajectory meeting its tolerance."""


class InvalidDocumentError(InputError):
    """A file (scenario, vehicle table) with one or more problems, each an :class:`InputError`."""

    def __init__(self, source: str, problems: list[InputError]) -> None:
        self.source = source
        self.problems = tuple(problems)
        first = problems[0]
        super().__init__(first.field, first.value, first.expected, first.hint)
        lines = [f"{source}: {len(problems)} problem(s)"] + [f"  {p}" for p in problems]
        self.args = ("\n".join(lines),)

    def __reduce__(self) -> tuple[Any, ...]:
        return (InvalidDocumentError, (self.source, list(self.problems)))


class TrackingError(TocsinError):
    """A tracker's numerical step failed (e.g. the S-D assignment had no solution)."""


class OutputError(TocsinError):
    """An output could not be written (full disk, closed pipe, no permission)."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: could not be written ({reason})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (OutputError, (self.target, self.reason))
