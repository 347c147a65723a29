"""Time and the pseudo-inertial frame: Julian dates, Earth rotation angle, ECEF ↔ ECI.

**What "ECI" means in Tocsin.** ``r_eci_m`` is ECEF (the WGS-84/ITRS-aligned Earth-fixed frame)
rotated about the z axis by the Earth Rotation Angle (ERA) of IERS Conventions (2010), eq. 5.15,
evaluated with UT1 ≈ UTC:

    r_eci_m = R3(-ERA(t)) r_ecef_m,        v_eci_m_s = R3(-ERA(t)) v_ecef_m_s + ω × r_eci_m,

with ω = (0, 0, dERA/dt) = ``ERA_RATE_RAD_S``. This is, to the precision stated below, the
Celestial Intermediate Reference System (CIRS) of date.

Included: the Earth's rotation (ERA, so sidereal rotation at the exact IERS rate).

Neglected, and what it costs against the GCRS (J2000-like) or TEME frames:

- precession-nutation of the pole: the CIRS pole drifts from the GCRS pole by about 20″ a year
  since J2000.0 (CIP X ≈ 2004″ per Julian century, IERS Conventions 2010 ch. 5) plus up to ~20″
  of nutation, i.e. about 8-9 arc-minutes around 2025;
- the equinox: TEME's x axis is rotated from this frame's x axis by GMST − ERA, about 46″ a year
  since J2000.0 (≈ 19 arc-minutes around 2025);
- polar motion (≲ 0.5″, ~15 m at the surface) and UT1 − UTC (< 0.9 s, ≲ 14″ of rotation).

So orientations agree with GCRS/TEME only at the arc-second-to-arc-minute level (tens of
arc-minutes for TEME). The frame is nevertheless inertial to ~1e-12 rad/s (precession rate), so
dynamics integrated in it are correct; the neglected terms matter only when exchanging inertial
vectors with external sources (star catalogues, SGP4 TEME output), which must be converted
through ECEF.

Time: ``t_s`` is elapsed SI seconds since the frame's epoch (UTC); leap seconds inside an
interval are not modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.errors import InputError

__all__ = [
    "JD_J2000",
    "ERA_RATE_RAD_S",
    "earth_rotation_angle_rad",
    "epoch_from_iso",
    "gmst82_rad",
    "julian_date",
    "julian_date_parts",
    "rotation_matrix_ecef_to_eci",
    "EarthFrame",
]

Array = NDArray[np.float64]

JD_J2000: float = 2451545.0
"""Julian date of J2000.0 (2000-01-01 12:00 TT; used here on the UT1 scale as in eq. 5.15)."""

_ERA0_REV = 0.7790572732640
_ERA_RATE_REV_PER_DAY = 1.00273781191135448
_ERA_RATE_EXCESS = 0.00273781191135448  # exact literal; 1.00273781191135448 - 1 loses digits
ERA_RATE_RAD_S: float = 2.0 * math.pi * _ERA_RATE_REV_PER_DAY / 86400.0
"""dERA/dt, rad/s (7.292115146706979e-5; WGS-84's nominal OMEGA_EARTH_RAD_S is 7.292115e-5)."""

_UNIX_EPOCH_JD = 2440587.5  # 1970-01-01T00:00:00 UTC


def earth_rotation_angle_rad(jd_ut1: ArrayLike, jd_ut1_frac: ArrayLike = 0.0) -> Array:
    """Earth Rotation Angle, radians in [0, 2π) (IERS Conventions 2010, eq. 5.15).

    ERA = 2π (0.7790572732640 + 1.00273781191135448 Tu), Tu = JD(UT1) − 2451545.0.

    Args:
        jd_ut1: Julian date on the UT1 scale (days); may carry the whole date.
        jd_ut1_frac: optional second part of a two-part date (``jd_ut1 + jd_ut1_frac``), days,
            to keep full precision (as SOFA ``iauEra00``).
    """
    d1, d2 = np.asarray(jd_ut1, dtype=np.float64), np.asarray(jd_ut1_frac, dtype=np.float64)
    tu = (d1 - JD_J2000) + d2
    # Fraction of a day first, then the small rate excess, as in SOFA iauEra00.
    frac = np.mod(d1, 1.0) + np.mod(d2, 1.0)
    rev = np.mod(frac + _ERA0_REV + _ERA_RATE_EXCESS * tu, 1.0)
    era = 2.0 * np.pi * rev
    return np.where(era >= 2.0 * np.pi, 0.0, era)


def gmst82_rad(jd_ut1: ArrayLike, jd_ut1_frac: ArrayLike = 0.0) -> Array:
    """Greenwich Mean Sidereal Time, IAU-82 model, radians in [0, 2π).

    θ = 67310.54841 s + (876600 h + 8640184.812866 s) T + 0.093104 s T² − 6.2e−6 s T³, with
    T = (JD(UT1) − 2451545.0) / 36525 (D. A. Vallado, *Fundamentals of Astrodynamics and
    Applications*, 4th ed. (2013), eq. 3-45; Vallado et al., "Revisiting Spacetrack Report #3",
    AIAA 2006-6753, App. C). This is the angle between SGP4's TEME frame and the pseudo-Earth-fixed
    frame (TEME → ECEF ignoring polar motion: ``r_ecef_m = R3(θ) r_teme``).

    Args:
        jd_ut1: Julian date on the UT1 scale (days); may carry the whole date.
        jd_ut1_frac: optional second part of a two-part date, days (as in
            ``earth_rotation_angle_rad``).
    """
    d1, d2 = np.asarray(jd_ut1, dtype=np.float64), np.asarray(jd_ut1_frac, dtype=np.float64)
    t = ((d1 - JD_J2000) + d2) / 36525.0
    # 876600 h × T = 86400 s × (JD − J2000): whole turns per day, so only the day fraction counts.
    frac = np.mod(d1, 1.0) + np.mod(d2, 1.0)
    sec = 67310.54841 + (8640184.812866 + (0.093104 - 6.2e-6 * t) * t) * t
    rev = np.mod(frac + sec / 86400.0, 1.0)
    theta = 2.0 * np.pi * rev
    return np.where(theta >= 2.0 * np.pi, 0.0, theta)


def _as_utc(dt: datetime, field: str) -> datetime:
    if not isinstance(dt, datetime):
        raise InputError(field, dt, "a datetime")
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


EPOCH_YEARS = (1900, 2200)
"""Years an epoch may fall in (the time scales here are not meant for other centuries, and a
flight time added to 9999-12-31 would overflow ``datetime``)."""


def epoch_from_iso(text: str, field: str = "epoch") -> datetime:
    """Parse an ISO 8601 timestamp into a timezone-aware UTC ``datetime``.

    Accepts e.g. ``"2025-03-01T12:00:00Z"`` or ``"2025-03-01T13:00:00+01:00"`` (converted to
    UTC); a timestamp without an offset is taken as UTC; years within :data:`EPOCH_YEARS`.
    Raises :class:`InputError` naming ``field`` for anything else (an empty string included).
    """
    if not isinstance(text, str):
        raise InputError(field, text, "an ISO 8601 timestamp string, e.g. 2025-03-01T12:00:00Z")
    s = text.strip()
    if not s.isascii():
        raise InputError(field, text, "an ISO 8601 timestamp in ASCII digits")
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise InputError(field, text, "an ISO 8601 timestamp, e.g. 2025-03-01T12:00:00Z") from None
    if not EPOCH_YEARS[0] <= dt.year <= EPOCH_YEARS[1]:
        raise InputError(field, text, f"a time in the years {EPOCH_YEARS[0]}-{EPOCH_YEARS[1]}")
    return _as_utc(dt, field)


def julian_date_parts(dt: datetime) -> tuple[float, float]:
    """Two-part Julian date ``(jd_day, jd_frac)`` of a datetime (UTC; naive taken as UTC).

    ``jd_day`` ends in .5 (the preceding midnight), ``jd_frac`` in [0, 1) is exact to the
    microsecond.
    """
    dt = _as_utc(dt, "epoch")
    midnight = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    days = (midnight - datetime(1970, 1, 1, tzinfo=UTC)).days
    seconds = (dt - midnight).total_seconds()
    return _UNIX_EPOCH_JD + days, seconds / 86400.0


def julian_date(dt: datetime) -> float:
    """Julian date (days) of a datetime, UTC scale; naive datetimes are taken as UTC."""
    day, frac = julian_date_parts(dt)
    return day + frac


def _rotation_z(angle_rad: Array) -> Array:
    """R3(-angle): rotates vectors by +angle about z, shape ``angle.shape + (3, 3)``."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    z, o = np.zeros_like(c), np.ones_like(c)
    return np.stack(
        [np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2
    )


def _rotate_z(v: Array, angle_rad: Array) -> Array:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    x, y = v[..., 0], v[..., 1]
    x, y, z = np.broadcast_arrays(c * x - s * y, s * x + c * y, v[..., 2])
    return np.stack([x, y, z], axis=-1)


@dataclass(frozen=True)
class EarthFrame:
    """ECEF ↔ pseudo-inertial (ERA-only, CIRS-like) conversions for one scenario epoch.

    Attributes:
        epoch_utc: the scenario epoch, timezone-aware UTC (a naive datetime is taken as UTC).

    All methods take ``t_s``, seconds since the epoch, broadcastable against the leading
    dimensions of the ``(..., 3)`` vectors. See the module docstring for what is neglected.
    """

    epoch_utc: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", _as_utc(self.epoch_utc, "epoch"))

    @property
    def era0_rad(self) -> float:
        """Earth Rotation Angle at the epoch (UT1 ≈ UTC), radians."""
        return float(earth_rotation_angle_rad(*julian_date_parts(self.epoch_utc)))

    def era_rad(self, t_s: ArrayLike) -> Array:
        """Earth Rotation Angle at ``t_s`` seconds after the epoch, radians (not wrapped)."""
        return self.era0_rad + ERA_RATE_RAD_S * np.asarray(t_s, dtype=np.float64)

    def rotation_matrix_ecef_to_eci(self, t_s: ArrayLike) -> Array:
        """Matrix ``R`` with ``r_eci_m = R @ r_ecef_m``, shape ``t_s.shape + (3, 3)``."""
        return _rotation_z(self.era_rad(t_s))

    def ecef_to_eci(self, r_ecef_m: ArrayLike, t_s: ArrayLike) -> Array:
        """Position ECEF → ECI, metres, ``(..., 3)``."""
        return _rotate_z(np.asarray(r_ecef_m, dtype=np.float64), self.era_rad(t_s))

    def eci_to_ecef(self, r_eci_m: ArrayLike, t_s: ArrayLike) -> Array:
        """Position ECI → ECEF, metres, ``(..., 3)``."""
        return _rotate_z(np.asarray(r_eci_m, dtype=np.float64), -self.era_rad(t_s))

    def ecef_to_eci_state(
        self, r_ecef_m: ArrayLike, v_ecef_m_s: ArrayLike, t_s: ArrayLike
    ) -> tuple[Array, Array]:
        """State ECEF → ECI (m, m/s): ``r_eci = R r_ecef``, ``v_eci = R v_ecef + ω × r_eci``."""
        era = self.era_rad(t_s)
        r_eci_m = _rotate_z(np.asarray(r_ecef_m, dtype=np.float64), era)
        v_eci_m_s = _rotate_z(np.asarray(v_ecef_m_s, dtype=np.float64), era) + _omega_cross(r_eci_m)
        return r_eci_m, v_eci_m_s

    def eci_to_ecef_state(
        self, r_eci_m: ArrayLike, v_eci_m_s: ArrayLike, t_s: ArrayLike
    ) -> tuple[Array, Array]:
        """State ECI → ECEF (m, m/s): ``r_ecef = Rᵀ r_eci``, ``v_ecef = Rᵀ (v_eci − ω × r_eci)``."""
        era = self.era_rad(t_s)
        r = np.asarray(r_eci_m, dtype=np.float64)
        v = np.asarray(v_eci_m_s, dtype=np.float64) - _omega_cross(r)
        return _rotate_z(r, -era), _rotate_z(v, -era)


def _omega_cross(r: Array) -> Array:
    """ω × r for ω = (0, 0, ERA_RATE_RAD_S)."""
    return np.stack(
        [-ERA_RATE_RAD_S * r[..., 1], ERA_RATE_RAD_S * r[..., 0], np.zeros_like(r[..., 2])],
        axis=-1,
    )


def rotation_matrix_ecef_to_eci(t_s: ArrayLike, epoch_utc: datetime) -> Array:
    """Matrix ``R`` with ``r_eci_m = R @ r_ecef_m`` at ``t_s`` seconds after ``epoch_utc``.

    Shape ``t_s.shape + (3, 3)``; same as ``EarthFrame(epoch_utc).rotation_matrix_ecef_to_eci``.
    """
    return EarthFrame(epoch_utc).rotation_matrix_ecef_to_eci(t_s)
