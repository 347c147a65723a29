"""Hand-over from infrared (boost) to radar (midcourse): is a new radar track a booster seen before?

An infrared track of a booster ends at burnout; radar often picks the reentry vehicle up minutes
later. The infrared track's own prediction across that gap is poor — one satellite's angles
leave the range along the line of sight nearly unobservable, and the last seconds of thrust are
unseen — but its **lines of sight** are exact to ~30 µrad. So the test runs the other way: the
radar track, precise to metres, is propagated *back* to the times of the infrared track's last
rays, and its predicted angles are compared with those rays:

    d² = Σᵢ νᵢᵀ Sᵢ⁻¹ νᵢ,   νᵢ = zᵢ − h(x(tᵢ)),   Sᵢ = Hᵢ P(tᵢ) Hᵢᵀ + Rᵢ + (ε/ρᵢ)² I,

χ² with 2L degrees of freedom for L rays. ε (``thrust_margin_m``) covers the thrust between the
last ray and burnout, which the ballistic back-propagation leaves out: a booster accelerating at
a_T for τ more seconds lies ½a_Tτ² off the ballistic arc (2.5 km for 50 m/s² over 10 s). Reentry
vehicles of a salvo 20–50 km apart are 0.5–1.4 mrad apart from geostationary orbit, against a
widened σ of ~80 µrad: the test separates them. The track-to-track association of
Bar-Shalom, Willett & Tian, *Tracking and Data Fusion* (2011) §9, done in the infrared
measurement space where the infrared track's information actually lies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tocsin.tracking.infrared import IrMeasurement
from tocsin.tracking.linalg import hpht
from tocsin.tracking.log import MODE_COAST
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
               thrust_margin_m: float = 2.5e3) -> float:
    """d² (module docstring) of a coasting state ``x (7,)``, ``P (7, 7)`` at ``t_s`` against
    earlier ``rays``; the caller compares it with χ²₂L."""
    L = len(rays)
    xb, Pb = motion.predict(np.repeat(x[None], L, 0), np.repeat(P[None], L, 0),
                            rays.t_s - t_s, np.full(L, MODE_COAST, np.int8))
    z_hat, H = _IR.predict_measurement(xb, rays)
    nu = _IR.residual(rays.z, z_hat)
    rho = np.linalg.norm(xb[:, :3] - rays.sensor_r_ecef_m, axis=1)
    S = hpht(Pb, H) + rays.R + ((thrust_margin_m / rho) ** 2)[:, None, None] * np.eye(2)
    return float(np.einsum("li,li->", nu, np.linalg.solve(S, nu[..., None])[..., 0]))
