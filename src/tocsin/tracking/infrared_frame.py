"""The infrared frames of one instant in a partner's system tracker: updates, misses, starts.

:func:`ir_frame` takes the frames the partner's satellites took at time t. Boosting tracks (and
coasting ones infrared saw lately: a stage lit again) are predicted once, then updated satellite
after satellite with that satellite's lines of sight as two angles (EKF, Joseph form, GNN on
the 2-D gate). Tracks that took rays from two or more satellites get a triangulated point for
the climb test of confirmation. A boosting track a satellite could have seen (its own
``ir_possible``, Pd from the track's plume estimate) but did not update is charged a miss. Rays
no track took are associated across satellites and triangulated (S-D assignment), or, alone,
met with the plume's expected height; these points start tracks
(:mod:`tocsin.tracking.initiation`). Footprints (rays at plume height) feed the single-satellite
launch-likeness test (:mod:`tocsin.tracking.launchlike`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tocsin.errors import InputError
from tocsin.sensors import infrared as irm
from tocsin.sensors.detections import DetectionBatch
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.infrared import (
    IrMeasurement,
    associate_los,
    launch_area_single,
    triangulate,
)
from tocsin.tracking.initiation import Seeds, seeds_from_points
from tocsin.tracking.linalg import hpht, joseph_update_rows
from tocsin.tracking.log import MODE_BOOST, PHEN_IR, PHEN_RADAR
from tocsin.tracking.roles import GatedPairs

if TYPE_CHECKING:
    from tocsin.tracking.partner import PartnerTracker

__all__ = ["ir_frame"]

_IR = IrMeasurement()
_MIN_PERIOD_S = 0.1            # no infrared frame period is shorter: a cheap pre-filter


def ir_frame(pt: PartnerTracker, t: float, frames: list[tuple[int, np.ndarray]],
             det: DetectionBatch, rows: np.ndarray) -> None:
    """Process the frames taken at ``t``: (sensor, its rows of ``det``) per satellite."""
    ts = pt.tracks
    # Boosting tracks, and coasting ones infrared saw lately (a stage lit again, or a
    # burnout called too early): infrared sees only burning motors.
    boost = np.flatnonzero((ts.mode == MODE_BOOST) | (
        t - ts.last_ir_s <= pt.manager.reignite_window_s))
    have = any(m.size for _, m in frames)
    xp = Pp = None
    if boost.size and have:
        xp, Pp = pt.motion.predict(ts.x[boost], ts.P[boost], t - ts.t_s[boost],
                                     ts.mode[boost])
    hit = np.zeros(boost.size, bool)
    left: list[np.ndarray] = []
    ray_of = np.full((boost.size, len(frames)), -1, np.int64)    # det row per satellite
    for c, (k, mine) in enumerate(frames):
        taken = np.zeros(mine.size, bool)
        got = np.zeros(boost.size, bool)
        if mine.size and boost.size and xp is not None and Pp is not None:
            got, taken, tr, dj = _ir_update(pt, t, k, det.take(mine), rows[mine], boost,
                                                 xp, Pp)
            hit |= got
            ray_of[tr, c] = mine[dj]
        left.append(mine[~taken])
        r_now = xp[:, :3] if xp is not None else ts.x[boost, :3]
        lit = ~got & (ts.mode[boost] == MODE_BOOST)       # a coasting motor is not missed
        _charge_ir_misses(pt, k, t, boost[lit], r_now[lit], det, mine)
    _stereo_points(pt, t, boost, ray_of, det)
    if hit.any() and xp is not None and Pp is not None:
        h = np.flatnonzero(hit)
        _commit_ir(pt, boost[h], t, xp[h], Pp[h])
    rest = np.concatenate(left) if left else np.zeros(0, np.int64)
    if rest.size:
        _ir_initiate(pt, t, det.take(rest), rows[rest])


def _ir_update(pt: PartnerTracker, t: float, k: int, rays: DetectionBatch, rows: np.ndarray,
               boost: np.ndarray, xp: np.ndarray, Pp: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sequential update of the predicted boost states (in place) with satellite k's rays."""
    ctx = _FixedIrContext(rays.sensor_r_ecef_m[0], rays.sensor_frame[0], boost.size)
    z_hat, H = _IR.predict_measurement(xp, ctx)
    HPHt = hpht(Pp, H)
    z, R = rays.z[:, :2], np.ascontiguousarray(rays.R[:, :2, :2])
    gate = _one_satellite_silent(pt, t, k, boost, pt.gater.gate(z_hat, HPHt, z, R, _IR.residual))
    got = np.zeros(boost.size, bool)
    taken = np.zeros(len(rays), bool)
    none = np.zeros(0, np.int64)
    if len(gate) == 0:
        return got, taken, none, none
    assoc = pt.associator.associate(gate, boost.size, len(rays))
    p = assoc.pair
    joseph_update_rows(xp, Pp, p, gate.track, gate.nu, H, gate.track, R, gate.det, gate.S)
    tr, dj = gate.track[p], gate.det[p]
    got[tr] = True
    taken[dj] = True
    ids = boost[tr]
    pt._record(ids, t, k, rows[dj])
    for i, q in zip(pt.tracks.ids[ids].tolist(), dj.tolist(), strict=True):
        if not pt.tracks.phen[pt.tracks.row(i)] & PHEN_RADAR:
            buf = pt.ir_rays.setdefault(i, [])
            buf.append((t, rays.z[q, :2].copy(), rays.R[q, :2, :2].copy(),
                        rays.sensor_r_ecef_m[q].copy(), rays.sensor_frame[q].copy(), k))
            del buf[:-pt.handover_rays]
    tent = np.flatnonzero([int(i) in pt.launch_history for i in pt.tracks.ids[ids]])
    if tent.size:                                   # footprints for the launch-like test
        fp, fs, _ = _footprints(rays.take(dj[tent]))
        for q, i in enumerate(ids[tent].tolist()):
            if np.isfinite(fs[q]):
                pt.launch_history[int(pt.tracks.ids[i])].setdefault(k, []).append(
                    (t, fp[q], float(fs[q])))
    model = pt.models.get(k)
    if isinstance(model, irm.InfraredSensor):
        range_m = np.linalg.norm(xp[tr, :3] - rays.sensor_r_ecef_m[dj], axis=1)
        inten = 10.0 ** (rays.snr_db[dj] / 10.0) * range_m ** 2 * model.nei_w_m2  # I = SNR ρ² NEI
        old = pt.tracks.ir_w_sr[ids]
        pt.tracks.ir_w_sr[ids] = np.where(np.isfinite(old), 0.7 * old + 0.3 * inten, inten)
    for i, d2 in zip(ids.tolist(), gate.d2[p].tolist(), strict=True):
        pt._nis_ir[i] = d2
    return got, taken, tr, dj


