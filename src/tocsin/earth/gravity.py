"""Gravity: point mass plus the J2 zonal harmonic, in an Earth-fixed frame.

    g_x = -μ x / r³ · [1 + (3/2) J2 (a/r)² (1 − 5 z²/r²)]
    g_y = -μ y / r³ · [1 + (3/2) J2 (a/r)² (1 − 5 z²/r²)]
    g_z = -μ z / r³ · [1 + (3/2) J2 (a/r)² (3 − 5 z²/r²)]

Source: D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 8-30
(the J2 acceleration); H. D. Curtis, *Orbital Mechanics for Engineering Students*, eq. 12.30.
J2 is axially symmetric, so the same formula holds in ECEF and in any frame sharing its z axis.
This is gravitation only: the centrifugal term of the rotating frame is added by the caller.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tocsin.earth.constants import A_M, GM_M3_S2, J2

__all__ = ["gravity_ecef", "gravity_j2_xyz"]


@njit(cache=True, inline="always")
def gravity_j2_xyz(x: float, y: float, z: float, mu: float, j2: float,
                   a: float) -> tuple[float, float, float]:
    """Gravitational acceleration (m/s²) at one point (scalar kernel) of :func:`gravity_ecef`."""
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    k = -mu / (r2 * r)
    q = 1.5 * j2 * a * a / r2          # (3/2) J2 (a/r)²
    s = 5.0 * z * z / r2               # 5 z²/r²
    fxy = k * (1.0 + q * (1.0 - s))
    fz = k * (1.0 + q * (3.0 - s))
    return fxy * x, fxy * y, fz * z


def gravity_ecef(r_ecef_m: np.ndarray, *, j2: bool = True, mu: float = GM_M3_S2,
                 a_m: float = A_M) -> np.ndarray:
    """Gravitational acceleration (m/s²) at positions ``r_ecef_m`` (m), shape ``(..., 3)``.

    With ``j2=False`` it is the point-mass field −μ r/|r|³ alone.
    """
    r_ecef_m = np.asarray(r_ecef_m, dtype=float)
    x, y, z = r_ecef_m[..., 0], r_ecef_m[..., 1], r_ecef_m[..., 2]
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    k = -mu / (r2 * r)
    q = 1.5 * (J2 if j2 else 0.0) * a_m * a_m / r2
    s = 5.0 * z * z / r2
    out = np.empty_like(r_ecef_m)
    out[..., 0] = k * (1.0 + q * (1.0 - s)) * x
    out[..., 1] = k * (1.0 + q * (1.0 - s)) * y
    out[..., 2] = k * (1.0 + q * (3.0 - s)) * z
    return out
