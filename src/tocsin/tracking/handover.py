"""Hand-over from infrared (boost) to radar (midcourse): is a new radar track a booster seen before?

An infrared track of a booster ends at burnout; radar often picks the reentry vehicle up minutes
later. The infrared track's own prediction across that gap is poor — one satellite's angles
leave the range along the line of sight nearly unobservable, and the last seconds of thrust are
unseen — but its **lines of sight** are exact to ~30 µrad. So the test runs the other way: the
radar track, precise to metres, is propagated *back* to the times of the infrared track's last
rays, and its predicted angles are compared with those rays:

    d² = Σᵢ νᵢᵀ Sᵢ⁻¹ νᵢ,   νᵢ = zᵢ − h(x(tᵢ)),   Sᵢ = Hᵢ P(tᵢ) Hᵢᵀ + Rᵢ + (ε/ρᵢ)² I,

χ² with 2L degrees of freedom for L rays. The back-propagation is ballistic to the infrared
track's burnout (its last ray plus half a frame), then powered, with the thrust the infrared
track had estimated, back to each ray: boosters of a salvo fired seconds apart fly nearly the
same path, and only the powered arc tells one launched 4 s later from the first. ε covers the
unknown burnout time δ: a_T δ (t_b − t_i) + ½ a_T δ² (a few km). The track-to-track association of
Bar-Shalom, Willett & Tian, *Tracking and Data Fusion* (2011) §9, done in the infrared
measurement space where the infrared track's information actually lies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tocsin.tracking.infrared import IrMeasurement
from tocsin.tracking.linalg import hpht
from tocsin.tracking.log import MODE_BOOST, MODE_COAST
from tocsin.tracking.phases import PhaseModel

__all__ = ["Rays", "back_check"]

_IR = IrMeasurement()


@dataclass(frozen=True)
class Rays:
    """L infrared rays of one track: times ``t_s (L,)``, angles ``z (L, 2)`` rad, noise
    ``R (L, 2, 2)``, satellite positions ``sensor_r_ecef_m (L, 3)`` and frames
    ``sensor_frame (L, 3, 3)``."""

    t_s: np.ndarray
    z: np.ndarray
    R: np.ndarray
    sensor_r_ecef_m: np.ndarray
    sensor_frame: np.ndarray

    def __len__(self) -> int:
        return int(self.t_s.shape[0])


def back_check(motion: PhaseModel, x: np.ndarray, P: np.ndarray, t_s: float, rays: Rays,
               burnout_s: float, thrust_m_s2: float, thrust_var: float, burn_spread_s: float,
               base_margin_m: float = 1e3) -> float:
    """d² (module docstring) of a coasting state ``x (7,)``, ``P (7, 7)`` at ``t_s`` against
    earlier ``rays``; the caller compares it with χ²₂L.

    Back to the infrared track's estimated burnout ``burnout_s`` ballistically, then on with
    that track's last thrust estimate a_T = ``thrust_m_s2`` (variance ``thrust_var``) along the
    velocity to each earlier ray. The burnout time is uncertain by ``burn_spread_s`` = δ: ray i
    is widened by ε_i = a_T δ (t_b − t_i) + ½ a_T δ² + ``base_margin_m``."""
    L = len(rays)
    xb, Pb = motion.predict(x[None], P[None], np.array([burnout_s - t_s]),
                            np.array([MODE_COAST], np.int8))
    xb, Pb = xb[0], Pb[0].copy()
    xb[6] = thrust_m_s2                                    # x₆ is a_T again before burnout
    Pb[6, :] = Pb[:, 6] = 0.0
    Pb[6, 6] = thrust_var
    before = rays.t_s < burnout_s
    modes = np.where(before, MODE_BOOST, MODE_COAST).astype(np.int8)
    xs, Ps = motion.predict(np.repeat(xb[None], L, 0), np.repeat(Pb[None], L, 0),
                            rays.t_s - burnout_s, modes)
    z_hat, H = _IR.predict_measurement(xs, rays)
    nu = _IR.residual(rays.z, z_hat)
    rho = np.linalg.norm(xs[:, :3] - rays.sensor_r_ecef_m, axis=1)
    a = abs(thrust_m_s2)
    eps = (a * burn_spread_s * np.maximum(burnout_s - rays.t_s, 0.0)
           + 0.5 * a * burn_spread_s ** 2 + base_margin_m)
    S = hpht(Ps, H) + rays.R + ((eps / rho) ** 2)[:, None, None] * np.eye(2)
    return float(np.einsum("li,li->", nu, np.linalg.solve(S, nu[..., None])[..., 0]))
