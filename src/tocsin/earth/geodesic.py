"""Distances and azimuths along the Earth: great circles on a sphere, geodesics on WGS-84.

All functions are vectorised over broadcastable array arguments; angles are radians, distances
metres. Azimuths are clockwise from north, in [0, 2π).

Sources:

- Sphere: central angle by the atan2 form (T. Vincenty, Survey Review 23(176), 88-93 (1975),
  eq. 14 with f = 0), which equals the haversine formula but stays well conditioned for coincident
  and antipodal points; initial azimuth and the direct problem are the standard spherical
  trigonometry relations (e.g. Karney, J. Geodesy 87, 43-55 (2013), eqs. 2-8 with f = 0).
- Ellipsoid: T. Vincenty, "Direct and inverse solutions of geodesics on the ellipsoid with
  application of nested equations", Survey Review 23(176), 88-93 (1975). Agrees with
  GeographicLib (pyproj.Geod) to about 0.1 mm.
- Near-antipodal points, where Vincenty's inverse iteration does not converge: the auxiliary-sphere
  formulation of C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87, 43-55 (2013), §4-5
  (standardised configuration, eq. 44; the longitude difference is a monotonic function of the
  starting azimuth), solved by bisection on the azimuth with Vincenty's series. Always converges
  in a fixed number of steps; never NaN for finite input.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.earth.constants import B_M, EP2, R_MEAN_M, F

__all__ = [
    "central_angle_rad",
    "great_circle_distance_m",
    "great_circle_azimuth_rad",
    "great_circle_destination",
    "geodesic_inverse",
    "geodesic_direct",
]

Array = NDArray[np.float64]

_TWO_PI = 2.0 * np.pi
_VINCENTY_TOL_RAD = 1e-13
_VINCENTY_MAX_ITER = 200
_BISECTION_STEPS = 64


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def _wrap_pi(x: Array) -> Array:
    """Angle wrapped into (-π, π]."""
    return -np.mod(-x + np.pi, _TWO_PI) + np.pi


def _wrap_2pi(x: Array) -> Array:
    """Angle wrapped into [0, 2π)."""
    y = np.mod(x, _TWO_PI)
    return np.where(y >= _TWO_PI, 0.0, y)


# --------------------------------------------------------------------------------------------
# Sphere
# --------------------------------------------------------------------------------------------


def central_angle_rad(
    lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike
) -> Array:
    """Great-circle central angle between two points on a sphere, radians in [0, π]."""
    p1, l1, p2, l2 = (_f(v) for v in (lat1_rad, lon1_rad, lat2_rad, lon2_rad))
    dl = l2 - l1
    s1, c1, s2, c2 = np.sin(p1), np.cos(p1), np.sin(p2), np.cos(p2)
    num = np.hypot(c2 * np.sin(dl), c1 * s2 - s1 * c2 * np.cos(dl))
    return np.arctan2(num, s1 * s2 + c1 * c2 * np.cos(dl))


def great_circle_distance_m(
    lat1_rad: ArrayLike,
    lon1_rad: ArrayLike,
    lat2_rad: ArrayLike,
    lon2_rad: ArrayLike,
    radius_m: ArrayLike = R_MEAN_M,
) -> Array:
    """Great-circle distance, metres, on a sphere of radius ``radius_m`` (default ``R_MEAN_M``)."""
    return _f(radius_m) * central_angle_rad(lat1_rad, lon1_rad, lat2_rad, lon2_rad)


def great_circle_azimuth_rad(
    lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike
) -> Array:
    """Initial azimuth of the great circle from point 1 to point 2, radians in [0, 2π)."""
    p1, l1, p2, l2 = (_f(v) for v in (lat1_rad, lon1_rad, lat2_rad, lon2_rad))
    dl = l2 - l1
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return _wrap_2pi(np.arctan2(y, x))


def great_circle_destination(
    lat1_rad: ArrayLike,
    lon1_rad: ArrayLike,
    az_rad: ArrayLike,
    distance_m: ArrayLike,
    radius_m: ArrayLike = R_MEAN_M,
) -> tuple[Array, Array]:
    """End point ``(lat2_rad, lon2_rad)`` after ``distance_m`` along a great circle.

    Starts at (``lat1_rad``, ``lon1_rad``) with initial azimuth ``az_rad``; sphere radius
    ``radius_m``. ``lon2_rad`` is wrapped into (-π, π].
    """
    p1, l1, az = _f(lat1_rad), _f(lon1_rad), _f(az_rad)
    d = _f(distance_m) / _f(radius_m)
    sp1, cp1, sd, cd = np.sin(p1), np.cos(p1), np.sin(d), np.cos(d)
    sp2 = sp1 * cd + cp1 * sd * np.cos(az)
    y = np.sin(az) * sd  # cos φ2 sin Δλ
    x = cp1 * cd - sp1 * sd * np.cos(az)  # cos φ2 cos Δλ
    cp2 = np.hypot(y, x)
    return np.arctan2(sp2, cp2), _wrap_pi(l1 + np.arctan2(y, x))


# --------------------------------------------------------------------------------------------
# Ellipsoid (Vincenty 1975, Karney 2013 for the near-antipodal fallback)
# --------------------------------------------------------------------------------------------


def _reduced(lat: Array) -> tuple[Array, Array]:
    """sin and cos of the reduced (parametric) latitude, robust at the poles."""
    s, c = (1.0 - F) * np.sin(lat), np.cos(lat)
    h = np.hypot(s, c)
    return s / h, c / h


def _ab(cos2_alpha: Array) -> tuple[Array, Array]:
    """Vincenty (1975) eqs. 3-4: series coefficients A and B from u² = cos²α e'²."""
    u2 = cos2_alpha * EP2
    a = 1.0 + u2 / 16384.0 * (4096.0 + u2 * (-768.0 + u2 * (320.0 - 175.0 * u2)))
    b = u2 / 1024.0 * (256.0 + u2 * (-128.0 + u2 * (74.0 - 47.0 * u2)))
    return a, b


