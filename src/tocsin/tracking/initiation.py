"""Starting system tracks from the physics: two points, gravity, thrust and range rate.

A report no track takes becomes a **seed**: a 3-D point with its covariance — a radar plot
converted to ECEF, a triangulated infrared point, or a single satellite's line of sight meeting
the plume's expected height (:func:`tocsin.tracking.infrared.launch_area_single`). A later point
within reach of a seed (‖r₂ − r₁‖ ≤ v_max Δt + g √tr(S₁ + S₂), Δt > 0) makes a tentative track;
seeds and points are paired by 2-D assignment on how far into that reach they lie, so a point
starts at most one track.

The two-point state accounts for the acceleration over Δt, which plain differencing leaves out
(its chord velocity is off by a Δt/2, ~25 m/s for Δt = 5 s under gravity alone — hundreds of
metres at the next plot against metres of range noise). With r₂ = r₁ + v₁Δt + ½aΔt² and
v₂ = v₁ + aΔt:

    v₂ = (r₂ − r₁)/Δt + ½ a Δt,   a = g_J2 − 2ω×v − ω×(ω×r) + a_T û,

evaluated at r₂ with the chord velocity (û its direction). The thrust a_T is unknown: the track
starts in boost mode with x₆ = a_T ~ N(0, σ_T²), which enters v₂ through ½ a_T û Δt. Hence, with
S₁, S₂ the points' covariances (BLK 2001 §5.5.3 for the two-point part):

    P_rr = S₂,  P_rv = S₂/Δt,  P_vv = (S₁ + S₂)/Δt² + (½Δt σ_T)² ûûᵀ,
    P_v6 = ½Δt σ_T² û,  P_66 = σ_T².

A radar seed pair must also agree on range rate — |ρ̇₂ − û_ρ·v₂| within ``rdot_sigmas`` of its
predicted spread (σ²_ρ̇ + û_ρᵀP_vv û_ρ) — and the second plot's range rate then updates the new
track (a 1-D unscented update through :class:`~tocsin.tracking.radar_model.RadarMeasurement`,
:meth:`TwoPointInitiator._rdot_update` says why): range rate is the radar's most accurate
measurement and fixes the radial velocity at once. The points are the plots converted to ECEF,
debiased along the line of sight (:func:`~tocsin.tracking.radar_model.plots_to_ecef`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from tocsin.tracking.association import solve_assignment
from tocsin.tracking.ballistic import BallisticEcef
from tocsin.tracking.radar_model import RadarContext, RadarMeasurement
from tocsin.tracking.unscented import unscented_update

__all__ = ["Seeds", "TwoPointStarts", "TwoPointInitiator", "two_point_state"]

_BALLISTIC = BallisticEcef(drag=False)
_RADAR = RadarMeasurement()


@dataclass(frozen=True)
class Seeds:
    """s one-point candidates: position ``r (s, 3)`` ECEF m, covariance ``S (s, 3, 3)``, time
    ``t_s (s,)``, expiry ``expires_s (s,)``, the detection rows and sensors that made each
    ``rows (s, K)``/``sensors (s, K)`` (−1 padded), ``single (s,)`` single-line-of-sight IR
    points; radar seeds carry range rate ``rdot (s,)`` (NaN for IR) with variance ``rdot_var``,
    and their site ``site (s, 3)`` and ENU rows ``enu (s, 3, 3)``."""

    r: np.ndarray
    S: np.ndarray
    t_s: np.ndarray
    expires_s: np.ndarray
    rows: np.ndarray
    sensors: np.ndarray
    single: np.ndarray
    rdot: np.ndarray
    rdot_var: np.ndarray
    site: np.ndarray
    enu: np.ndarray

    @staticmethod
    def empty(k: int = 1) -> Seeds:
        return Seeds(np.zeros((0, 3)), np.zeros((0, 3, 3)), np.zeros(0), np.zeros(0),
                     np.zeros((0, k), np.int64), np.zeros((0, k), np.int64), np.zeros(0, bool),
                     np.zeros(0), np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3, 3)))

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def take(self, which: np.ndarray) -> Seeds:
        return Seeds(*(getattr(self, name)[which] for name in _SEED_FIELDS))

    def concat(self, other: Seeds) -> Seeds:
        if len(other) == 0 and other.rows.shape[1] <= self.rows.shape[1]:
            return self
        if len(self) == 0 and self.rows.shape[1] <= other.rows.shape[1]:
            return other
        k = max(self.rows.shape[1], other.rows.shape[1])

        def pad(a: np.ndarray) -> np.ndarray:
            if a.shape[1] == k:
                return a
            return np.pad(a, ((0, 0), (0, k - a.shape[1])), constant_values=-1)

        out = []
        for name in _SEED_FIELDS:
            a, b = getattr(self, name), getattr(other, name)
            if name in ("rows", "sensors"):
                a, b = pad(a), pad(b)
            out.append(np.concatenate((a, b)))
        return Seeds(*out)


_SEED_FIELDS = tuple(f.name for f in fields(Seeds))


@dataclass(frozen=True)
class TwoPointStarts:
    """c tentative tracks: 7-D boost-mode state ``x``, ``P``, at ``t_s``; first time ``born_s``;
    the detections used ``rows (c, K)``/``sensors (c, K)`` (−1 padded); whether any point was a
    single line of sight ``single (c,)``; and the two points ``r1``, ``t1_s`` (for the
    launch-likeness history) with the first one's covariance ``S1``."""

    x: np.ndarray
    P: np.ndarray
    t_s: np.ndarray
    born_s: np.ndarray
    rows: np.ndarray
    sensors: np.ndarray
    single: np.ndarray
    r1: np.ndarray
    t1_s: np.ndarray
    x_alt: np.ndarray
    P_alt: np.ndarray
    S1: np.ndarray

    def __len__(self) -> int:
        return int(self.t_s.shape[0])


