"""Gravity: point mass plus the J2 zonal harmonic, in an Earth-fixed frame.

    g_x = -μ x / r³ · [1 + (3/2) J2 (a/r)² (1 − 5 z²/r²)]
    g_y = -μ y / r³ · [1 + (3/2) J2 (a/r)² (1 − 5 z²/r²)]
    g_z = -μ z / r³ · [1 + (3/2) J2 (a/r)² (3 − 5 z²/r²)]

Source: D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 8-30
(the J2 acceleration); H. D. Curtis, *Orbital Mechanics for Engineering Students*, eq. 12.30.
J2 is axially symmetric, so the same formula holds in ECEF and in any frame sharing its z axis.
This is gravitation only: the centrifugal term of the rotating frame is added by the caller.

This module is the one home of the formula: :func:`gravity_j2_xyz` (a scalar numba kernel) is
what the flight kernel (:mod:`tocsin.flight.kernel`), the trackers' motion models
(:mod:`tocsin.tracking.ballistic`) and the vectorised :func:`gravity_ecef` call;
:func:`gravity_j2_jacobian` is its gradient ∂g/∂r, for the trackers' variational equations.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tocsin.earth.constants import A_M, GM_M3_S2, J2
from tocsin.errors import InputError

__all__ = ["gravity_ecef", "gravity_j2_jacobian", "gravity_j2_xyz"]


@njit(cache=True, inline="always", error_model="numpy")
def gravity_j2_xyz(x: float, y: float, z: float, mu: float, j2: float,
                   a: float) -> tuple[float, float, float]:
    """Gravitational acceleration (m/s²) at one point ``(x, y, z)`` (m, ECEF or any frame with
    the Earth's polar z axis): the module's equation with ``mu`` (m³/s²), ``j2`` (0 for a point
    mass) and the reference radius ``a`` (m)."""
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    k = -mu / (r2 * r)
    q = 1.5 * j2 * a * a / r2          # (3/2) J2 (a/r)²
    s = 5.0 * z * z / r2               # 5 z²/r²
    fxy = k * (1.0 + q * (1.0 - s))
    fz = k * (1.0 + q * (3.0 - s))
    return fxy * x, fxy * y, fz * z


@njit(cache=True, inline="always", error_model="numpy")
def gravity_j2_jacobian(x: float, y: float, z: float, mu: float, j2: float, a: float
                        ) -> tuple[float, float, float, float, float, float]:
    """Gravity gradient ∂g_i/∂r_j (1/s²) of :func:`gravity_j2_xyz` at one point, symmetric:
    returned as its six distinct entries (xx, xy, xz, yy, yz, zz).

    With K = (3/2) μ J2 a², g_i = r_i φ_i where φ_xy = −μ/r³ − K/r⁵ + 5K z²/r⁷ and
    φ_z = −μ/r³ − 3K/r⁵ + 5K z²/r⁷, so ∂g_i/∂r_j = δ_ij φ_i + r_i (c_i r_j + δ_jz 10K z/r⁷) with
    c_xy = 3μ/r⁵ + 5K/r⁷ − 35K z²/r⁹ and c_z = 3μ/r⁵ + 15K/r⁷ − 35K z²/r⁹ (differentiation of
    Vallado 2013 eq. 8-30; cf. Tapley, Schutz & Born, *Statistical Orbit Determination* (2004)
    §4.2, the gravity part of A = ∂f/∂x).
    """
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    ir2 = 1.0 / r2
    ir3 = ir2 / r
    ir5 = ir3 * ir2
    ir7 = ir5 * ir2
    ir9 = ir7 * ir2
    k = 1.5 * mu * j2 * a * a
    z2 = z * z
    phi_xy = -mu * ir3 - k * ir5 + 5.0 * k * z2 * ir7
    phi_z = -mu * ir3 - 3.0 * k * ir5 + 5.0 * k * z2 * ir7
    cxy = 3.0 * mu * ir5 + 5.0 * k * ir7 - 35.0 * k * z2 * ir9
    cz = 3.0 * mu * ir5 + 15.0 * k * ir7 - 35.0 * k * z2 * ir9
    t = 10.0 * k * z * ir7
    return (x * cxy * x + phi_xy, x * cxy * y, x * (cxy * z + t),
            y * cxy * y + phi_xy, y * (cxy * z + t), z * (cz * z + t) + phi_z)


@njit(cache=True, error_model="numpy")
def _gravity_rows(r: np.ndarray, mu: float, j2: float, a: float, out: np.ndarray) -> None:
    for i in range(r.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = gravity_j2_xyz(r[i, 0], r[i, 1], r[i, 2], mu, j2, a)


def gravity_ecef(r_ecef_m: np.ndarray, *, j2: bool = True, mu: float = GM_M3_S2,
                 a_m: float = A_M) -> np.ndarray:
    """Gravitational acceleration (m/s²) at positions ``r_ecef_m`` (m), shape ``(..., 3)``.

    With ``j2=False`` it is the point-mass field −μ r/|r|³ alone. Each point goes through
    :func:`gravity_j2_xyz`.
    """
    r = np.asarray(r_ecef_m, dtype=np.float64)
    if r.shape[-1:] != (3,):
        raise InputError("r_ecef_m", f"shape {r.shape}", "positions of shape (..., 3)")
    flat = np.ascontiguousarray(r.reshape(-1, 3))
    out = np.empty_like(flat)
    _gravity_rows(flat, float(mu), J2 if j2 else 0.0, float(a_m), out)
    return out.reshape(r.shape)