def _delta_sigma(b: Array, sin_s: Array, cos_s: Array, cos_2sm: Array) -> Array:
    """Vincenty (1975) eq. 6."""
    c2 = cos_2sm * cos_2sm
    return b * sin_s * (
        cos_2sm
        + b / 4.0 * (cos_s * (-1.0 + 2.0 * c2) - b / 6.0 * cos_2sm
                     * (-3.0 + 4.0 * sin_s * sin_s) * (-3.0 + 4.0 * c2))
    )


def _lambda_minus_l(sin_alpha: Array, cos2_alpha: Array, sigma: Array, sin_s: Array,
                    cos_s: Array, cos_2sm: Array) -> Array:
    """Vincenty (1975) eqs. 10-11: auxiliary-sphere minus ellipsoidal longitude difference."""
    c = F / 16.0 * cos2_alpha * (4.0 + F * (4.0 - 3.0 * cos2_alpha))
    return (1.0 - c) * F * sin_alpha * (
        sigma + c * sin_s * (cos_2sm + c * cos_s * (-1.0 + 2.0 * cos_2sm * cos_2sm))
    )


def _antipodal_inverse(
    lat1: Array, lat2: Array, dlon: Array
) -> tuple[Array, Array, Array]:
    """Inverse by bisection on the azimuth (Karney 2013 §4-5); 1-D arrays of equal length.

    Returns ``(s_m, az1_rad, az2_rad)`` with ``az2`` the forward azimuth at point 2.
    """
    lonsign = np.where(dlon < 0.0, -1.0, 1.0)
    target = np.abs(dlon)
    swap = np.abs(lat1) < np.abs(lat2)
    lonsign = np.where(swap, -lonsign, lonsign)
    p1 = np.where(swap, lat2, lat1)
    p2 = np.where(swap, lat1, lat2)
    latsign = np.where(p1 > 0.0, -1.0, 1.0)  # make point 1 the southern, |β1| ≥ |β2|
    sb1, cb1 = _reduced(latsign * p1)
    sb2, cb2 = _reduced(latsign * p2)
    sb1 = -np.abs(sb1)  # β1 ≤ -0, signed zero keeps σ1 = -π on the equator
    sb2 = np.clip(sb2, sb1, -sb1)

    def solve(alpha1: Array) -> tuple[Array, ...]:
        sa1, ca1 = np.sin(alpha1), np.cos(alpha1)
        sa0 = sa1 * cb1
        ca0sq = np.maximum(1.0 - sa0 * sa0, 0.0)
        ca2cb2 = np.sqrt(np.maximum(ca1 * ca1 * cb1 * cb1 + cb2 * cb2 - cb1 * cb1, 0.0))
        sig1 = np.arctan2(sb1, ca1 * cb1)
        sig2 = np.arctan2(sb2, ca2cb2)
        om1 = np.arctan2(sa0 * sb1, ca1 * cb1)
        om2 = np.arctan2(sa0 * sb2, ca2cb2)
        sig12 = sig2 - sig1
        ss, cs = np.sin(sig12), np.cos(sig12)
        c2sm = np.cos(sig1 + sig2)
        lon12 = (om2 - om1) - _lambda_minus_l(sa0, ca0sq, sig12, ss, cs, c2sm)
        return lon12, sig12, ss, cs, c2sm, sa0, ca0sq, ca2cb2

    lo = np.zeros_like(target)
    hi = np.full_like(target, np.pi)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        below = solve(mid)[0] < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    alpha1 = 0.5 * (lo + hi)
    _, sig12, ss, cs, c2sm, sa0, ca0sq, ca2cb2 = solve(alpha1)
    a, b = _ab(ca0sq)
    s = B_M * a * (sig12 - _delta_sigma(b, ss, cs, c2sm))
    sa1, ca1 = np.sin(alpha1), np.cos(alpha1)
    sa2, ca2 = sa0, ca2cb2  # both scaled by cos β2 > 0
    # Undo the standardisation (Karney's GeographicLib Geodesic::GenInverse).
    s1, c1, s2, c2 = sa1, ca1, sa2, ca2
    s1, s2 = np.where(swap, s2, s1), np.where(swap, s1, s2)
    c1, c2 = np.where(swap, c2, c1), np.where(swap, c1, c2)
    sw = np.where(swap, -1.0, 1.0)
    az1 = np.arctan2(sw * lonsign * s1, sw * latsign * c1)
    az2 = np.arctan2(sw * lonsign * s2, sw * latsign * c2)
    return s, az1, az2