def two_point_state(r1: np.ndarray, S1: np.ndarray, t1_s: np.ndarray, r2: np.ndarray,
                    S2: np.ndarray, t2_s: np.ndarray, sigma_thrust_m_s2: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """7-D boost-mode states (c, 7) and covariances (c, 7, 7) at the second points (module
    docstring); inputs (c, 3), (c, 3, 3), (c,)."""
    dt = (np.asarray(t2_s, np.float64) - np.asarray(t1_s, np.float64))[:, None]
    chord = (r2 - r1) / dt                                          # (r₂ − r₁)/Δt
    a = _BALLISTIC.derivative(np.concatenate([r2, chord], 1))[0][:, 3:6]
    v = chord + 0.5 * a * dt                                        # v₂ = chord + ½ a Δt
    sp = np.linalg.norm(v, axis=1, keepdims=True)
    u = np.where(sp > 1.0, v / np.maximum(sp, 1e-300), 0.0)         # û = v/|v|
    c = r1.shape[0]
    x = np.zeros((c, 7))
    x[:, :3], x[:, 3:6] = r2, v
    P = np.zeros((c, 7, 7))
    dt3 = dt[:, :, None]
    h = 0.5 * dt3 * sigma_thrust_m_s2
    P[:, :3, :3] = S2                                               # P_rr = S₂
    P[:, :3, 3:6] = P[:, 3:6, :3] = S2 / dt3                        # P_rv = S₂/Δt
    P[:, 3:6, 3:6] = (S1 + S2) / dt3 ** 2 + h ** 2 * u[:, :, None] * u[:, None, :]
    P[:, 3:6, 6] = P[:, 6, 3:6] = 0.5 * dt * sigma_thrust_m_s2 ** 2 * u   # P_v6 = ½Δt σ_T² û
    P[:, 6, 6] = sigma_thrust_m_s2 ** 2
    return x, P


@dataclass(frozen=True)
class TwoPointInitiator:
    """Pairs new points with seeds into tentative boost-mode tracks (module docstring).

    ``max_speed_m_s`` bounds the distance a target covers between two points, ``noise_sigmas``
    the noise margin; ``sigma_thrust_m_s2`` the prior spread of a_T; ``rdot_sigmas`` the range
    rate test of radar pairs (``accel_margin_m_s2`` × Δt is added for unmodelled thrust). Radar
    starts also carry their coast hypothesis (no thrust; 1/β ~ ``inv_beta0`` ± ``inv_beta_sigma``).
    """

    max_speed_m_s: float = 8000.0
    noise_sigmas: float = 3.0
    sigma_thrust_m_s2: float = 30.0
    rdot_sigmas: float = 4.0
    accel_margin_m_s2: float = 60.0
    inv_beta0: float = 2e-4
    inv_beta_sigma: float = 5e-4

    def initiate(self, seeds: Seeds, pts: Seeds, t_s: float) -> tuple[TwoPointStarts, Seeds]:
        """New tracks from ``pts`` (points of time ``t_s``) paired with unexpired ``seeds``;
        returns them and the seeds to keep (unpaired old seeds plus unpaired new points)."""
        seeds = seeds.take(seeds.expires_s >= t_s)
        s, k = len(seeds), len(pts)
        si = dj = np.zeros(0, np.intp)
        if s and k:
            si, dj = np.divmod(np.arange(s * k), k)
            dt = t_s - seeds.t_s[si]
            var = (np.trace(seeds.S, axis1=1, axis2=2)[si]
                   + np.trace(pts.S, axis1=1, axis2=2)[dj])
            reach = self.max_speed_m_s * dt + self.noise_sigmas * np.sqrt(var)
            ratio = np.linalg.norm(pts.r[dj] - seeds.r[si], axis=1) / np.where(dt > 0, reach, 1)
            ok = (dt > 0) & (ratio <= 1.0)
            si, dj, ratio = si[ok], dj[ok], ratio[ok]
            if si.size:
                si, dj, ratio = self._rdot_gate(seeds, pts, si, dj, ratio)
            if si.size:
                take = solve_assignment(si, dj, ratio, s, k, 1.0 + 1e-9)
                si, dj = si[take], dj[take]
        starts = self._starts(seeds, pts, si, dj, t_s)
        old = np.ones(s, bool)
        old[si] = False
        new = np.ones(k, bool)
        new[dj] = False
        return starts, seeds.take(old).concat(pts.take(new))

    def _rdot_gate(self, seeds: Seeds, pts: Seeds, si: np.ndarray, dj: np.ndarray,
                   ratio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Drop radar pairs whose second plot's range rate disagrees with the two-point v₂."""
        radar = np.isfinite(pts.rdot[dj])
        if not radar.any():
            return si, dj, ratio
        q = np.flatnonzero(radar)
        x, P = two_point_state(seeds.r[si[q]], seeds.S[si[q]], seeds.t_s[si[q]], pts.r[dj[q]],
                               pts.S[dj[q]], pts.t_s[dj[q]], self.sigma_thrust_m_s2)
        d = x[:, :3] - pts.site[dj[q]]
        u = d / np.linalg.norm(d, axis=1, keepdims=True)
        pred = np.einsum("ki,ki->k", u, x[:, 3:6])                  # ρ̇ = û_ρ·v₂
        var = pts.rdot_var[dj[q]] + np.einsum("ki,kij,kj->k", u, P[:, 3:6, 3:6], u)
        dt = pts.t_s[dj[q]] - seeds.t_s[si[q]]
        lim = self.rdot_sigmas * np.sqrt(var) + self.accel_margin_m_s2 * dt
        keep = np.ones(si.size, bool)
        keep[q] = np.abs(pts.rdot[dj[q]] - pred) <= lim
        return si[keep], dj[keep], ratio[keep]

    def _starts(self, seeds: Seeds, pts: Seeds, si: np.ndarray, dj: np.ndarray, t_s: float
                ) -> TwoPointStarts:
        c = si.size
        kk = max(seeds.rows.shape[1], 1) + max(pts.rows.shape[1], 1)
        if c == 0:
            return TwoPointStarts(np.zeros((0, 7)), np.zeros((0, 7, 7)), np.zeros(0),
                                  np.zeros(0), np.zeros((0, kk), np.int64),
                                  np.zeros((0, kk), np.int64), np.zeros(0, bool),
                                  np.zeros((0, 3)), np.zeros(0), np.zeros((0, 7)),
                                  np.zeros((0, 7, 7)), np.zeros((0, 3, 3)))
        x, P = two_point_state(seeds.r[si], seeds.S[si], seeds.t_s[si], pts.r[dj], pts.S[dj],
                               pts.t_s[dj], self.sigma_thrust_m_s2)
        radar = np.flatnonzero(np.isfinite(pts.rdot[dj]))
        xa, Pa = np.full((c, 7), np.nan), np.full((c, 7, 7), np.nan)
        if radar.size:
            ra, rb = si[radar], dj[radar]
            # The coast hypothesis: no thrust, x₆ = 1/β from its prior (phases.PhaseModel).
            xc, Pc = two_point_state(seeds.r[ra], seeds.S[ra], seeds.t_s[ra], pts.r[rb],
                                     pts.S[rb], pts.t_s[rb], 0.0)
            xc[:, 6], Pc[:, 6, 6] = self.inv_beta0, self.inv_beta_sigma ** 2
            x[radar], P[radar] = self._rdot_update(x[radar], P[radar], pts, rb)
            xa[radar], Pa[radar] = self._rdot_update(xc, Pc, pts, rb)
        rows = np.concatenate([seeds.rows[si], pts.rows[dj]], 1)
        sens = np.concatenate([seeds.sensors[si], pts.sensors[dj]], 1)
        return TwoPointStarts(x, P, np.full(c, float(t_s)), seeds.t_s[si], rows, sens,
                              seeds.single[si] | pts.single[dj], seeds.r[si], seeds.t_s[si],
                              xa, Pa, seeds.S[si])

    @staticmethod
    def _rdot_update(x: np.ndarray, P: np.ndarray, pts: Seeds, rb: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """1-D unscented update of states (r, 7) with the range rates of radar points ``rb``.

        At long range the two-point state is kilometres uncertain across the line of sight in
        position and ~1 km/s in velocity, the two strongly correlated (P_rv = S₂/Δt), and
        ρ̇ = d·v/ρ is bilinear in them: the prior predicts ρ̇ off by E[δr_⊥·δv_⊥]/ρ =
        tr(S₂⊥)/(Δt ρ) on average (~20 m/s at 3,500 km against a ρ̇ σ of 2–5 m/s) and spreads it
        as much. A linearised update, iterated or not, sees neither: the new tracks' coast
        hypotheses in two-partners came out with a 6-D NEES of 13–21 where the two-point state
        had 8. The unscented transform carries the second-order mean and spread (Julier &
        Uhlmann, Proc. IEEE 92(3), 2004), and its linear-regression update counts that spread
        as noise."""
        ctx = RadarContext(pts.site[rb], pts.enu[rb])

        def h(X: np.ndarray) -> np.ndarray:
            return _RADAR.measure(X, ctx)[..., 3:4]

        xu, Pu, _ = unscented_update(x, P, pts.rdot[rb][:, None],
                                     pts.rdot_var[rb][:, None, None], h, np.subtract)
        return xu, Pu


def seeds_from_points(r: np.ndarray, S: np.ndarray, t_s: np.ndarray, max_age_s: float,
                      rows: np.ndarray, sensors: np.ndarray, single: np.ndarray | None = None,
                      rdot: np.ndarray | None = None, rdot_var: np.ndarray | None = None,
                      site: np.ndarray | None = None, enu: np.ndarray | None = None) -> Seeds:
    """Seeds (k) from points; radar ones with range rate, site and ENU rows."""
    k = r.shape[0]
    t = np.broadcast_to(np.asarray(t_s, np.float64), (k,)).copy()
    rows2 = np.asarray(rows, np.int64).reshape(k, -1)
    return Seeds(np.asarray(r, np.float64), np.asarray(S, np.float64), t, t + max_age_s,
                 rows2, np.asarray(sensors, np.int64).reshape(k, -1),
                 np.zeros(k, bool) if single is None else np.asarray(single, bool),
                 np.full(k, math.nan) if rdot is None else np.asarray(rdot, np.float64),
                 np.full(k, math.nan) if rdot_var is None else np.asarray(rdot_var, np.float64),
                 np.zeros((k, 3)) if site is None else np.asarray(site, np.float64),
                 np.zeros((k, 3, 3)) if enu is None else np.asarray(enu, np.float64))
