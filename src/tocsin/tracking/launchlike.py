"""Does a sequence of infrared footprints move like a booster? A significance test.

One satellite's lines of sight of a source, each met with the shell at the plume's expected
height (:func:`tocsin.tracking.infrared.launch_area_single` without the height spread), give
**footprints** r_i at times t_i with noise σ_i (angular noise × range, over the incidence). A
fire or a cloud lit by the Sun (the 26 September 1983 case) stays put or drifts slowly and
uniformly with the Sun; a booster's footprint runs off at kilometres per second and speeds up.

Weighted least squares of r(τ) = r₀ + vτ (+ ½aτ² with four points or more), τ = t − t_last,
W = diag(1/σᵢ²), gives the coefficient covariance C = (VᵀWV)⁻¹ (per axis; σ_v² = C₁₁,
σ_a² = C₂₂) — Bar-Shalom, Li & Kirubarajan (2001) §3.4 (least squares of a polynomial in time).
The sequence looks like a launch when

* the speed is fast and significant: |v| ≥ ``min_speed_m_s`` and |v| ≥ ``z_speed`` σ_v;
* and either the footprint is faster than any sunlit cloud's (|v| ≥ ``fast_m_s``: the specular
  point moves at most a few hundred m/s as the Earth turns) or, with four points or more, it
  speeds up significantly (a·v̂ ≥ ``z_accel`` σ_a).

and the footprints fit that polynomial: the weighted residual χ² ≤ χ²₃₍ₙ₋ₚ₎(0.999) (p = 2 or
3 coefficients per axis). The fit test stops a track whose first point was a random false alarm
near a fire — a jump of tens of kilometres that reads as a fast footprint — from passing as a
launch.

The thresholds are one-sided 4σ tests (false-positive rate ~3·10⁻⁵ per test on Gaussian noise),
because a persistent source is tested again at every frame of its tentative track.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

__all__ = ["moves_like_launch", "climbs_like_launch"]


def moves_like_launch(t_s: ArrayLike, r_ecef_m: ArrayLike, sigma_m: ArrayLike, *,
                      min_span_s: float = 8.0, min_speed_m_s: float = 300.0,
                      fast_m_s: float = 1500.0, z_speed: float = 4.0, z_accel: float = 4.0
                      ) -> bool:
    """Whether footprints ``r_ecef_m (n, 3)`` at ``t_s (n,)`` with noise ``sigma_m (n,)`` move
    like a booster (module docstring). Needs ≥ 3 points over ``min_span_s``."""
    t = np.asarray(t_s, np.float64)
    r = np.asarray(r_ecef_m, np.float64)
    s = np.asarray(sigma_m, np.float64)
    ok = np.isfinite(t) & np.all(np.isfinite(r), -1) & np.isfinite(s) & (s > 0)
    t, r, s = t[ok], r[ok], s[ok]
    if t.size < 3 or t.max() - t.min() < min_span_s:
        return False
    tau = t - t.max()
    quad = t.size >= 4
    cols = [np.ones_like(tau), tau] + ([0.5 * tau ** 2] if quad else [])
    V = np.stack(cols, -1)
    w = 1.0 / s ** 2
    C = np.linalg.inv(V.T @ (w[:, None] * V))                  # C = (Vᵀ W V)⁻¹
    coef = C @ (V.T @ (w[:, None] * r))                        # (VᵀWV)⁻¹ VᵀW r
    res = r - V @ coef
    dof = 3 * (t.size - V.shape[1])
    if dof > 0 and float(np.sum(w[:, None] * res ** 2)) > chi2.ppf(0.999, dof):
        return False                                           # not one smooth motion
    v = coef[1]
    speed = float(np.linalg.norm(v))
    if speed < min_speed_m_s or speed < z_speed * np.sqrt(C[1, 1]):
        return False
    if speed >= fast_m_s:
        return True
    if not quad:
        return False
    a_along = float(coef[2] @ v) / speed
    return a_along >= z_accel * np.sqrt(C[2, 2])


def climbs_like_launch(t_s: ArrayLike, r_ecef_m: ArrayLike, P: ArrayLike, *,
                       min_span_s: float = 8.0, min_climb_m_s: float = 300.0,
                       z_climb: float = 4.0) -> bool:
    """Whether triangulated points ``r_ecef_m (n, 3)`` with covariances ``P (n, 3, 3)`` at
    ``t_s (n,)`` climb like a booster: one straight line r(τ) = r₀ + vτ fits them
    (generalised least squares with Wᵢ = Pᵢ⁻¹, χ² ≤ χ²₃ₙ₋₆(0.999)) and the climb rate
    v·û (û the local vertical) is ≥ ``min_climb_m_s`` and ≥ ``z_climb`` σ. Two or more
    satellites give the height directly, so a booster — climbing at 0.5–2 km/s a minute after
    launch — shows itself in a few frames, while a fire, a flare or sunlit cloud does not move.
    Needs ≥ 3 points over ``min_span_s``."""
    t = np.asarray(t_s, np.float64)
    r = np.asarray(r_ecef_m, np.float64)
    S = np.asarray(P, np.float64)
    if t.size < 3 or t.max() - t.min() < min_span_s:
        return False
    tau = t - t.max()
    W = np.linalg.inv(S)                                       # Wᵢ = Pᵢ⁻¹
    eye = np.eye(3)
    A = np.concatenate([np.broadcast_to(eye, (t.size, 3, 3)),
                        tau[:, None, None] * eye], axis=2)     # Aᵢ = [I, τᵢ I]
    AtW = np.swapaxes(A, 1, 2) @ W
    N = np.sum(AtW @ A, axis=0)                                # Σ Aᵢᵀ Wᵢ Aᵢ
    C = np.linalg.inv(N)
    coef = C @ np.sum(AtW @ r[:, :, None], axis=0)[:, 0]       # (r₀, v)
    res = r - (A @ coef)
    if float(np.einsum("ni,nij,nj->", res, W, res)) > chi2.ppf(0.999, 3 * t.size - 6):
        return False
    up = coef[:3] / np.linalg.norm(coef[:3])                   # geocentric vertical
    climb = float(up @ coef[3:])
    sigma = float(np.sqrt(up @ C[3:, 3:] @ up))
    return climb >= min_climb_m_s and climb >= z_climb * sigma
