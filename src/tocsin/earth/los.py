"""Line of sight over the Earth: grazing height of a segment, horizon range, visible cap.

All functions are vectorised; positions are ECEF metres of shape ``(..., 3)``, heights metres,
angles radians.

Sources:

- Segment against the ellipsoid: in scaled coordinates (x/a, y/a, z/b) the WGS-84 ellipsoid is
  the unit sphere, so the segment meets the ellipsoid iff its point nearest the origin in those
  coordinates lies inside the unit sphere (exact). The minimum geodetic height along the segment
  is then refined by Newton's method on dh/dt = n̂·d (the gradient of geodetic height is the unit
  normal n̂; the Hessian uses the principal radii M + h and N + h; e.g. Torge & Müller,
  "Geodesy", 4th ed. (2012), §4.1.2 for M and N).
- Horizon, dip and visible cap on a sphere: J. R. Wertz & W. J. Larson (eds.), "Space Mission
  Analysis and Design", 3rd ed. (1999), §5.2 (sin ρ = cos λ0 = R/(R + H); sin η = cos ε sin ρ;
  λ = 90° − ε − η).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.earth.constants import A_M, B_M, E2, R_MEAN_M
from tocsin.earth.wgs84 import ecef_to_geodetic, enu_basis
from tocsin.errors import InputError

__all__ = [
    "LOS_TOLERANCE_M",
    "grazing_height_m",
    "line_of_sight_clear",
    "horizon_range_m",
    "elevation_of_horizon_rad",
    "earth_central_angle_visible_rad",
]

Array = NDArray[np.float64]

LOS_TOLERANCE_M: float = 1e-3
"""Slack in :func:`line_of_sight_clear`, metres: a segment whose lowest point is a millimetre
below ``min_grazing_m`` (e.g. a sensor exactly on the surface looking up) still counts as clear."""

_SCALE = np.array([1.0 / A_M, 1.0 / A_M, 1.0 / B_M])
_NEWTON_STEPS = 4
_REFINE_MIN_NORM = 0.5  # refine only where the scaled nearest point is outside |p| = 0.5


def _canonical_order(r1: Array, r2: Array) -> tuple[Array, Array]:
    """Order each pair of endpoints lexicographically so that results are exactly symmetric."""
    swap = (r1[..., 0] > r2[..., 0]) | (
        (r1[..., 0] == r2[..., 0])
        & ((r1[..., 1] > r2[..., 1]) | ((r1[..., 1] == r2[..., 1]) & (r1[..., 2] > r2[..., 2])))
    )
    s = swap[..., None]
    return np.where(s, r2, r1), np.where(s, r1, r2)


def grazing_height_m(r1_ecef: ArrayLike, r2_ecef: ArrayLike) -> Array:
    """Minimum geodetic height above WGS-84 along the straight segment from r1 to r2.

    Args:
        r1_ecef, r2_ecef: segment end points, ECEF metres, broadcastable ``(..., 3)``.

    Returns:
        Lowest height, metres, shape ``(...)``; negative when the segment passes through the
        Earth. The sign is exact (the scaled-sphere test); the value is the exact minimum of the
        geodetic height (to sub-millimetre) wherever that minimum lies above about −3000 km. For
        deeper chords it is the geodetic height of the segment's point nearest the centre in
        scaled coordinates, still strongly negative. Symmetric in its arguments, bit for bit.
    """
    a, b = np.broadcast_arrays(np.asarray(r1_ecef, np.float64), np.asarray(r2_ecef, np.float64))
    a, b = _canonical_order(a, b)
    d = b - a
    # Nearest point to the origin in scaled coordinates, where the ellipsoid is the unit sphere.
    sa, sd = a * _SCALE, d * _SCALE
    dd = np.sum(sd * sd, axis=-1)
    t = np.clip(-np.sum(sa * sd, axis=-1) / np.where(dd > 0.0, dd, 1.0), 0.0, 1.0)
    t = np.where(dd > 0.0, t, 0.0)
    refine = np.linalg.norm(sa + t[..., None] * sd, axis=-1) > _REFINE_MIN_NORM
    # Every evaluated h is the height of a point on the segment, so the least is the best.
    h_best = np.full(t.shape, np.inf)
    for _ in range(_NEWTON_STEPS):
        lat, lon, h = ecef_to_geodetic(a + t[..., None] * d)
        h_best = np.fmin(h_best, h)  # fmin: a point at the very centre has no geodetic height
        basis = enu_basis(lat, lon)
        de, dn, du = (np.sum(basis[..., k, :] * d, axis=-1) for k in range(3))
        s2 = np.sin(lat) ** 2
        n_rad = A_M / np.sqrt(1.0 - E2 * s2)
        m_rad = n_rad * (1.0 - E2) / (1.0 - E2 * s2)
        curv = de * de / np.maximum(n_rad + h, 1.0) + dn * dn / np.maximum(m_rad + h, 1.0)
        ok = refine & (curv > 0.0)
        with np.errstate(over="ignore"):  # near-radial segments: a huge step, clipped to an end
            t = np.where(ok, np.clip(t - du / np.where(ok, curv, 1.0), 0.0, 1.0), t)
    h_best = np.fmin(h_best, ecef_to_geodetic(a + t[..., None] * d)[2])
    # A chord through the Earth's centre: its geodetic height there is undefined (NaN); the
    # deepest point of such a chord is −b below the surface.
    return np.where(np.isfinite(h_best), h_best, -B_M)


def line_of_sight_clear(
    r1_ecef: ArrayLike, r2_ecef: ArrayLike, min_grazing_m: ArrayLike = 0.0
) -> NDArray[np.bool_]:
    """Whether the segment r1→r2 (ECEF metres, ``(..., 3)``) stays above ``min_grazing_m``.

    True where ``grazing_height_m(r1, r2) >= min_grazing_m - LOS_TOLERANCE_M``; symmetric in r1
    and r2. ``min_grazing_m`` (metres, broadcastable) models terrain/atmosphere clearance.
    No refraction.
    """
    a, b = np.broadcast_arrays(np.asarray(r1_ecef, np.float64), np.asarray(r2_ecef, np.float64))
    g = np.broadcast_to(np.asarray(min_grazing_m, np.float64), a.shape[:-1])
    # Fast path: in scaled coordinates (ellipsoid = unit sphere) a segment whose nearest point
    # has norm ρ lies everywhere between heights ≈ (ρ−1)·b and, at that point, ≈ (ρ−1)·a; only
    # segments within a safety band of the threshold get the exact grazing height.
    sa, sd = a * _SCALE, (b - a) * _SCALE
    dd = np.sum(sd * sd, axis=-1)
    t = np.clip(-np.sum(sa * sd, axis=-1) / np.where(dd > 0.0, dd, 1.0), 0.0, 1.0)
    rho = np.linalg.norm(sa + t[..., None] * sd, axis=-1) - 1.0
    margin = 2e3 + 0.02 * np.abs(rho) * A_M
    out = np.atleast_1d(rho * B_M > g + margin)
    unsure = ~out & ~np.atleast_1d(rho * A_M < g - margin)
    if unsure.any():
        a1, b1, g1 = (np.reshape(x, (-1, 3)) if x.ndim == a.ndim else np.atleast_1d(x)
                      for x in (a, b, g))
        flat = unsure.reshape(-1)
        res = out.reshape(-1).copy()
        res[flat] = grazing_height_m(a1[flat], b1[flat]) >= g1.reshape(-1)[flat] - LOS_TOLERANCE_M
        out = res.reshape(out.shape)
    return out.reshape(a.shape[:-1])


def _check_alt(name: str, alt: Array) -> None:
    if not np.all(alt >= 0.0):
        raise InputError(name, alt, "heights >= 0 m (a point above the sphere)")


def horizon_range_m(
    observer_alt_m: ArrayLike, target_alt_m: ArrayLike, radius_m: ArrayLike = R_MEAN_M
) -> Array:
    """Longest straight-line range between two heights with the line clear of a sphere, metres.

    ``sqrt((R+h1)² − R²) + sqrt((R+h2)² − R²)`` (geometric horizon, no refraction); heights in
    metres, ≥ 0; sphere radius ``radius_m`` (default ``R_MEAN_M``).
    """
    h1, h2, r = (np.asarray(v, np.float64) for v in (observer_alt_m, target_alt_m, radius_m))
    _check_alt("observer_alt_m", h1)
    _check_alt("target_alt_m", h2)
    return np.sqrt(h1 * (2.0 * r + h1)) + np.sqrt(h2 * (2.0 * r + h2))


def elevation_of_horizon_rad(alt_m: ArrayLike, radius_m: ArrayLike = R_MEAN_M) -> Array:
    """Elevation of the geometric horizon seen from height ``alt_m`` (the dip), radians ≤ 0.

    ``−arccos(R / (R + h))`` on a sphere of radius ``radius_m`` (SMAD §5.2, ρ = 90° − dip).
    """
    h, r = np.asarray(alt_m, np.float64), np.asarray(radius_m, np.float64)
    _check_alt("alt_m", h)
    return -np.arccos(r / (r + h))


def earth_central_angle_visible_rad(
    alt_m: ArrayLike, min_elevation_rad: ArrayLike = 0.0, radius_m: ArrayLike = R_MEAN_M
) -> Array:
    """Half-angle (Earth central angle) of the cap seen from ``alt_m`` above ``min_elevation_rad``.

    SMAD §5.2: sin ρ = R/(R+H), sin η = cos ε sin ρ, λ = π/2 − ε − η; at ε = 0 this is
    λ0 = arccos(R/(R+H)) (≈ 81.3° from GEO). Radians; heights metres, ≥ 0.
    """
    h, eps, r = (np.asarray(v, np.float64) for v in (alt_m, min_elevation_rad, radius_m))
    _check_alt("alt_m", h)
    sin_rho = r / (r + h)
    eta = np.arcsin(np.cos(eps) * sin_rho)
    return 0.5 * np.pi - eps - eta
