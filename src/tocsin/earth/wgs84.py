"""Positions on the WGS-84 ellipsoid: geodetic ↔ ECEF, local ENU and azimuth-elevation-range.

All functions are vectorised: angles and heights broadcast against each other over any leading
dimensions, and Cartesian vectors are arrays of shape ``(..., 3)``. Units are SI (radians, metres).

Every function that depends on the Earth's figure takes ``spherical``: ``False`` (default) uses the
WGS-84 ellipsoid (``A_M``, ``E2`` from :mod:`tocsin.earth.constants`); ``True`` uses a sphere of
radius ``R_MEAN_M``, on which geodetic and geocentric latitude coincide.

Sources:

- Geodetic → ECEF: NIMA TR8350.2 (2000), eq. 4-14.
- ECEF → geodetic: the closed form of H. Vermeille, "Direct transformation from geocentric
  coordinates to geodetic coordinates", J. Geodesy 76, 451-454 (2002), with the rearrangements of
  C. F. F. Karney (GeographicLib ``Geocentric::IntReverse``; see Karney, "Geodesics on an ellipsoid
  of revolution", arXiv:1102.1215 (2011), and the GeographicLib documentation) that keep it exact
  (sub-nanometre round trip) everywhere: at the poles, in the equatorial plane, deep inside the
  Earth (inside the evolute) and far above it. No iteration.
- ENU / AER: standard local-tangent-plane relations, e.g. J. Sanz Subirana et al., "GNSS Data
  Processing, Vol. I" (ESA TM-23/1, 2013), §B.1.
- Height along the radius (the fast altitude of the compiled kernels,
  :func:`radial_height_m`): the geocentric radius of an ellipse of semi-axes a, b at geocentric
  latitude φc is b/√(1 − e² cos²φc) (put x = r cos φc, z = r sin φc in x²/a² + z²/b² = 1 and use
  b²/a² = 1 − e²).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from tocsin.earth.constants import A_M, E2, R_MEAN_M

__all__ = [
    "geodetic_to_ecef",
    "ecef_to_geodetic",
    "up_ecef",
    "enu_basis",
    "ecef_to_enu",
    "enu_to_ecef",
    "enu_to_aer",
    "aer_to_enu",
    "ecef_to_aer",
    "aer_to_ecef",
    "radial_height_m",
    "radial_height_grad",
]

Array = NDArray[np.float64]

_E4 = E2 * E2
_E2M = 1.0 - E2


@njit(cache=True, inline="always", error_model="numpy")
def radial_height_m(x: float, y: float, z: float, b_m: float, e2: float) -> float:
    """Height (m) of ECEF point ``(x, y, z)`` (m) above the ellipsoid along the geocentric radius.

    h = r − b/√(1 − e² cos²φc), cos²φc = (x² + y²)/r², for an ellipsoid of polar semi-axis
    ``b_m`` and first eccentricity squared ``e2`` (a sphere of radius R: ``b_m = R, e2 = 0``).
    Within ~6 m of the geodetic height at 1,000 km, exact on the surface and at the poles and
    equator; a scalar numba kernel (the flight and tracking kernels call it), no iteration.
    """
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    return r - b_m / np.sqrt(1.0 - e2 * (x * x + y * y) / r2)


@njit(cache=True, inline="always", error_model="numpy")
def radial_height_grad(x: float, y: float, z: float, b_m: float, e2: float
                       ) -> tuple[float, float, float, float]:
    """(h, ∂h/∂x, ∂h/∂y, ∂h/∂z) of :func:`radial_height_m` (m, and dimensionless).

    With s = x² + y², c = e² s/r² and g = (1 − c)^−½: h = r − b g and
    ∂h/∂p = p/r − ½ b g³ ∂c/∂p, ∂c/∂x = 2 e² x (1 − s/r²)/r², ∂c/∂z = −2 e² s z/r⁴.
    """
    s = x * x + y * y
    r2 = s + z * z
    r = np.sqrt(r2)
    ir2 = 1.0 / r2
    g = 1.0 / np.sqrt(1.0 - e2 * s * ir2)
    gh = 0.5 * b_m * g * g * g * e2
    dcx = 2.0 * ir2 * (1.0 - s * ir2)
    return (r - b_m * g, x / r - gh * dcx * x, y / r - gh * dcx * y,
            z / r + gh * 2.0 * s * z * ir2 * ir2)


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def geodetic_to_ecef(
    lat_rad: ArrayLike, lon_rad: ArrayLike, alt_m: ArrayLike, *, spherical: bool = False
) -> Array:
    """ECEF position of geodetic (lat, lon, height above the ellipsoid).

    Args:
        lat_rad, lon_rad: geodetic latitude and longitude, radians (broadcastable).
        alt_m: height above the ellipsoid (or sphere), metres.
        spherical: use a sphere of radius ``R_MEAN_M`` instead of WGS-84.

    Returns:
        ``r_ecef_m``, metres, shape ``broadcast(lat, lon, alt).shape + (3,)``.
    """
    lat, lon, alt = np.broadcast_arrays(_f(lat_rad), _f(lon_rad), _f(alt_m))
    slat, clat = np.sin(lat), np.cos(lat)
    if spherical:
        n = np.full_like(lat, R_MEAN_M)
        nz = n
    else:
        n = A_M / np.sqrt(1.0 - E2 * slat * slat)  # prime-vertical radius of curvature
        nz = n * _E2M
    return np.stack(
        [(n + alt) * clat * np.cos(lon), (n + alt) * clat * np.sin(lon), (nz + alt) * slat],
        axis=-1,
    )


def ecef_to_geodetic(
    r_ecef_m: ArrayLike, *, spherical: bool = False
) -> tuple[Array, Array, Array]:
    """Geodetic latitude, longitude and height of ECEF positions (exact closed form).

    Args:
        r_ecef_m: positions, metres, shape ``(..., 3)``.
        spherical: use a sphere of radius ``R_MEAN_M`` instead of WGS-84.

    Returns:
        ``(lat_rad, lon_rad, alt_m)``, each of shape ``(...)``; ``lon_rad`` in (-π, π]; on the
        polar axis ``lon_rad`` is 0 (or ±π, from the sign of x).

    Method: Vermeille (2002) as rearranged by Karney (GeographicLib ``Geocentric``); round trips
    agree to well under a millimetre for heights from the Earth's centre to beyond GEO.
    """
    r = _f(r_ecef_m)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    rho = np.hypot(x, y)
    lon = np.arctan2(y, x)
    if spherical:
        return np.arctan2(z, rho), lon, np.hypot(rho, z) - R_MEAN_M
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (rho / A_M) ** 2
        q = _E2M * (z / A_M) ** 2
        r_ = (p + q - _E4) / 6.0
        # General case (everything except the equatorial disc inside the evolute).
        s = _E4 * p * q / 4.0
        r2 = r_ * r_
        r3 = r_ * r2
        disc = s * (2.0 * r3 + s)
        t3 = s + r3
        t3 = t3 + np.where(t3 < 0.0, -1.0, 1.0) * np.sqrt(np.maximum(disc, 0.0))
        t = np.cbrt(t3)
        u_pos = r_ + t + np.where(t != 0.0, r2 / np.where(t != 0.0, t, 1.0), 0.0)
        ang = np.arctan2(np.sqrt(np.maximum(-disc, 0.0)), -(s + r3))
        u_neg = r_ + 2.0 * r_ * np.cos(ang / 3.0)
        u = np.where(disc >= 0.0, u_pos, u_neg)
        v = np.sqrt(u * u + _E4 * q)
        uv = np.where(u < 0.0, _E4 * q / (v - u), u + v)
        w = np.maximum(0.0, E2 * (uv - q) / (2.0 * v))
        k = uv / (np.sqrt(uv + w * w) + w)
        k2 = k + E2
        zk, rk = z / k, rho / k2
        hyp = np.hypot(zk, rk)
        lat_g = np.arctan2(zk / hyp, rk / hyp)
        d = k * rho / k2
        h_g = (1.0 - _E2M / k) * np.hypot(d, z)
        # Special case e^4 q == 0 and r <= 0: in the equatorial plane inside the evolute.
        zz = np.sqrt(np.maximum(_E4 - p, 0.0) / _E2M)
        xx = np.sqrt(p)
        hyp_s = np.hypot(zz, xx)
        lat_s = np.arctan2(np.where(z < 0.0, -zz, zz), xx)
        h_s = -A_M * _E2M * hyp_s / E2
    special = (q == 0.0) & (r_ <= 0.0)
    lat = np.where(special, lat_s, lat_g)
    alt = np.where(special, h_s, h_g)
    return lat, lon, alt


def up_ecef(lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
    """Unit upward normal (geodetic vertical), ECEF, shape ``broadcast(lat, lon).shape + (3,)``."""
    lat, lon = np.broadcast_arrays(_f(lat_rad), _f(lon_rad))
    clat = np.cos(lat)
    return np.stack([clat * np.cos(lon), clat * np.sin(lon), np.sin(lat)], axis=-1)


def enu_basis(lat_rad: ArrayLike, lon_rad: ArrayLike) -> Array:
    """Rotation ECEF → local East-North-Up at geodetic (lat, lon).

    Returns:
        ``M``, shape ``broadcast(lat, lon).shape + (3, 3)``, whose rows are the unit east, north
        and up vectors in ECEF; ``v_enu = M @ v_ecef_m_s`` and ``v_ecef_m_s = M.T @ v_enu``.
    """
    lat, lon = np.broadcast_arrays(_f(lat_rad), _f(lon_rad))
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat)
    east = np.stack([-so, co, zero], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return np.stack([east, north, up], axis=-2)


def ecef_to_enu(
    r_ecef_m: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    alt_m: ArrayLike,
    *,
    spherical: bool = False,
) -> Array:
    """Position ``r_ecef_m`` (m, ``(..., 3)``) relative to an observer, in the observer's ENU.

    The observer is at geodetic (``lat_rad``, ``lon_rad``, ``alt_m``), broadcastable against the
    leading dimensions of ``r_ecef_m``. Returns ``r_enu``, metres, ``(..., 3)``.
    """
    r0 = geodetic_to_ecef(lat_rad, lon_rad, alt_m, spherical=spherical)
    m = enu_basis(lat_rad, lon_rad)
    d = _f(r_ecef_m) - r0
    return np.einsum("...ij,...j->...i", m, d)


def enu_to_ecef(
    r_enu: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    alt_m: ArrayLike,
    *,
    spherical: bool = False,
) -> Array:
    """Inverse of :func:`ecef_to_enu`: ECEF position (metres, ``(..., 3)``) of an ENU offset."""
    r0 = geodetic_to_ecef(lat_rad, lon_rad, alt_m, spherical=spherical)
    m = enu_basis(lat_rad, lon_rad)
    return r0 + np.einsum("...ji,...j->...i", m, _f(r_enu))


def enu_to_aer(r_enu: ArrayLike) -> tuple[Array, Array, Array]:
    """Azimuth, elevation and slant range of ENU offsets (metres, ``(..., 3)``).

    Returns:
        ``(az_rad, el_rad, range_m)``: azimuth clockwise from north in [0, 2π), elevation above
        the local horizontal plane in [-π/2, π/2], range in metres; each of shape ``(...)``.
    """
    v = _f(r_enu)
    e, n, u = v[..., 0], v[..., 1], v[..., 2]
    horiz = np.hypot(e, n)
    az = np.mod(np.arctan2(e, n), 2.0 * np.pi)
    az = np.where(az >= 2.0 * np.pi, 0.0, az)  # mod can round up to exactly 2π
    return az, np.arctan2(u, horiz), np.hypot(horiz, u)


def aer_to_enu(az_rad: ArrayLike, el_rad: ArrayLike, range_m: ArrayLike) -> Array:
    """ENU offset (metres, ``(..., 3)``) of azimuth (from north, clockwise), elevation, range."""
    az, el, r_m = np.broadcast_arrays(_f(az_rad), _f(el_rad), _f(range_m))
    horiz = r_m * np.cos(el)
    return np.stack([horiz * np.sin(az), horiz * np.cos(az), r_m * np.sin(el)], axis=-1)


def ecef_to_aer(
    r_ecef_target: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    alt_m: ArrayLike,
    *,
    spherical: bool = False,
) -> tuple[Array, Array, Array]:
    """Azimuth, elevation, slant range of ECEF targets seen from a geodetic observer.

    Returns ``(az_rad, el_rad, range_m)`` as :func:`enu_to_aer`; elevation is measured from the
    observer's geodetic horizontal plane (no refraction).
    """
    return enu_to_aer(ecef_to_enu(r_ecef_target, lat_rad, lon_rad, alt_m, spherical=spherical))


def aer_to_ecef(
    az_rad: ArrayLike,
    el_rad: ArrayLike,
    range_m: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    alt_m: ArrayLike,
    *,
    spherical: bool = False,
) -> Array:
    """ECEF position (metres, ``(..., 3)``) at (azimuth, elevation, range) from an observer."""
    return enu_to_ecef(
        aer_to_enu(az_rad, el_rad, range_m), lat_rad, lon_rad, alt_m, spherical=spherical
    )
