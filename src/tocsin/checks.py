"""Input checks at the door, one helper per kind of value, each raising
:class:`~tocsin.errors.InputError` with the field, the value and what was expected.

Numbers must be real (``bool`` is not a number here) and finite unless said otherwise. One
longitude range holds everywhere input is taken — the CLI, the scenario schema, radars,
background sources, launch points: **[−180°, 360°]** (both the ±180° and the 0–360° east
conventions), i.e. [−π, 2π] in radians.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tocsin.errors import InputError

__all__ = ["LON_MIN_DEG", "LON_MAX_DEG", "LON_MIN_RAD", "LON_MAX_RAD", "parse_number",
           "check_number", "check_name", "check_lat_rad", "check_lon_rad", "check_vectors",
           "check_rows"]

LON_MIN_DEG: float = -180.0
LON_MAX_DEG: float = 360.0
LON_MIN_RAD: float = -math.pi
LON_MAX_RAD: float = 2.0 * math.pi


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_number(text: str, field: str, expected: str = "a number") -> float:
    """A decimal number written in ASCII (``41``, ``-0.5``, ``1e3``), finite; not ``nan``,
    ``inf``, ``41_0`` or other scripts' digits, which Python's ``float`` would take."""
    s = text.strip() if isinstance(text, str) else ""
    if not _NUMBER.fullmatch(s) or not math.isfinite(v := float(s)):
        raise InputError(field, text, expected)
    return v


def check_number(field: str, value: Any, lo: float = -math.inf, hi: float = math.inf, *,
                 lo_open: bool = False, hi_open: bool = False, allow_inf: bool = False,
                 expected: str = "") -> float:
    """``value`` as a float if it is a real number in the interval (+∞ only with
    ``allow_inf``); otherwise an :class:`InputError` naming ``field``."""
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    v = math.nan
    if ok:
        v = float(value)
        ok = ((math.isfinite(v) or (allow_inf and v == math.inf))
              and (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi))
    if not ok:
        if not expected:
            lb, rb = "(" if lo_open else "[", ")" if hi_open else "]"
            expected = f"a {'' if allow_inf else 'finite '}number in {lb}{lo:g}, {hi:g}{rb}"
        raise InputError(field, value, expected)
    return v


def check_name(field: str, value: Any) -> str:
    """A non-empty string (identifiers: sensor, partner, source ids)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, value, "a non-empty string")
    return value


def check_lat_rad(field: str, value: Any) -> float:
    """A geodetic latitude in [−π/2, π/2] rad."""
    return check_number(field, value, -math.pi / 2, math.pi / 2,
                        expected="a latitude in [-π/2, π/2] rad ([-90, 90]°)")


def check_lon_rad(field: str, value: Any) -> float:
    """A longitude in [−π, 2π] rad (module docstring)."""
    return check_number(field, value, LON_MIN_RAD, LON_MAX_RAD,
                        expected="a longitude in [-π, 2π] rad ([-180, 360]°)")


def check_vectors(field: str, value: Any, m: int) -> NDArray[np.float64]:
    """Finite ECEF vectors of shape (m, 3) as a float64 array."""
    a = np.asarray(value, np.float64)
    if a.shape != (m, 3) or not np.all(np.isfinite(a)):
        raise InputError(field, f"array of shape {a.shape}",
                         f"finite ECEF vectors of shape ({m}, 3)")
    return a


def check_rows(table: str, field: str, values: NDArray[Any], bad: NDArray[np.bool_],
               expected: str) -> None:
    """The columnar form: an :class:`InputError` naming the first bad row,
    ``table[k].field``, with its value (``bad`` is the rows' verdict, (n,) bool)."""
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(f"{table}[{k}].{field}", values[k].item(), expected)