def _vincenty_terms(su1: Array, cu1: Array, su2: Array, cu2: Array,
                    lam: Array) -> tuple[Array, ...]:
    """Vincenty (1975) eqs. 14-17 at auxiliary longitude ``lam``.

    Returns ``(sin α, cos² α, σ, sin σ, cos σ, cos 2σm, sin λ, cos λ)``.
    """
    sl, cl = np.sin(lam), np.cos(lam)
    ss = np.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
    cs = su1 * su2 + cu1 * cu2 * cl
    sig = np.arctan2(ss, cs)
    safe_ss = np.where(ss > 0.0, ss, 1.0)
    sa = np.where(ss > 0.0, cu1 * cu2 * sl / safe_ss, 0.0)
    ca2 = np.maximum(1.0 - sa * sa, 0.0)
    safe_ca2 = np.where(ca2 > 0.0, ca2, 1.0)
    c2sm = np.where(ca2 > 0.0, cs - 2.0 * su1 * su2 / safe_ca2, 0.0)
    return sa, ca2, sig, ss, cs, c2sm, sl, cl


def geodesic_inverse(
    lat1_rad: ArrayLike, lon1_rad: ArrayLike, lat2_rad: ArrayLike, lon2_rad: ArrayLike
) -> tuple[Array, Array, Array]:
    """Shortest geodesic on WGS-84 between two geodetic points (Vincenty 1975, Karney fallback).

    Args:
        lat1_rad, lon1_rad, lat2_rad, lon2_rad: geodetic coordinates, radians (broadcastable).

    Returns:
        ``(s_m, az12_rad, az21_rad)``: geodesic length in metres, forward azimuth at point 1
        towards point 2, and back azimuth at point 2 towards point 1 (as ``pyproj.Geod.inv``),
        both in [0, 2π). For coincident points the azimuths are 0 and π.
    """
    p1, l1, p2, l2 = np.broadcast_arrays(*(_f(v) for v in (lat1_rad, lon1_rad, lat2_rad,
                                                             lon2_rad)))
    shape = p1.shape
    p1, l1, p2, l2 = (np.ravel(v) for v in (p1, l1, p2, l2))
    dlon = _wrap_pi(l2 - l1)
    su1, cu1 = _reduced(p1)
    su2, cu2 = _reduced(p2)
    lam = dlon.copy()
    ok = np.zeros(dlon.shape, dtype=bool)
    active = np.arange(dlon.size)
    for _ in range(_VINCENTY_MAX_ITER):  # iterate eqs. 13-14 on the unconverged points only
        if active.size == 0:
            break
        i = active
        lam_new = dlon[i] + _lambda_minus_l(*_vincenty_terms(su1[i], cu1[i], su2[i], cu2[i],
                                                             lam[i])[:6])
        bad = ~np.isfinite(lam_new) | (np.abs(lam_new) > np.pi)
        done = (np.abs(lam_new - lam[i]) < _VINCENTY_TOL_RAD) & ~bad
        lam[i] = np.where(bad, lam[i], lam_new)
        ok[i[done]] = True
        active = i[~done & ~bad]
    sa, ca2, sig, ss, cs, c2sm, sl, cl = _vincenty_terms(su1, cu1, su2, cu2, lam)
    a, b = _ab(ca2)
    s = B_M * a * (sig - _delta_sigma(b, ss, cs, c2sm))
    az1 = np.arctan2(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
    az2 = np.arctan2(cu1 * sl, -su1 * cu2 + cu1 * su2 * cl)
    fail = ~ok
    if fail.any():
        s_f, az1_f, az2_f = _antipodal_inverse(p1[fail], p2[fail], dlon[fail])
        s[fail], az1[fail], az2[fail] = s_f, az1_f, az2_f
    return (s.reshape(shape), _wrap_2pi(az1).reshape(shape),
            _wrap_2pi(az2 + np.pi).reshape(shape))


def geodesic_direct(
    lat1_rad: ArrayLike, lon1_rad: ArrayLike, az12_rad: ArrayLike, s_m: ArrayLike
) -> tuple[Array, Array, Array]:
    """End point of a geodesic on WGS-84 (Vincenty 1975 direct solution).

    Args:
        lat1_rad, lon1_rad: geodetic start point, radians.
        az12_rad: azimuth at the start, clockwise from north, radians.
        s_m: length along the geodesic, metres (any sign; negative goes backwards).

    Returns:
        ``(lat2_rad, lon2_rad, az21_rad)``: end point (``lon2_rad`` in (-π, π]) and the back
        azimuth at the end point towards the start, in [0, 2π) (as ``pyproj.Geod.fwd``).
    """
    p1, l1, az, s = np.broadcast_arrays(*(_f(v) for v in (lat1_rad, lon1_rad, az12_rad, s_m)))
    su1, cu1 = _reduced(p1)
    sa1, ca1 = np.sin(az), np.cos(az)
    sig1 = np.arctan2(su1, cu1 * ca1)
    sa = cu1 * sa1
    ca2 = 1.0 - sa * sa
    a, b = _ab(ca2)
    sig0 = s / (B_M * a)
    sig = sig0
    for _ in range(_VINCENTY_MAX_ITER):
        c2sm = np.cos(2.0 * sig1 + sig)
        ss, cs = np.sin(sig), np.cos(sig)
        sig_new = sig0 + _delta_sigma(b, ss, cs, c2sm)
        done = np.all(np.abs(sig_new - sig) < _VINCENTY_TOL_RAD)
        sig = sig_new
        if done:
            break
    c2sm = np.cos(2.0 * sig1 + sig)
    ss, cs = np.sin(sig), np.cos(sig)
    tmp = su1 * ss - cu1 * cs * ca1
    lat2 = np.arctan2(su1 * cs + cu1 * ss * ca1, (1.0 - F) * np.hypot(sa, tmp))
    lam = np.arctan2(ss * sa1, cu1 * cs - su1 * ss * ca1)
    lon2 = _wrap_pi(l1 + lam - _lambda_minus_l(sa, ca2, sig, ss, cs, c2sm))
    az2 = np.arctan2(sa, -tmp)
    return lat2, lon2, _wrap_2pi(az2 + np.pi)
