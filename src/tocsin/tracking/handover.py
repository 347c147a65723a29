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

from tocsin.earth.constants import A_M, OMEGA_EARTH_RAD_S
from tocsin.tracking.infrared import IrMeasurement
from tocsin.tracking.linalg import hpht
from tocsin.tracking.log import MODE_BOOST, MODE_COAST
from tocsin.tracking.phases import PhaseModel

__all__ = ["Rays", "back_check", "in_plane"]

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


def back_check(motion: PhaseModel, x: np.ndarray, P: np.ndarray, t_s: float,
               rays: list[Rays], burnout_s: np.ndarray, thrust_m_s2: np.ndarray,
               thrust_var: np.ndarray, burn_spread_s: float, base_margin_m: float = 1e3
               ) -> np.ndarray:
    """d² (c,) (module docstring) of one coasting state ``x (7,)``, ``P (7, 7)`` at ``t_s``
    against c candidates' earlier ``rays``; the caller compares each with χ²₂L.

    Back to each candidate's estimated burnout ``burnout_s[c]`` ballistically, then on with
    that track's last thrust estimate a_T = ``thrust_m_s2[c]`` (variance ``thrust_var[c]``)
    along the velocity to each of its earlier rays. The burnout time is uncertain by
    ``burn_spread_s`` = δ: ray i is widened by ε_i = a_T δ (t_b − t_i) + ½ a_T δ² +
    ``base_margin_m``. Two calls of the propagation kernel, whatever the number of candidates.
    """
    c = len(rays)
    xb, Pb = motion.predict(np.repeat(x[None], c, 0), np.repeat(P[None], c, 0),
                            np.asarray(burnout_s, float) - t_s, np.full(c, MODE_COAST, np.int8))
    xb[:, 6] = thrust_m_s2                                 # x₆ is a_T again before burnout
    Pb[:, 6, :] = Pb[:, :, 6] = 0.0
    Pb[:, 6, 6] = thrust_var
    n = np.array([len(r) for r in rays])
    own = np.repeat(np.arange(c), n)                        # candidate of each ray
    cat = Rays(*(np.concatenate([getattr(r, f) for r in rays]) for f in
                 ("t_s", "z", "R", "sensor_r_ecef_m", "sensor_frame")))
    tb = np.asarray(burnout_s, float)[own]
    modes = np.where(cat.t_s < tb, MODE_BOOST, MODE_COAST).astype(np.int8)
    xs, Ps = motion.predict(xb[own], Pb[own], cat.t_s - tb, modes)
    # A propagation that blew up (a long backward run through a boost can leave the state or
    # its covariance non-finite or absurd) is no evidence: such rays get d² = ∞, and nothing
    # is computed from them (no overflow, no warnings).
    live = (np.isfinite(xs).all(axis=1) & np.isfinite(Ps).all(axis=(1, 2))
            & (np.abs(xs[:, :6]) < 1e9).all(axis=1))
    d2 = np.full(len(cat.t_s), np.inf)
    if live.any():
        li = np.flatnonzero(live)
        sub = Rays(*(getattr(cat, f)[li] for f in
                     ("t_s", "z", "R", "sensor_r_ecef_m", "sensor_frame")))
        z_hat, H = _IR.predict_measurement(xs[li], sub)
        nu = _IR.residual(sub.z, z_hat)
        rho = np.linalg.norm(xs[li, :3] - sub.sensor_r_ecef_m, axis=1)
        a = np.abs(np.asarray(thrust_m_s2, float))[own[li]]
        eps = (a * burn_spread_s * np.maximum(tb[li] - sub.t_s, 0.0)
               + 0.5 * a * burn_spread_s ** 2 + base_margin_m)
        S = hpht(Ps[li], H) + sub.R + ((eps / rho) ** 2)[:, None, None] * np.eye(2)
        # A covariance that lost positive definiteness on a long propagation: no evidence.
        det = S[:, 0, 0] * S[:, 1, 1] - S[:, 0, 1] * S[:, 1, 0]
        pd = np.isfinite(det) & (det > 0) & (S[:, 0, 0] > 0)          # 2×2 SPD
        if pd.any():
            q = np.flatnonzero(pd)
            d2[li[q]] = np.einsum("li,li->l", nu[q],
                                  np.linalg.solve(S[q], nu[q][..., None])[..., 0])
    bad = ~np.isfinite(d2) | (d2 < 0)
    d2 = np.where(bad, np.inf, d2)
    return np.bincount(own, np.where(bad, 0.0, d2), c) + np.where(
        np.bincount(own, bad.astype(float), c) > 0, np.inf, 0.0)


def in_plane(r_ecef_m: np.ndarray, v_ecef_m_s: np.ndarray, t_s: float, ray_t_s: np.ndarray,
             sat_r_ecef_m: np.ndarray, los_ecef: np.ndarray, tol_m: float = 300e3
             ) -> np.ndarray:
    """Cheap pre-test (c,): can each ray (time (c,), satellite (c, 3), unit direction (c, 3))
    meet the radar track's trajectory plane at a sensible height?

    A coasting object stays in the plane through the Earth's centre normal to r × v_inertial
    (v_inertial = v + ω×r; J2 turns it by well under a degree in the minutes concerned). Rays are
    turned by the Earth's rotation ω(t − tᵢ) about ẑ into the frame of ``t_s``; a ray passes if
    the point where it meets the plane lies within ``tol_m`` of the plane's reach, i.e. at a
    height of −``tol_m`` to 3,000 km + ``tol_m``, in front of the satellite — or if the ray runs
    within ``tol_m`` of the plane anywhere in that height band (rays nearly in the plane)."""
    w = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])
    n = np.cross(r_ecef_m, v_ecef_m_s + np.cross(w, r_ecef_m))
    n = n / np.linalg.norm(n)
    ang = OMEGA_EARTH_RAD_S * (t_s - np.asarray(ray_t_s, float))    # ECEF(tᵢ) → ECEF(t)
    c, s_ = np.cos(ang), np.sin(ang)

    def turn(a: np.ndarray) -> np.ndarray:
        return np.stack([c * a[:, 0] + s_ * a[:, 1], -s_ * a[:, 0] + c * a[:, 1], a[:, 2]], 1)

    sat, u = turn(np.asarray(sat_r_ecef_m, float)), turn(np.asarray(los_ecef, float))
    dist_sat = sat @ n                                  # signed distance of the satellite
    rate = u @ n
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = -dist_sat / rate                           # along the ray to the plane
    p = sat + lam[:, None] * u
    h = np.linalg.norm(p, axis=1) - A_M
    meets = (lam > 0) & (h > -tol_m) & (h < 3000e3 + tol_m)
    # Nearly parallel rays: closest approach to the plane over the ray's useful length.
    lam_c = np.clip(-(sat * u).sum(1), 0.0, None)        # nearest point to the Earth's centre
    near = np.abs(dist_sat + lam_c * rate) <= tol_m
    return meets | near
