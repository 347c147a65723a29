"""A radar's scan in a partner's system tracker: update, burnout evidence, misses, starts.

One scan of radar k at time t (:func:`radar_scan`): the partner's tracks within reach are
pre-gated against the scan's plots in ECEF (converted plots, radius from the track and plot
covariances plus the unmodelled acceleration over the gap), predicted with their own phase model
(:mod:`tocsin.tracking.phases`), gated on the plot itself — range, azimuth, elevation and range
rate, χ²₄ at P_G — and assigned by GNN (2-D assignment on d²). The chosen pairs get the
extended Kalman update in Joseph form (:mod:`tocsin.tracking.linalg`, BLK 2001 eq. 5.2.3-18).
A boosting track's coast hypothesis is updated with the same plot and the ln-likelihood ratio
coast/boost handed to the burnout test. Tracks the scan could have seen but did not update are
charged a miss (the radar's own ``radar_possible`` and Swerling I Pd); the plots no track took
start tracks (:mod:`tocsin.tracking.initiation`). The tracker's state is the
:class:`~tocsin.tracking.partner.PartnerTracker` ``pt`` each function is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tocsin.sensors import infrared as irm
from tocsin.sensors import radar as rdm
from tocsin.sensors.detections import DetectionBatch
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.association import solve_assignment
from tocsin.tracking.initiation import Seeds, seeds_from_points
from tocsin.tracking.iterated import iterated_radar_update
from tocsin.tracking.linalg import hpht
from tocsin.tracking.log import MODE_BOOST, MODE_COAST, PHEN_IR, PHEN_RADAR
from tocsin.tracking.radar_model import RadarContext, RadarMeasurement
from tocsin.tracking.systracks import ORIGIN_RADAR, SystemTracks

if TYPE_CHECKING:
    from tocsin.tracking.partner import PartnerTracker

__all__ = ["radar_scan"]

_RADAR = RadarMeasurement()


def _d2(nu: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distances νᵀ S⁻¹ ν (p,) of innovations ``nu (p, m)``."""
    return np.einsum("pi,pi->p", nu, np.linalg.solve(S, nu[..., None])[..., 0])


def radar_scan(pt: PartnerTracker, t: float, k: int, plots: DetectionBatch, rows: np.ndarray,
                c: np.ndarray, Sc: np.ndarray) -> None:
    """Radar k's scan at t: its plots, their rows, and their ECEF conversions c, Sc."""
    model = pt.models.get(k)
    if len(plots) == 0 and not (isinstance(model, rdm.Radar) and pt._may_charge(k, t)):
        return                        # an empty scan that cannot charge a miss changes nothing
    ts = pt.tracks
    n = len(ts)
    dt = t - ts.t_s
    r_ext = ts.x[:, :3] + ts.x[:, 3:6] * dt[:, None]                # r + v Δt
    if isinstance(model, rdm.Radar):
        near = np.linalg.norm(r_ext - model.r_ecef_m, axis=1) <= model.max_range_m + 200e3
    else:
        near = np.ones(n, bool)
    # An infrared-only track too vague for a radar gate waits for the hand-over instead.
    vague = (ts.phen == PHEN_IR) & (np.trace(ts.P[:, :3, :3], axis1=1, axis2=2) + dt ** 2
                                    * np.trace(ts.P[:, 3:6, 3:6], axis1=1, axis2=2)
                                    > pt.manager.radar_gate_sigma_m ** 2)
    near &= ~vague
    cand = np.flatnonzero(near)
    updated = np.zeros(n, bool)
    free = np.ones(len(plots), bool)
    if len(plots) and cand.size:
        updated, free = _radar_update(pt, t, k, model, plots, rows, cand, dt, r_ext, c, Sc)
    _charge_misses(pt, k, t, model, cand[~updated[cand]], r_ext)
    if free.any():
        _radar_initiate(pt, t, k, model, plots.take(free), rows[free], c[free], Sc[free])