def _one_satellite_silent(pt: PartnerTracker, t: float, k: int, boost: np.ndarray,
                          gate: GatedPairs) -> GatedPairs:
    """``gate`` without the pairs of infrared-only tracks whose latest rays are all another
    satellite's and that have been silent for more than
    ``TrackManager.new_satellite_silence_periods`` of that satellite's frame period (10 s without
    its model).

    Such a track's range along that satellite's line of sight is free (hundreds of km once it
    is silent), so a second satellite's ray anywhere near that line passes the gate and the
    update triangulates the track onto it. A silent booster has most likely burnt out, and the
    ray is then another booster's: in the 100-launch benchmark every such update (5 of 5, after
    10–54 s of silence) took a ray of another object and left a state ~10⁵–10⁶ m off with a
    σ of ~2 km (midcourse NEES 10⁴–10⁸). A stage lit again is seen first by the satellite that
    saw it burn; other satellites join once it is no longer silent."""
    if len(gate) == 0:
        return gate
    ts = pt.tracks
    rows = boost[gate.track]
    silent = ((t - ts.last_ir_s[rows] > pt.manager.new_satellite_silence_periods * _MIN_PERIOD_S)
              & ~(ts.phen[rows] & PHEN_RADAR).astype(bool))
    if not silent.any():
        return gate
    keep = np.ones(len(gate), bool)
    for q in np.flatnonzero(silent).tolist():
        sats = {b[5] for b in pt.ir_rays.get(int(ts.ids[rows[q]]), [])}
        if len(sats) != 1 or k in sats:
            continue
        period = float(getattr(pt.models.get(next(iter(sats))), "frame_period_s", 10.0))
        keep[q] = t - ts.last_ir_s[rows[q]] <= pt.manager.new_satellite_silence_periods * period
    if keep.all():
        return gate
    return GatedPairs(gate.track[keep], gate.det[keep], gate.nu[keep], gate.S[keep],
                      gate.d2[keep], gate.threshold)


