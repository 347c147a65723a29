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

* with four points or more, the straight line alone fits and its speed is fast (|v| ≥
  ``fast_m_s``: faster than any sunlit cloud's footprint — the specular point moves at most a few
  hundred m/s as the Earth turns) and significant; the line's speed σ is half the parabola's,
  so a fast booster passes a frame earlier;
* or the fitted polynomial's speed is significant and ≥ ``min_speed_m_s``, and either fast or,
  with four points or more (a parabola), it speeds up significantly (a·v̂ ≥ ``z_accel`` σ_a);

and the footprints fit that polynomial: the weighted residual χ² ≤ χ²₃₍ₙ₋ₚ₎(0.999) (p = 2 or
3 coefficients per axis). The fit test stops a track whose first point was a random false alarm
near a fire — a jump of tens of kilometres that reads as a fast footprint — from passing as a
launch. |v| is the norm of a 3-D estimate: |v| ≥ 4 σ_v of the parabola is passed by about one
static source in 1,000 (a 4.87σ test, the χ²₃ quantile, would be 3·10⁻⁵ but delayed the
100-launch benchmark's single-satellite confirmations from 14 to 21 frames); the two passes in
a row that confirmation asks for keep such sources out (100 soak hours: none).

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
    w = 1.0 / s ** 2
    # A fast footprint shows itself on the straight line alone (the sharper speed test: with
    # four points the quadratic's speed σ is twice the line's); a slower one must speed up.
    if t.size >= 4:
        line = _poly_fit(tau, r, w, 2)
        if line is not None and line[0] >= fast_m_s and line[0] >= z_speed * line[1]:
            return True
    quad = t.size >= 4
    fit = _poly_fit(tau, r, w, 3 if quad else 2)
    if fit is None:
        return False                                           # not one smooth motion
    speed, sigma_v, coef, C = fit
    v = coef[1]
    if speed < min_speed_m_s or speed < z_speed * sigma_v:
        return False
    if speed >= fast_m_s:
        return True
    if not quad:
        return False
    a_along = float(coef[2] @ v) / speed
    return a_along >= z_accel * np.sqrt(C[2, 2])


def _poly_fit(tau: np.ndarray, r: np.ndarray, w: np.ndarray, p: int
              ) -> tuple[float, float, np.ndarray, np.ndarray] | None:
    """Weighted least squares of r(τ) by a polynomial of p coefficients per axis (r₀, v, ½a):
    (|v|, σ_v, coefficients (p, 3), C (p, p)), or None when the residual χ² exceeds
    χ²₃₍ₙ₋ₚ₎(0.999)."""
    cols = [np.ones_like(tau), tau, 0.5 * tau ** 2][:p]
    V = np.stack(cols, -1)
    C = np.linalg.inv(V.T @ (w[:, None] * V))                  # C = (Vᵀ W V)⁻¹
    coef = C @ (V.T @ (w[:, None] * r))                        # (VᵀWV)⁻¹ VᵀW r
    res = r - V @ coef
    dof = 3 * (tau.size - p)
    if dof > 0 and float(np.sum(w[:, None] * res ** 2)) > chi2.ppf(0.999, dof):
        return None
    return float(np.linalg.norm(coef[1])), float(np.sqrt(C[1, 1])), coef, C


def climbs_like_launch(t_s: ArrayLike, r_ecef_m: ArrayLike, P: ArrayLike, *,
                       min_span_s: float = 8.0, min_climb_m_s: float = 300.0,
                       z_climb: float = 4.0) -> bool:
    """Whether triangulated points ``r_ecef_m (n, 3)`` with covariances ``P (n, 3, 3)`` at
    ``t_s (n,)`` climb like a booster: one straight line r(τ) = r₀ + vτ fits them
    (generalised least squares with Wᵢ = Pᵢ⁻¹, χ² ≤ χ²₃ₙ₋₆(0.999)) — or, with four points or
    more, when the line does not, a parabola (χ² ≤ χ²₃ₙ₋₉(0.999); a booster's 20–30 m/s²
    bends 30 s of points off the line by more than their σ) — and the climb rate v·û at the
    latest point (û the local vertical) is ≥ ``min_climb_m_s`` and ≥ ``z_climb`` σ. Two or more
    satellites give the height directly, so a booster — climbing at 0.5–2 km/s a minute after
    launch — shows itself in a few frames, while a fire, a flare or sunlit cloud does not move.
    Needs ≥ 3 points over ``min_span_s``."""
    t = np.asarray(t_s, np.float64)
    r = np.asarray(r_ecef_m, np.float64)
    S = np.asarray(P, np.float64)
    if t.size < 3 or t.max() - t.min() < min_span_s:
        return False
    tau = t - t.max()
    try:
        W = np.linalg.inv(S)                                   # Wᵢ = Pᵢ⁻¹
    except np.linalg.LinAlgError:
        return False            # a point without a definite covariance proves no climb
    if not np.isfinite(W).all():
        return False
    # A straight line first; a booster's acceleration bends a long series of points off it,
    # so with four points or more a parabola (its climb rate at the latest point) may pass.
    for p in ((2, 3) if t.size >= 4 else (2,)):
        fit = _climb_fit(tau, r, W, p)
        if fit is not None:
            climb, sigma = fit
            return climb >= min_climb_m_s and climb >= z_climb * sigma
    return False


def _climb_fit(tau: np.ndarray, r: np.ndarray, W: np.ndarray, p: int
               ) -> tuple[float, float] | None:
    """Generalised least squares of points r (n, 3) with weights W (n, 3, 3) by a polynomial
    in τ of p vector coefficients (r₀, v, ½a): the climb rate v·û at τ = 0 and its σ, or None
    when the residual χ² exceeds χ²₃ₙ₋₃ₚ(0.999)."""
    n = tau.size
    eye = np.eye(3)
    A = np.concatenate([np.broadcast_to(eye, (n, 3, 3))]
                       + [(tau ** q / (2.0 if q == 2 else 1.0))[:, None, None] * eye
                          for q in range(1, p)], axis=2)     # Aᵢ = [I, τᵢ I, ½τᵢ² I]
    AtW = np.swapaxes(A, 1, 2) @ W
    try:
        C = np.linalg.inv(np.sum(AtW @ A, axis=0))             # (Σ Aᵢᵀ Wᵢ Aᵢ)⁻¹
    except np.linalg.LinAlgError:
        return None
    coef = C @ np.sum(AtW @ r[:, :, None], axis=0)[:, 0]       # (r₀, v[, a])
    res = r - (A @ coef)
    if float(np.einsum("ni,nij,nj->", res, W, res)) > chi2.ppf(0.999, 3 * n - 3 * p):
        return None
    up = coef[:3] / np.linalg.norm(coef[:3])                   # geocentric vertical
    return float(up @ coef[3:6]), float(np.sqrt(up @ C[3:6, 3:6] @ up))