def _radar_update(pt: PartnerTracker, t: float, k: int,
                  model: rdm.Radar | irm.InfraredSensor | None, plots: DetectionBatch,
                  rows: np.ndarray, cand: np.ndarray, dt: np.ndarray, r_ext: np.ndarray,
                  c: np.ndarray, Sc: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    ts = pt.tracks
    Pr = ts.P[cand]
    d = dt[cand]
    accel = np.where(ts.mode[cand] == MODE_BOOST, 100.0, 15.0)
    var = (np.trace(Pr[:, :3, :3], axis1=1, axis2=2) + 2 * np.abs(d)
           * np.abs(np.trace(Pr[:, :3, 3:6], axis1=1, axis2=2))
           + d ** 2 * np.trace(Pr[:, 3:6, 3:6], axis1=1, axis2=2))
    trS = np.trace(Sc, axis1=1, axis2=2).max()
    rad = np.sqrt(pt._g3 * 3 * (var + trS)) + 0.5 * accel * d ** 2 + 1e3
    dist = np.linalg.norm(r_ext[cand][:, None, :] - c[None], axis=2)
    ti, dj = np.nonzero(dist <= rad[:, None])
    updated = np.zeros(len(ts), bool)
    free = np.ones(len(plots), bool)
    if ti.size == 0:
        return updated, free
    trk = np.unique(ti)
    idx = cand[trk]                                                 # tracks to predict
    xp, Pp = pt.motion.predict(ts.x[idx], ts.P[idx], t - ts.t_s[idx], ts.mode[idx])
    li = np.searchsorted(trk, ti)                                   # pair → predicted row
    ctx = RadarContext.fixed(plots.sensor_r_ecef_m[0], plots.sensor_frame[0], li.size)
    z_hat, H = _RADAR.predict_measurement(xp[li], ctx)
    nu = _RADAR.residual(plots.z[dj], z_hat)                        # ν = z − ẑ
    S = hpht(Pp[li], H) + plots.R[dj]                               # S = H P Hᵀ + R
    d2 = _d2(nu, S)
    coast = ts.mode[idx] == MODE_COAST                # keep the coasting predictions
    ts.x[idx[coast]], ts.P[idx[coast]], ts.t_s[idx[coast]] = xp[coast], Pp[coast], t
    ok = d2 <= pt._g4
    if not ok.any():
        return updated, free
    p = np.flatnonzero(ok)
    take = p[solve_assignment(li[p], dj[p], d2[p], trk.size, len(plots),
                              pt._g4 * (1 + 1e-9))]
    got = li[take]
    g_idx = idx[got]
    # Iterated EKF (re-linearised at the estimate): iterated.py says why.
    xu, Pu = iterated_radar_update(xp[got], Pp[got], plots.z[dj[take]], plots.R[dj[take]],
                                   RadarContext.fixed(plots.sensor_r_ecef_m[0],
                                                      plots.sensor_frame[0], take.size))
    dllr = _coast_evidence(pt, idx[got], t, ts, plots, dj[take], d2[take], S[take])
    pt._commit(g_idx, t, xu, Pu, d2[take], 4, dllr, PHEN_RADAR)
    pt._record(g_idx, t, k, rows[dj[take]])
    if isinstance(model, rdm.Radar):
        snr = 10.0 ** (plots.snr_db[dj[take]] / 10.0)
        rcs = snr / rdm.mean_snr(model, plots.z[dj[take], 0], 1.0)
        old = pt.tracks.rcs_m2[g_idx]
        new_rcs = np.where(np.isfinite(old), 0.7 * old + 0.3 * rcs, rcs)
        pt.tracks.rcs_m2[g_idx] = new_rcs
    updated[g_idx] = True
    free[dj[take]] = False
    return updated, free


def _coast_evidence(pt: PartnerTracker, idx: np.ndarray, t: float, ts: SystemTracks,
                    plots: DetectionBatch, dj: np.ndarray, d2_b: np.ndarray,
                    S_b: np.ndarray) -> np.ndarray:
    """ln N(ν_c; 0, S_c) − ln N(ν_b; 0, S_b) for the boosting tracks among ``idx`` given
    their plots ``dj`` (0 for coasting ones), from each track's coast hypothesis (or, if it
    has none, its state re-read as coasting), which the plot then updates; ``d2_b``, ``S_b``:
    the boost hypothesis's d² = νᵀS⁻¹ν and S for those plots."""
    out = np.zeros(idx.size)
    b = np.flatnonzero(ts.mode[idx] == MODE_BOOST)
    if b.size == 0:
        return out
    g = idx[b]
    xc, Pc = pt.motion.coast_copy(ts.x[g], ts.P[g])
    have = np.all(np.isfinite(ts.x_alt[g]), axis=1)
    xc[have], Pc[have] = ts.x_alt[g[have]], ts.P_alt[g[have]]
    xc, Pc = pt.motion.predict(xc, Pc, t - ts.t_s[g], np.full(b.size, MODE_COAST, np.int8))
    ctx = RadarContext.fixed(plots.sensor_r_ecef_m[0], plots.sensor_frame[0], b.size)
    z_hat, H = _RADAR.predict_measurement(xc, ctx)
    nu_c = _RADAR.residual(plots.z[dj[b]], z_hat)
    S_c = hpht(Pc, H) + plots.R[dj[b]]

    d2c = _d2(nu_c, S_c)
    out[b] = (-0.5 * (d2c + np.linalg.slogdet(S_c)[1])        # ln N(ν; 0, S) + const
              + 0.5 * (d2_b[b] + np.linalg.slogdet(S_b[b])[1]))
    xc, Pc = iterated_radar_update(xc, Pc, plots.z[dj[b]], plots.R[dj[b]], ctx)
    # A coast hypothesis the plot rejects outright (a motor still burning) restarts from
    # the boost estimate after this update: it must be ready the moment the motor stops.
    stale = d2c > pt._g4
    xc[stale], Pc[stale] = np.nan, np.nan
    ts.x_alt[g], ts.P_alt[g] = xc, Pc
    return out


def _radar_initiate(pt: PartnerTracker, t: float, k: int,
                    model: rdm.Radar | irm.InfraredSensor | None, plots: DetectionBatch,
                    rows: np.ndarray, c: np.ndarray, Sc: np.ndarray) -> None:
    period = model.revisit_s if isinstance(model, rdm.Radar) else 10.0
    pts = seeds_from_points(c, Sc, plots.t_s, pt.seed_age_periods * period, rows,
                            np.full(len(plots), k), rdot=plots.z[:, 3],
                            rdot_var=plots.R[:, 3, 3], site=plots.sensor_r_ecef_m,
                            enu=plots.sensor_frame)
    old = pt.radar_seeds.get(k, Seeds.empty())
    starts, kept = pt.initiator.initiate(old, pts, t)
    pt.radar_seeds[k] = kept
    pt._start(starts, ORIGIN_RADAR, PHEN_RADAR)

def _charge_misses(pt: PartnerTracker, k: int, t: float, model: object, idx: np.ndarray,
                   r_ext: np.ndarray) -> None:
    """Radar scan of sensor k at t missed tracks ``idx``: charge those it could have seen."""
    if idx.size == 0 or not isinstance(model, rdm.Radar) or not pt._opportunity(k, t):
        return
    ts = pt.tracks
    idx = idx[ts.phen[idx] != PHEN_IR]    # infrared-only tracks wait for the hand-over
    if idx.size == 0:
        return
    vis = rdm.radar_possible(model, TruthTable.at_points(t, r_ext[idx]))[:, 0]
    rcs = np.where(np.isfinite(ts.rcs_m2[idx]), ts.rcs_m2[idx], pt.manager.prior_rcs_m2)
    range_m = np.linalg.norm(r_ext[idx] - model.r_ecef_m, axis=1)
    pd = rdm.swerling1_pd(rdm.mean_snr(model, range_m, rcs), model.pfa)
    pt._miss(idx[vis & (pd >= pt.manager.miss_pd)])