def _stereo_points(pt: PartnerTracker, t: float, boost: np.ndarray, ray_of: np.ndarray,
                   det: DetectionBatch) -> None:
    """Tentative infrared tracks that took rays from two or more satellites at ``t``: their
    triangulated point, kept for the climb test (:func:`climbs_like_launch`)."""
    multi = np.flatnonzero((ray_of >= 0).sum(1) >= 2)
    if multi.size == 0:
        return
    ids = pt.tracks.ids[boost[multi]]
    keep = np.array([int(i) in pt.launch_history for i in ids])
    if not keep.any():
        return
    tri = triangulate(det, ray_of[multi[keep]])
    # Rays from (nearly) co-located satellites meet at no definite range: such a point has a
    # singular or vast covariance and says nothing about a climb.
    with np.errstate(invalid="ignore"):
        fine = (np.isfinite(tri.P).all(axis=(1, 2)) & np.isfinite(tri.r_ecef_m).all(axis=1))
        lam = np.full(tri.P.shape[0], -1.0)
        if fine.any():
            lam[fine] = np.linalg.eigvalsh(tri.P[fine])[:, 0]
    fine &= (lam > 0.0) & (np.trace(tri.P, axis1=1, axis2=2) < (1_000e3) ** 2)
    for q, i in enumerate(ids[keep].tolist()):
        if fine[q]:
            pt.stereo_points.setdefault(int(i), []).append((t, tri.r_ecef_m[q], tri.P[q]))


def _commit_ir(pt: PartnerTracker, idx: np.ndarray, t: float, x: np.ndarray, P: np.ndarray) -> None:
    nis = np.array([pt._nis_ir.pop(int(i), 2.0) for i in idx])
    pt._commit(idx, t, x, P, nis, 2, None, PHEN_IR)


def _ir_initiate(pt: PartnerTracker, t: float, rays: DetectionBatch, rows: np.ndarray) -> None:
    fp, fs, fP = _footprints(rays)
    for q in range(len(rays)):
        pt._footprint[int(rows[q])] = (t, int(rays.sensor[q]), fp[q], float(fs[q]))
    if len(pt._footprint) > 20000:                  # forget rays no seed can hold
        horizon = t - 10 * pt.seed_age_periods * 10.0
        pt._footprint = {r: v for r, v in pt._footprint.items() if v[0] >= horizon}
    sensors = np.unique(rays.sensor)
    single = np.ones(len(rays), bool)
    parts: list[Seeds] = []
    period = max((m.frame_period_s for k, m in pt.models.items()
                  if isinstance(m, irm.InfraredSensor) and k in set(sensors.tolist())),
                 default=10.0)
    age = pt.seed_age_periods * period
    if sensors.size >= 2:
        sets = associate_los(rays, max_dt_s=0.5)
        if sets.members.shape[0]:
            tri = triangulate(rays, sets.members)
            mem = tri.members
            single[mem[mem >= 0]] = False
            parts.append(seeds_from_points(
                tri.r_ecef_m, tri.P, np.full(mem.shape[0], t), age,
                np.where(mem >= 0, rows[np.maximum(mem, 0)], -1),
                np.where(mem >= 0, rays.sensor[np.maximum(mem, 0)], -1)))
    lone = np.flatnonzero(single & np.isfinite(fs))        # a ray missing the Earth: no point
    if lone.size:
        r = fp[lone]
        up = r / np.linalg.norm(r, axis=1, keepdims=True)
        horiz = np.eye(3) - up[:, :, None] * up[:, None, :]
        S = fP[lone] + (6e3 ** 2) * horiz                            # + downrange spread
        parts.append(seeds_from_points(r, S, np.full(lone.size, t), age, rows[lone],
                                       rays.sensor[lone], single=np.ones(lone.size, bool)))
    if not parts:
        return
    pts = parts[0] if len(parts) == 1 else parts[0].concat(parts[1])
    starts, pt.ir_seeds = pt.initiator.initiate(pt.ir_seeds, pts, t)
    pt._start(starts, None, PHEN_IR)

