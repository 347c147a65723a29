"""``tocsin fly``: the command's argument parsing; the report is :mod:`tocsin.flight.report`."""

from __future__ import annotations

from tocsin.checks import LON_MAX_DEG, LON_MIN_DEG, check_number, parse_number
from tocsin.errors import InputError
from tocsin.flight.report import FlyRequest, fly_report

__all__ = ["FlyRequest", "parse_point", "fly_report"]


def parse_point(text: str, field: str) -> tuple[float, float]:
    """``"LAT,LON"`` in degrees → (lat_deg, lon_deg), with an error naming ``field``.

    Each coordinate is an ASCII decimal number (:func:`tocsin.checks.parse_number`: not
    ``nan``, ``41_0`` or other scripts' digits); latitude in [−90, 90], longitude in
    [LON_MIN_DEG, LON_MAX_DEG] = [−180, 360] degrees (:mod:`tocsin.checks`).
    """
    expected = "LAT,LON in degrees, e.g. 40.5,-100.2"
    parts = str(text).split(",")
    if len(parts) != 2:
        raise InputError(field, text, expected)
    lat_expected = "a latitude in [-90, 90] degrees"
    lon_expected = f"a longitude in [{LON_MIN_DEG:g}, {LON_MAX_DEG:g}] degrees"
    lat = parse_number(parts[0], f"{field} latitude", lat_expected)
    lon = parse_number(parts[1], f"{field} longitude", lon_expected)
    check_number(f"{field} latitude", lat, -90.0, 90.0, expected=lat_expected)
    check_number(f"{field} longitude", lon, LON_MIN_DEG, LON_MAX_DEG, expected=lon_expected)
    return lat, lon
