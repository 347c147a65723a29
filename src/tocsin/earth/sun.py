"""Where the Sun is: low-precision apparent solar position, its direction in ECEF, subsolar point.

Method: J. Meeus, *Astronomical Algorithms*, 2nd ed. (1998), ch. 25 "lower accuracy" (the
Sun's geometric mean longitude and anomaly, equation of centre, then the apparent longitude with
nutation and aberration, eqs. 25.2-25.8), obliquity eq. 22.2 corrected by 0.00256° cos Ω; about
0.01° (the same accuracy the *Astronomical Almanac*'s "low precision formulas for the Sun",
§C, quote for 1950-2050). The equator-and-equinox-of-date direction is turned into ECEF by the
Greenwich *apparent* sidereal time: GMST (IAU-82, :func:`tocsin.earth.frames.gmst82_rad`) plus
the equation of the equinoxes Δψ cos ε, with Δψ ≈ −17.20″ sin Ω − 1.32″ sin 2L₀ (Meeus ch. 22,
0.5″). Polar motion (< 0.5″) is neglected; UT1 ≈ UTC; TT − UTC is taken as a constant
``TT_MINUS_UTC_S`` (69.184 s, true since 2017; an error of ≤ 40 s since 1972, in which the Sun
moves ≤ 2″). The Sun is treated as at infinity (solar parallax 8.8″).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.earth.frames import JD_J2000, EarthFrame, gmst82_rad, julian_date_parts
from tocsin.earth.wgs84 import up_ecef

__all__ = [
    "TT_MINUS_UTC_S",
    "solar_coordinates",
    "sun_direction_ecef",
    "subsolar_point",
    "sun_elevation_rad",
]

Array = NDArray[np.float64]

TT_MINUS_UTC_S: float = 69.184
"""TT − UTC = 32.184 s + 37 leap seconds (IERS Bulletin C, since 2017-01-01)."""

_D2R = np.pi / 180.0
_AS2R = _D2R / 3600.0


def _sun_of_date(jde: Array, jde_frac: Array) -> tuple[Array, Array, Array, Array, Array]:
    """(λ_app, ε, R_au, Ω, L₀) of Meeus ch. 25 at a two-part Julian ephemeris date, radians."""
    t = ((jde - JD_J2000) + jde_frac) / 36525.0
    l0 = 280.46646 + (36000.76983 + 0.0003032 * t) * t                  # eq. 25.2
    m = (357.52911 + (35999.05029 - 0.0001537 * t) * t) * _D2R         # eq. 25.3
    e = 0.016708634 - (0.000042037 + 0.0000001267 * t) * t             # eq. 25.4
    c = ((1.914602 - (0.004817 + 0.000014 * t) * t) * np.sin(m)
         + (0.019993 - 0.000101 * t) * np.sin(2.0 * m) + 0.000289 * np.sin(3.0 * m))
    true_lon = l0 + c
    nu = m + c * _D2R
    r_au = 1.000001018 * (1.0 - e * e) / (1.0 + e * np.cos(nu))        # eq. 25.5
    omega = (125.04 - 1934.136 * t) * _D2R
    lam = (true_lon - 0.00569 - 0.00478 * np.sin(omega)) * _D2R         # apparent longitude
    eps0 = (84381.448 - (46.8150 + (0.00059 - 0.001813 * t) * t) * t) * _AS2R  # eq. 22.2
    eps = eps0 + 0.00256 * _D2R * np.cos(omega)
    return lam, eps, r_au, omega, l0 * _D2R


def solar_coordinates(jd_tt: ArrayLike, jd_tt_frac: ArrayLike = 0.0
                      ) -> tuple[Array, Array, Array]:
    """Apparent right ascension and declination of the Sun (true equator and equinox of date).

    Args:
        jd_tt: Julian ephemeris date (TT), days; may be split as ``jd_tt + jd_tt_frac``.

    Returns:
        ``(ra_rad in [0, 2π), dec_rad, distance_au)`` (Meeus ch. 25, ≈ 0.01°).
    """
    lam, eps, r_au, _, _ = _sun_of_date(np.asarray(jd_tt, np.float64),
                                        np.asarray(jd_tt_frac, np.float64))
    ra = np.mod(np.arctan2(np.cos(eps) * np.sin(lam), np.cos(lam)), 2.0 * np.pi)  # eq. 25.6
    dec = np.arcsin(np.sin(eps) * np.sin(lam))                                   # eq. 25.7
    return ra, dec, r_au


def sun_direction_ecef(frame: EarthFrame, t_s: ArrayLike) -> Array:
    """Unit vector towards the Sun in ECEF at ``t_s`` seconds after the frame's epoch.

    Shape ``t_s.shape + (3,)``. Apparent place of date rotated by Greenwich apparent sidereal
    time (see the module docstring); ≈ 0.01°.
    """
    t = np.asarray(t_s, np.float64)
    day, frac = julian_date_parts(frame.epoch_utc)
    frac_utc = frac + t / 86400.0
    lam, eps, _, omega, l0 = _sun_of_date(np.asarray(day), frac_utc + TT_MINUS_UTC_S / 86400.0)
    dpsi = (-17.20 * np.sin(omega) - 1.32 * np.sin(2.0 * l0)) * _AS2R  # Meeus ch. 22
    gast = gmst82_rad(day, frac_utc) + dpsi * np.cos(eps)
    # Ecliptic of date → equator of date (rotation by ε about x), then R3(GAST) into ECEF.
    x = np.cos(lam)
    y = np.cos(eps) * np.sin(lam)
    z = np.sin(eps) * np.sin(lam)
    cg, sg = np.cos(gast), np.sin(gast)
    return np.stack([cg * x + sg * y, -sg * x + cg * y, z], axis=-1)


def subsolar_point(frame: EarthFrame, t_s: ArrayLike) -> tuple[Array, Array]:
    """Geodetic ``(lat_rad, lon_rad)`` where the Sun is at the zenith (the ellipsoid normal
    points at it): lat = asin(ŝ_z), lon = atan2(ŝ_y, ŝ_x), ŝ from :func:`sun_direction_ecef`."""
    s = sun_direction_ecef(frame, t_s)
    return np.arcsin(np.clip(s[..., 2], -1.0, 1.0)), np.arctan2(s[..., 1], s[..., 0])


def sun_elevation_rad(frame: EarthFrame, t_s: ArrayLike, lat_rad: ArrayLike,
                      lon_rad: ArrayLike) -> Array:
    """Geometric elevation of the Sun's centre above the geodetic horizon at (lat, lon), radians
    (no refraction; broadcast over ``t_s``, ``lat_rad``, ``lon_rad``)."""
    s = sun_direction_ecef(frame, t_s)
    up = up_ecef(lat_rad, lon_rad)
    return np.arcsin(np.clip(np.sum(s * up, axis=-1), -1.0, 1.0))