def _charge_ir_misses(pt: PartnerTracker, k: int, t: float, idx: np.ndarray, r: np.ndarray,
                      det: DetectionBatch, mine: np.ndarray) -> None:
    """Frame of satellite k at t missed boost tracks ``idx`` (positions ``r``)."""
    model = pt.models.get(k)
    ts = pt.tracks
    seen = np.isfinite(ts.ir_w_sr[idx])     # only tracks infrared has seen: known plume
    if not isinstance(model, irm.InfraredSensor) or not seen.any() or not \
            pt._opportunity(k, t):
        return
    idx, r = idx[seen], r[seen]
    if mine.size:
        sat = det.sensor_r_ecef_m[mine[0]]
    elif k in pt.ephemeris:
        tt, rr = pt.ephemeris[k]
        j = int(np.clip(np.searchsorted(tt, t - 1e-6), 0, tt.size - 1))
        if abs(tt[j] - t) > 1e-3:
            return
        sat = rr[j]
    else:
        return
    pts = TruthTable.at_points(t, r, burning=True)
    vis = irm.ir_possible(model, np.asarray(sat).reshape(1, 3), pts)[:, 0]
    range_m = np.linalg.norm(r - sat, axis=1)
    snr = ts.ir_w_sr[idx] / (range_m ** 2 * model.nei_w_m2)
    pd = irm.detection_probability(snr, model.threshold_snr)
    pt._miss(idx[vis & (pd >= pt.manager.miss_pd)])


@dataclass(frozen=True)
class _FixedIrContext:
    """One satellite's position and frame repeated for k states."""

    sensor_r_ecef_m: np.ndarray
    sensor_frame: np.ndarray

    def __init__(self, r: np.ndarray, F: np.ndarray, k: int) -> None:
        object.__setattr__(self, "sensor_r_ecef_m", np.broadcast_to(r, (k, 3)))
        object.__setattr__(self, "sensor_frame", np.broadcast_to(F, (k, 3, 3)))


def _footprints(rays: DetectionBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each infrared ray meets the plume's expected height (k, 3), the noise σ of that
    point from the angular noise alone (k,) (m), for the launch-likeness test, and its full
    covariance with the height spread (k, 3, 3), for starting a track; NaN where the ray misses
    the Earth."""
    k = len(rays)
    out, sig, P = np.full((k, 3), np.nan), np.full(k, np.nan), np.full((k, 3, 3), np.nan)
    if k == 0:
        return out, sig, P
    try:
        a = launch_area_single(rays)
        return (a.r_plume_ecef_m, np.sqrt(np.trace(a.P_angles, axis1=1, axis2=2) / 2.0),
                a.P_plume)
    except InputError:                  # some ray misses the Earth: one at a time
        pass
    for q in range(k):
        try:
            a = launch_area_single(rays.take(np.array([q])))
        except InputError:
            continue
        out[q], sig[q], P[q] = a.r_plume_ecef_m[0], np.sqrt(np.trace(a.P_angles[0]) / 2.0), \
            a.P_plume[0]
    return out, sig, P
