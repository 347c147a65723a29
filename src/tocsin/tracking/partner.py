"""One partner's processing centre: its own sensors' reports in, one system track per object out.

Every phenomenology updates the same :class:`~tocsin.tracking.systracks.SystemTracks`: radar
plots as (range, azimuth, elevation, range rate) through
:class:`~tocsin.tracking.radar_model.RadarMeasurement`, infrared lines of sight as two angles
through :class:`~tocsin.tracking.infrared.IrMeasurement`, both extended-Kalman updates in Joseph
form of the 7-D phase state of :mod:`tocsin.tracking.phases` (boost with thrust, coast with J2,
rotation and drag with 1/β). A launch is picked up by infrared in boost and handed to radar in
midcourse and reentry without changing its track id.

The tracker only wires the roles it is given (Stone Soup's composition, plain dataclasses): a
motion model (:class:`~tocsin.tracking.phases.PhaseModel`), a gater
(:class:`~tocsin.tracking.gating.MahalanobisGater`), an associator (GNN by 2-D assignment), an
initiator (:class:`~tocsin.tracking.initiation.TwoPointInitiator`) and the track manager
(:class:`TrackManager`: confirmation and deletion). Reports are processed event by event in time
order: a radar's scan, or the infrared frames taken at one instant.

**Misses only where a miss means something.** A scan or frame charges a track a miss only if
that sensor could have seen the track's predicted position — the sensor's own ``radar_possible``
/ ``ir_possible`` geometry (field of regard, range, horizon; infrared only for a burning
booster) — and its predicted detection probability, from the track's radar cross-section or
plume-intensity estimate and the sensor's own ``swerling1_pd`` / ``detection_probability``, is at
least ``TrackManager.miss_pd``. A sensor's scans and frames come from its schedule, so a scan that
reported nothing still counts. Tracks are propagated only when a report may update them.

**Infrared.** Boost tracks take the lines of sight of each satellite of the frame in turn (GNN on
the 2-D angle gate). The rays no track took are associated across satellites
(:func:`~tocsin.tracking.infrared.associate_los`, S-D assignment) and triangulated; the rays
left alone become single-satellite points where the line of sight meets the plume's expected
height (:func:`~tocsin.tracking.infrared.launch_area_single`) — a launch seen by one satellite
still starts a track, whose later updates are that satellite's angles. An infrared track is
confirmed only when M-of-N holds *and* its positions move like a launch
(:func:`~tocsin.tracking.launchlike.moves_like_launch`, on one satellite's
footprints): sun glint and fires stay tentative.

Everything enters through the :class:`~tocsin.tracking.door.Door`; the
:class:`~tocsin.tracking.log.TrackLog` keeps every updated state and which detection updated
which track (rows of the batch given to :meth:`PartnerTracker.process`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tocsin.earth.wgs84 import ecef_to_geodetic
from tocsin.errors import InputError
from tocsin.sensors import infrared as irm
from tocsin.sensors import radar as rdm
from tocsin.sensors.detections import IR, RADAR, DetectionBatch, los_from_angles
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.association import GlobalNearestNeighbour, solve_assignment
from tocsin.tracking.door import Door, Rejections
from tocsin.tracking.gating import MahalanobisGater, chi2_gate
from tocsin.tracking.handover import Rays, back_check, in_plane
from tocsin.tracking.infrared import (
    IrMeasurement,
    associate_los,
    launch_area_single,
    triangulate,
)
from tocsin.tracking.initiation import Seeds, TwoPointInitiator, TwoPointStarts, seeds_from_points
from tocsin.tracking.launchlike import climbs_like_launch, moves_like_launch
from tocsin.tracking.linalg import hpht, joseph_update_rows
from tocsin.tracking.log import MODE_BOOST, MODE_COAST, PHEN_IR, PHEN_RADAR, TrackLog
from tocsin.tracking.phases import PhaseModel
from tocsin.tracking.radar_model import RadarContext, RadarMeasurement, plots_to_ecef
from tocsin.tracking.systracks import (
    CONFIRMED,
    ORIGIN_IR_SINGLE,
    ORIGIN_IR_STEREO,
    ORIGIN_RADAR,
    TENTATIVE,
    SystemTracks,
)

__all__ = ["PartnerTracker", "TrackManager"]

_RADAR = RadarMeasurement()
_IR = IrMeasurement()


@dataclass(frozen=True)
class TrackManager:
    """Confirmation and deletion (Blackman & Popoli 1999 §3.2, over detection opportunities).

    Confirmed at ``confirm_m`` hits in the latest ``confirm_n`` opportunities (two-point starts
    count two), infrared-born tracks only if they also look like a launch (one satellite's
    footprints of the last ``launch_window_s``) at ``launch_like_runs`` updates in a row
    (one stray ray at the end of the window can read as a jump), and within ``launch_confirm_s``
    of their first detection: a booster shows its motion within a minute or two; a hot spot
    that has sat unconvincing for longer is a fire or a glint, not a launch. Deleted: tentative
    after ``tentative_misses`` consecutive misses or ``tentative_timeout_s`` without a hit;
    confirmed after ``confirmed_misses`` misses, ``coast_timeout_s`` without a hit, when their
    position σ exceeds ``max_sigma_m`` (not infrared-only tracks: they wait for the hand-over,
    and radar plots are not gated with them once their σ exceeds ``radar_gate_sigma_m``), or
    once predicted below ``impact_alt_m`` (down).
    A boost track no sensor has updated for ``boost_timeout_s`` is taken to have burnt out and
    coasts on, after ``burn_extend_s`` more of thrust (half a frame: it burnt out between two
    frames); infrared rays may still update it (re-ignition) for ``reignite_window_s``.
    ``miss_pd``: least predicted detection probability for a miss to count; a sensor's scans
    count as miss opportunities at most every ``miss_interval_s``;
    ``prior_rcs_m2``: radar cross-section assumed before radar has seen a track (a small RV);
    ``radar_coast_prior_llr``: the burnout test's prior log-odds that a radar-born track coasts
    (0: even; a positive prior switched boosting sounding rockets to coast and lost them).
    """

    confirm_m: int = 3
    confirm_n: int = 4
    tentative_misses: int = 2
    confirmed_misses: int = 4
    tentative_timeout_s: float = 30.0
    coast_timeout_s: float = 1200.0
    boost_timeout_s: float = 25.0
    max_sigma_m: float = 300e3
    impact_alt_m: float = -5e3
    miss_pd: float = 0.5
    prior_rcs_m2: float = 0.01
    burn_extend_s: float = 5.0
    radar_gate_sigma_m: float = 50e3
    reignite_window_s: float = 60.0
    handover_sigma_v_m_s: float = 30.0
    radar_coast_prior_llr: float = 0.0
    launch_window_s: float = 60.0
    launch_like_runs: int = 2
    launch_confirm_s: float = 150.0
    handover_tries: int = 25
    miss_interval_s: float = 4.0


@dataclass
class PartnerTracker:
    """A partner's system tracker over its own sensors (module docstring).

    ``sensors``: indices of the partner's sensors in the run's sensor table; ``models``: their
    sensor models (index → :class:`~tocsin.sensors.radar.Radar` or
    :class:`~tocsin.sensors.infrared.InfraredSensor`), for possible geometry and detection
    probability; ``schedule``: each sensor's scan or frame times (s), so that empty scans count;
    ``ephemeris``: per infrared sensor (times (m,), satellite ECEF positions (m, 3)).
    Without models a sensor charges no misses (then only time-outs end tracks).
    """

    partner: str
    sensors: frozenset[int]
    models: Mapping[int, rdm.Radar | irm.InfraredSensor] = field(default_factory=dict)
    schedule: Mapping[int, np.ndarray] = field(default_factory=dict)
    ephemeris: Mapping[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    motion: PhaseModel = field(default_factory=PhaseModel)
    gater: MahalanobisGater = field(default_factory=lambda: MahalanobisGater(0.9999))
    associator: GlobalNearestNeighbour = field(default_factory=GlobalNearestNeighbour)
    initiator: TwoPointInitiator = field(default_factory=TwoPointInitiator)
    manager: TrackManager = field(default_factory=TrackManager)
    seed_age_periods: float = 2.5
    handover_rays: int = 4
    log: TrackLog = field(default_factory=TrackLog)

    def __post_init__(self) -> None:
        self.door = Door(self.sensors)
        self.tracks = SystemTracks.empty()
        self.radar_seeds: dict[int, Seeds] = {}
        self.ir_seeds = Seeds.empty()
        # Tentative infrared tracks: per satellite, (time, footprint) of the rays they took.
        self.launch_history: dict[int, dict[int, list[tuple[float, np.ndarray, float]]]] = {}
        self._footprint: dict[int, tuple[float, int, np.ndarray, float]] = {}  # row → t, k, r, σ
        # Infrared-only tracks: their latest rays, for the hand-over to radar (handover.py).
        self.ir_rays: dict[int, list[tuple[float, np.ndarray, np.ndarray, np.ndarray,
                                           np.ndarray, int]]] = {}
        self.burnouts: dict[int, tuple[float, float, float]] = {}   # id → t_b, a_T, Var a_T
        self._handover_tries: dict[int, int] = {}
        self._last_chance: dict[int, float] = {}
        self._launch_like_run: dict[int, int] = {}
        self.stereo_points: dict[int, list[tuple[float, np.ndarray, np.ndarray]]] = {}
        self._next_id = 0
        self._g4 = chi2_gate(self.gater.probability, 4)
        self._g3 = chi2_gate(self.gater.probability, 3)
        self._housekept_s = -np.inf

    @property
    def rejected(self) -> Rejections:
        return self.door.rejected

    # --- the event loop -----------------------------------------------------------------
    def process(self, det: DetectionBatch, rows: np.ndarray | None = None) -> None:
        """Track a time-ordered batch of this partner's detections (a whole run or a chunk);
        ``rows`` are their indices in the caller's batch (default 0..n−1), kept in the log."""
        rows = np.arange(len(det)) if rows is None else np.asarray(rows, np.int64)
        order = np.lexsort((det.sensor, det.t_s))
        det, rows = det.take(order), rows[order]
        keep = self.door.admit_mask(det)
        det, rows = det.take(keep), rows[keep]
        t_lo = float(det.t_s.min()) if len(det) else np.inf
        t_hi = float(det.t_s.max()) if len(det) else -np.inf
        ev_t, ev_s = [det.t_s], [det.sensor]
        for k, times in self.schedule.items():
            if k in self.sensors:
                sel = times[(times >= t_lo) & (times <= t_hi)] if len(det) else times[:0]
                ev_t.append(sel)
                ev_s.append(np.full(sel.size, k, np.int64))
        et, es = np.concatenate(ev_t), np.concatenate(ev_s)
        key = np.unique(np.stack([np.round(et, 6), es.astype(float)], 1), axis=0)
        # Events: radar scans one per (t, sensor); infrared frames of one instant together.
        kinds = {k: (IR if isinstance(m, irm.InfraredSensor) else RADAR)
                 for k, m in self.models.items()}
        for k, kd in zip(det.sensor, det.kind, strict=True):
            kinds.setdefault(int(k), int(kd))
        dt_r = np.round(det.t_s, 6)
        conv_r, conv_S = np.zeros((len(det), 3)), np.zeros((len(det), 3, 3))
        is_radar = det.kind == RADAR
        if is_radar.any():                  # every plot converted once, for pre-gates and starts
            conv_r[is_radar], conv_S[is_radar] = plots_to_ecef(det.take(is_radar))
        start = np.searchsorted(dt_r, key[:, 0], side="left")
        stop = np.searchsorted(dt_r, key[:, 0], side="right")
        i = 0
        while i < key.shape[0]:
            t = float(key[i, 0])
            j = i
            while j < key.shape[0] and key[j, 0] == t:
                j += 1
            ir_sensors = []
            for q in range(i, j):
                k = int(key[q, 1])
                a, b = start[q], stop[q]
                mine = a + np.flatnonzero(det.sensor[a:b] == k)
                if kinds.get(k, RADAR) == IR:
                    ir_sensors.append((k, mine))
                else:
                    self._radar_scan(t, k, det.take(mine), rows[mine], conv_r[mine],
                                     conv_S[mine])
            if ir_sensors:
                self._ir_frame(t, ir_sensors, det, rows)
            self._housekeeping(t)
            i = j

    # --- radar ----------------------------------------------------------------------------
    def _radar_scan(self, t: float, k: int, plots: DetectionBatch, rows: np.ndarray,
                    c: np.ndarray, Sc: np.ndarray) -> None:
        """Radar k's scan at t: its plots, their rows, and their ECEF conversions c, Sc."""
        model = self.models.get(k)
        ts = self.tracks
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
                                        > self.manager.radar_gate_sigma_m ** 2)
        near &= ~vague
        cand = np.flatnonzero(near)
        updated = np.zeros(n, bool)
        free = np.ones(len(plots), bool)
        if len(plots) and cand.size:
            updated, free = self._radar_update(t, k, model, plots, rows, cand, dt, r_ext, c, Sc)
        self._charge_misses(k, t, model, cand[~updated[cand]], r_ext)
        if free.any():
            self._radar_initiate(t, k, model, plots.take(free), rows[free], c[free], Sc[free])

    def _radar_update(self, t: float, k: int, model: rdm.Radar | irm.InfraredSensor | None,
                      plots: DetectionBatch, rows: np.ndarray, cand: np.ndarray,
                      dt: np.ndarray, r_ext: np.ndarray, c: np.ndarray, Sc: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        ts = self.tracks
        Pr = ts.P[cand]
        d = dt[cand]
        accel = np.where(ts.mode[cand] == MODE_BOOST, 100.0, 15.0)
        var = (np.trace(Pr[:, :3, :3], axis1=1, axis2=2) + 2 * np.abs(d)
               * np.abs(np.trace(Pr[:, :3, 3:6], axis1=1, axis2=2))
               + d ** 2 * np.trace(Pr[:, 3:6, 3:6], axis1=1, axis2=2))
        trS = np.trace(Sc, axis1=1, axis2=2).max()
        rad = np.sqrt(self._g3 * 3 * (var + trS)) + 0.5 * accel * d ** 2 + 1e3
        dist = np.linalg.norm(r_ext[cand][:, None, :] - c[None], axis=2)
        ti, dj = np.nonzero(dist <= rad[:, None])
        updated = np.zeros(len(ts), bool)
        free = np.ones(len(plots), bool)
        if ti.size == 0:
            return updated, free
        trk = np.unique(ti)
        idx = cand[trk]                                                 # tracks to predict
        xp, Pp = self.motion.predict(ts.x[idx], ts.P[idx], t - ts.t_s[idx], ts.mode[idx])
        li = np.searchsorted(trk, ti)                                   # pair → predicted row
        ctx = RadarContext.fixed(plots.sensor_r_ecef_m[0], plots.sensor_frame[0], li.size)
        z_hat, H = _RADAR.predict_measurement(xp[li], ctx)
        nu = _RADAR.residual(plots.z[dj], z_hat)                        # ν = z − ẑ
        S = hpht(Pp[li], H) + plots.R[dj]                               # S = H P Hᵀ + R
        d2 = np.einsum("pi,pi->p", nu, np.linalg.solve(S, nu[..., None])[..., 0])
        coast = ts.mode[idx] == MODE_COAST                # keep the coasting predictions
        ts.x[idx[coast]], ts.P[idx[coast]], ts.t_s[idx[coast]] = xp[coast], Pp[coast], t
        ok = d2 <= self._g4
        if not ok.any():
            return updated, free
        p = np.flatnonzero(ok)
        take = p[solve_assignment(li[p], dj[p], d2[p], trk.size, len(plots),
                                  self._g4 * (1 + 1e-9))]
        sel = np.arange(take.size)
        xu, Pu = xp.copy(), Pp.copy()
        joseph_update_rows(xu, Pu, sel, li[take], nu[take], H[take], sel, plots.R[dj[take]],
                           sel, S[take])
        got = li[take]
        g_idx = idx[got]
        dllr = self._coast_evidence(idx[got], t, ts, plots, dj[take], nu[take], S[take])
        self._commit(g_idx, t, xu[got], Pu[got], d2[take], 4, dllr, PHEN_RADAR)
        self._record(g_idx, t, k, rows[dj[take]])
        if isinstance(model, rdm.Radar):
            snr = 10.0 ** (plots.snr_db[dj[take]] / 10.0)
            rcs = snr / rdm.mean_snr(model, plots.z[dj[take], 0], 1.0)
            old = self.tracks.rcs_m2[g_idx]
            new_rcs = np.where(np.isfinite(old), 0.7 * old + 0.3 * rcs, rcs)
            self.tracks.rcs_m2[g_idx] = new_rcs
        updated[g_idx] = True
        free[dj[take]] = False
        return updated, free

    def _coast_evidence(self, idx: np.ndarray, t: float, ts: SystemTracks,
                        plots: DetectionBatch, dj: np.ndarray, nu_b: np.ndarray,
                        S_b: np.ndarray) -> np.ndarray:
        """ln N(ν_c; 0, S_c) − ln N(ν_b; 0, S_b) for the boosting tracks among ``idx`` given
        their plots ``dj`` (0 for coasting ones), from each track's coast hypothesis (or, if it
        has none, its state re-read as coasting), which the plot then updates."""
        out = np.zeros(idx.size)
        b = np.flatnonzero(ts.mode[idx] == MODE_BOOST)
        if b.size == 0:
            return out
        g = idx[b]
        xc, Pc = self.motion.coast_copy(ts.x[g], ts.P[g])
        have = np.all(np.isfinite(ts.x_alt[g]), axis=1)
        xc[have], Pc[have] = ts.x_alt[g[have]], ts.P_alt[g[have]]
        xc, Pc = self.motion.predict(xc, Pc, t - ts.t_s[g], np.full(b.size, MODE_COAST, np.int8))
        ctx = RadarContext.fixed(plots.sensor_r_ecef_m[0], plots.sensor_frame[0], b.size)
        z_hat, H = _RADAR.predict_measurement(xc, ctx)
        nu_c = _RADAR.residual(plots.z[dj[b]], z_hat)
        S_c = hpht(Pc, H) + plots.R[dj[b]]

        def loglik(nu: np.ndarray, S: np.ndarray) -> np.ndarray:
            d2 = np.einsum("pi,pi->p", nu, np.linalg.solve(S, nu[..., None])[..., 0])
            return -0.5 * (d2 + np.linalg.slogdet(S)[1])
        out[b] = loglik(nu_c, S_c) - loglik(nu_b[b], S_b[b])
        sel = np.arange(b.size)
        joseph_update_rows(xc, Pc, sel, sel, nu_c, H, sel, plots.R[dj[b]], sel, S_c)
        # A coast hypothesis the plot rejects outright (a motor still burning) restarts from
        # the boost estimate after this update: it must be ready the moment the motor stops.
        d2c = np.einsum("pi,pi->p", nu_c, np.linalg.solve(S_c, nu_c[..., None])[..., 0])
        stale = d2c > self._g4
        xc[stale], Pc[stale] = np.nan, np.nan
        ts.x_alt[g], ts.P_alt[g] = xc, Pc
        return out

    def _radar_initiate(self, t: float, k: int, model: rdm.Radar | irm.InfraredSensor | None,
                        plots: DetectionBatch, rows: np.ndarray, c: np.ndarray,
                        Sc: np.ndarray) -> None:
        period = model.revisit_s if isinstance(model, rdm.Radar) else 10.0
        pts = seeds_from_points(c, Sc, plots.t_s, self.seed_age_periods * period, rows,
                                np.full(len(plots), k), rdot=plots.z[:, 3],
                                rdot_var=plots.R[:, 3, 3], site=plots.sensor_r_ecef_m,
                                enu=plots.sensor_frame)
        old = self.radar_seeds.get(k, Seeds.empty())
        starts, kept = self.initiator.initiate(old, pts, t)
        self.radar_seeds[k] = kept
        self._start(starts, ORIGIN_RADAR, PHEN_RADAR)

    # --- infrared -------------------------------------------------------------------------
    def _ir_frame(self, t: float, frames: list[tuple[int, np.ndarray]], det: DetectionBatch,
                  rows: np.ndarray) -> None:
        ts = self.tracks
        # Boosting tracks, and coasting ones infrared saw lately (a stage lit again, or a
        # burnout called too early): infrared sees only burning motors.
        boost = np.flatnonzero((ts.mode == MODE_BOOST) | (
            t - ts.last_ir_s <= self.manager.reignite_window_s))
        have = any(m.size for _, m in frames)
        xp = Pp = None
        if boost.size and have:
            xp, Pp = self.motion.predict(ts.x[boost], ts.P[boost], t - ts.t_s[boost],
                                         ts.mode[boost])
        hit = np.zeros(boost.size, bool)
        left: list[np.ndarray] = []
        ray_of = np.full((boost.size, len(frames)), -1, np.int64)    # det row per satellite
        for c, (k, mine) in enumerate(frames):
            taken = np.zeros(mine.size, bool)
            got = np.zeros(boost.size, bool)
            if mine.size and boost.size:
                assert xp is not None and Pp is not None
                got, taken, tr, dj = self._ir_update(t, k, det.take(mine), rows[mine], boost,
                                                     xp, Pp)
                hit |= got
                ray_of[tr, c] = mine[dj]
            left.append(mine[~taken])
            r_now = xp[:, :3] if xp is not None else ts.x[boost, :3]
            lit = ~got & (ts.mode[boost] == MODE_BOOST)       # a coasting motor is not missed
            self._charge_ir_misses(k, t, boost[lit], r_now[lit], det, mine)
        self._stereo_points(t, boost, ray_of, det)
        if hit.any():
            assert xp is not None and Pp is not None
            h = np.flatnonzero(hit)
            self._commit_ir(boost[h], t, xp[h], Pp[h])
        rest = np.concatenate(left) if left else np.zeros(0, np.int64)
        if rest.size:
            self._ir_initiate(t, det.take(rest), rows[rest])

    def _ir_update(self, t: float, k: int, rays: DetectionBatch, rows: np.ndarray,
                   boost: np.ndarray, xp: np.ndarray, Pp: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Sequential update of the predicted boost states (in place) with satellite k's rays."""
        ctx = _FixedIrContext(rays.sensor_r_ecef_m[0], rays.sensor_frame[0], boost.size)
        z_hat, H = _IR.predict_measurement(xp, ctx)
        HPHt = hpht(Pp, H)
        z, R = rays.z[:, :2], np.ascontiguousarray(rays.R[:, :2, :2])
        gate = self.gater.gate(z_hat, HPHt, z, R, _IR.residual)
        got = np.zeros(boost.size, bool)
        taken = np.zeros(len(rays), bool)
        none = np.zeros(0, np.int64)
        if len(gate) == 0:
            return got, taken, none, none
        assoc = self.associator.associate(gate, boost.size, len(rays))
        p = assoc.pair
        joseph_update_rows(xp, Pp, p, gate.track, gate.nu, H, gate.track, R, gate.det, gate.S)
        tr, dj = gate.track[p], gate.det[p]
        got[tr] = True
        taken[dj] = True
        ids = boost[tr]
        self._record(ids, t, k, rows[dj])
        for i, q in zip(self.tracks.ids[ids].tolist(), dj.tolist(), strict=True):
            if not self.tracks.phen[self.tracks.row(i)] & PHEN_RADAR:
                buf = self.ir_rays.setdefault(i, [])
                buf.append((t, rays.z[q, :2].copy(), rays.R[q, :2, :2].copy(),
                            rays.sensor_r_ecef_m[q].copy(), rays.sensor_frame[q].copy(), k))
                del buf[:-self.handover_rays]
        tent = np.flatnonzero([int(i) in self.launch_history for i in self.tracks.ids[ids]])
        if tent.size:                                   # footprints for the launch-like test
            fp, fs = _footprints(rays.take(dj[tent]))
            for q, i in enumerate(ids[tent].tolist()):
                if np.isfinite(fs[q]):
                    self.launch_history[int(self.tracks.ids[i])].setdefault(k, []).append(
                        (t, fp[q], float(fs[q])))
        model = self.models.get(k)
        if isinstance(model, irm.InfraredSensor):
            rng = np.linalg.norm(xp[tr, :3] - rays.sensor_r_ecef_m[dj], axis=1)
            inten = 10.0 ** (rays.snr_db[dj] / 10.0) * rng ** 2 * model.nei_w_m2  # I = SNR ρ² NEI
            old = self.tracks.ir_w_sr[ids]
            self.tracks.ir_w_sr[ids] = np.where(np.isfinite(old), 0.7 * old + 0.3 * inten, inten)
        self._nis_ir = getattr(self, "_nis_ir", {})
        for i, d2 in zip(ids.tolist(), gate.d2[p].tolist(), strict=True):
            self._nis_ir[i] = d2
        return got, taken, tr, dj

    def _stereo_points(self, t: float, boost: np.ndarray, ray_of: np.ndarray,
                       det: DetectionBatch) -> None:
        """Tentative infrared tracks that took rays from two or more satellites at ``t``: their
        triangulated point, kept for the climb test (:func:`climbs_like_launch`)."""
        multi = np.flatnonzero((ray_of >= 0).sum(1) >= 2)
        if multi.size == 0:
            return
        ids = self.tracks.ids[boost[multi]]
        keep = np.array([int(i) in self.launch_history for i in ids])
        if not keep.any():
            return
        tri = triangulate(det, ray_of[multi[keep]])
        for q, i in enumerate(ids[keep].tolist()):
            self.stereo_points.setdefault(int(i), []).append((t, tri.r_ecef_m[q], tri.P[q]))

    def _commit_ir(self, idx: np.ndarray, t: float, x: np.ndarray, P: np.ndarray) -> None:
        nis = np.array([self._nis_ir.pop(int(i), 2.0) for i in idx])
        self._commit(idx, t, x, P, nis, 2, None, PHEN_IR)

    def _ir_initiate(self, t: float, rays: DetectionBatch, rows: np.ndarray) -> None:
        fp, fs = _footprints(rays)
        for q in range(len(rays)):
            self._footprint[int(rows[q])] = (t, int(rays.sensor[q]), fp[q], float(fs[q]))
        if len(self._footprint) > 20000:                  # forget rays no seed can hold
            horizon = t - 10 * self.seed_age_periods * 10.0
            self._footprint = {r: v for r, v in self._footprint.items() if v[0] >= horizon}
        sensors = np.unique(rays.sensor)
        single = np.ones(len(rays), bool)
        parts: list[Seeds] = []
        period = max((m.frame_period_s for k, m in self.models.items()
                      if isinstance(m, irm.InfraredSensor) and k in set(sensors.tolist())),
                     default=10.0)
        age = self.seed_age_periods * period
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
        lone = np.flatnonzero(single)
        if lone.size:
            sub = rays.take(lone)
            try:
                area = launch_area_single(sub)
            except InputError:                    # a ray missing the Earth: no point from it
                area = None
            if area is not None:
                E = np.linalg.norm(area.r_plume_ecef_m, axis=1, keepdims=True)
                up = area.r_plume_ecef_m / E
                horiz = np.eye(3) - up[:, :, None] * up[:, None, :]
                S = area.P_plume + (6e3 ** 2) * horiz                   # + downrange spread
                parts.append(seeds_from_points(area.r_plume_ecef_m, S, np.full(lone.size, t),
                                               age, rows[lone], sub.sensor,
                                               single=np.ones(lone.size, bool)))
        if not parts:
            return
        pts = parts[0] if len(parts) == 1 else parts[0].concat(parts[1])
        starts, self.ir_seeds = self.initiator.initiate(self.ir_seeds, pts, t)
        self._start(starts, None, PHEN_IR)

    # --- bookkeeping ----------------------------------------------------------------------
    def _start(self, st: TwoPointStarts, origin: int | None, phen: int) -> None:
        c = len(st)
        if c == 0:
            return
        ids = np.arange(self._next_id, self._next_id + c)
        self._next_id += c
        org = (np.where(st.single, ORIGIN_IR_SINGLE, ORIGIN_IR_STEREO) if origin is None
               else np.full(c, origin))
        new = SystemTracks.new(ids, st.x, st.P, st.t_s, org.astype(np.int8), st.born_s, 2)
        new.x_alt[:], new.P_alt[:] = st.x_alt, st.P_alt
        if origin == ORIGIN_RADAR:          # radar mostly sees objects that coast: prior odds
            new.llr[:] = self.manager.radar_coast_prior_llr
        new.phen[:] = phen
        first = new.first_ir_s if phen == PHEN_IR else new.first_radar_s
        last = new.last_ir_s if phen == PHEN_IR else new.last_radar_s
        first[:] = st.born_s
        last[:] = st.t_s
        self.tracks = self.tracks.concat(new)
        for q in range(c):
            keep = st.rows[q] >= 0
            self.log.record_updates(np.full(int(keep.sum()), ids[q]), st.t_s[q],
                                    st.sensors[q][keep], st.rows[q][keep])
            if origin is None:
                h: dict[int, list[tuple[float, np.ndarray, float]]] = {}
                for r in st.rows[q][keep].tolist():
                    tf, kf, pf, sf = self._footprint.get(int(r), (0.0, -1, np.zeros(3), np.nan))
                    if kf >= 0 and np.isfinite(sf):
                        h.setdefault(kf, []).append((tf, pf, sf))
                self.launch_history[int(ids[q])] = h
                if not st.single[q]:                 # two triangulated points: climb test
                    self.stereo_points[int(ids[q])] = [
                        (float(st.t1_s[q]), st.r1[q].copy(), st.S1[q].copy()),
                        (float(st.t_s[q]), st.x[q, :3].copy(), st.P[q, :3, :3].copy())]
        rows = np.arange(len(self.tracks) - c, len(self.tracks))
        self._log_states(rows)

    def _commit(self, idx: np.ndarray, t: float, x: np.ndarray, P: np.ndarray,
                nis: np.ndarray, dim_z: int, dllr: np.ndarray | None, phen: int) -> None:
        """Store updated states of tracks ``idx``: hit bookkeeping, mode switches, log."""
        ts = self.tracks
        x, P = x.copy(), P.copy()
        dl = np.zeros(idx.size) if dllr is None else dllr
        was_boost = ts.mode[idx] == MODE_BOOST
        mode, llr, nis_bar = self.motion.adapt(ts.mode[idx], ts.llr[idx], ts.nis_bar[idx],
                                               x, P, np.asarray(nis, float), dim_z, dl)
        out = was_boost & (mode == MODE_COAST) & np.all(np.isfinite(ts.x_alt[idx]), axis=1)
        x[out], P[out] = ts.x_alt[idx[out]], ts.P_alt[idx[out]]   # burnout: the coast filter
        if phen == PHEN_IR or out.any():
            drop = np.full(idx.size, phen == PHEN_IR) | out
            ts.x_alt[idx[drop]] = np.nan
        if phen == PHEN_IR:                 # infrared sees only a burning motor
            coast = mode == MODE_COAST
            if coast.any():
                self.motion.to_boost(x, P, np.flatnonzero(coast))
                mode = np.where(coast, MODE_BOOST, mode).astype(np.int8)
        ts.x[idx], ts.P[idx], ts.t_s[idx], ts.hit_s[idx] = x, P, t, t
        ts.mode[idx], ts.llr[idx], ts.nis_bar[idx] = mode, llr, nis_bar
        ts.hits[idx] += 1
        ts.misses[idx] = 0
        ts.history[idx] = (ts.history[idx] << np.uint32(1)) | np.uint32(1)
        ts.phen[idx] |= phen
        first, last = ((ts.first_ir_s, ts.last_ir_s) if phen == PHEN_IR
                       else (ts.first_radar_s, ts.last_radar_s))
        first[idx] = np.where(np.isfinite(first[idx]), first[idx], t)
        last[idx] = t
        self._confirm(idx)
        if phen == PHEN_RADAR:
            for i in idx[(ts.status[idx] == CONFIRMED) & (ts.phen[idx] == PHEN_RADAR)]:
                self._handover(int(i))
        self._log_states(idx)

    def _record(self, idx: np.ndarray, t: float, k: int, rows: np.ndarray) -> None:
        self.log.record_updates(self.tracks.ids[idx], t, np.full(idx.size, k), rows)

    def _log_states(self, idx: np.ndarray) -> None:
        ts = self.tracks
        self.log.record_states(ts.ids[idx], ts.t_s[idx], ts.status[idx], ts.mode[idx],
                               ts.x[idx], ts.P[idx], ts.phen[idx])

    def _confirm(self, idx: np.ndarray) -> None:
        ts, mg = self.tracks, self.manager
        window = np.uint32((1 << mg.confirm_n) - 1)
        for i in idx[ts.status[idx] == TENTATIVE]:
            if bin(int(ts.history[i] & window)).count("1") < mg.confirm_m:
                continue
            if ts.origin[i] != ORIGIN_RADAR:
                tid = int(ts.ids[i])
                if ts.t_s[i] - ts.born_s[i] > mg.launch_confirm_s:
                    continue                # a source unlike a launch for so long is not one
                sp = [p for p in self.stereo_points.get(tid, [])
                      if p[0] >= ts.t_s[i] - mg.launch_window_s]
                if len(sp) >= 3 and climbs_like_launch(np.array([p[0] for p in sp]),
                                                       np.array([p[1] for p in sp]),
                                                       np.array([p[2] for p in sp])):
                    self._confirm_now(i)
                    continue
                h = max(self.launch_history.get(tid, {}).values(), key=len, default=[])
                h = [p for p in h if p[0] >= ts.t_s[i] - mg.launch_window_s]
                ok = len(h) >= 3 and moves_like_launch(np.array([p[0] for p in h]),
                                                       np.array([p[1] for p in h]),
                                                       np.array([p[2] for p in h]))
                run = self._launch_like_run.get(tid, 0) + 1 if ok else 0
                self._launch_like_run[tid] = run
                if run < mg.launch_like_runs:
                    continue
                self._launch_like_run.pop(tid, None)
            self._confirm_now(i)

    def _confirm_now(self, i: int) -> None:
        ts = self.tracks
        ts.status[i] = CONFIRMED
        self.launch_history.pop(int(ts.ids[i]), None)
        self.stereo_points.pop(int(ts.ids[i]), None)
        self._launch_like_run.pop(int(ts.ids[i]), None)

    def _handover(self, i: int) -> None:
        """Confirmed radar-only track row ``i`` takes over the infrared-only track whose last
        rays its back-propagated state explains (:mod:`tocsin.tracking.handover`) — only when
        the decision is clear: the radar track's velocity σ is below
        ``TrackManager.handover_sigma_v_m_s`` (a young track's cross-range velocity is too
        loose to tell a salvo's boosters apart), one infrared track passes the gate and no
        other comes within the 1 − 10⁻⁹ gate. Repeated at each radar update until decisive, at most
        ``TrackManager.handover_tries`` times, at track hit counts growing by 30 % each."""
        ts = self.tracks
        if np.trace(ts.P[i, 3:6, 3:6]) > self.manager.handover_sigma_v_m_s ** 2:
            return                                     # too loose to tell boosters apart
        n_try = self._handover_tries.get(int(ts.ids[i]), 0)
        if n_try >= self.manager.handover_tries or int(ts.hits[i]) < int(1.3 ** n_try):
            return                                     # tried at 1, 2, 3, 4, 5, 7, 9, … hits
        self._handover_tries[int(ts.ids[i])] = n_try + 1
        x, P = ts.x[i:i + 1].copy(), ts.P[i:i + 1].copy()
        if ts.mode[i] == MODE_BOOST:
            self.motion.to_coast(x, P, np.array([0]))
        # Candidates: infrared-only tracks that ended before radar began, seen by two or more
        # satellites (one satellite's rays leave the range free: in a salvo several of its
        # boosters fit them, and a wrong hand-over is a swap).
        cand = [int(j) for j in np.flatnonzero((ts.ids >= 0) & (ts.phen == PHEN_IR)
                                               & (ts.last_ir_s < ts.first_radar_s[i]))
                if len({b[5] for b in self.ir_rays.get(int(ts.ids[j]), [])}) >= 2]
        if cand:                                       # cheap: the trajectory plane
            last = [self.ir_rays[int(ts.ids[j])][-1] for j in cand]
            zz = np.array([b[1] for b in last])
            los = los_from_angles(zz[:, 0], zz[:, 1], np.array([b[4] for b in last]))
            ok = in_plane(ts.x[i, :3], ts.x[i, 3:6], float(ts.t_s[i]),
                          np.array([b[0] for b in last]), np.array([b[3] for b in last]), los)
            cand = [j for j, o in zip(cand, ok, strict=True) if o]
        if not cand:
            return
        bufs = [self.ir_rays[int(ts.ids[j])] for j in cand]
        rays = [Rays(*(np.array([b[c] for b in buf]) for c in range(5))) for buf in bufs]
        bo = np.array([self.burnouts.get(int(ts.ids[j]), (float(ts.t_s[j]), 0.0, 900.0))
                       for j in cand])
        d2 = back_check(self.motion, x[0], P[0], float(ts.t_s[i]), rays, bo[:, 0], bo[:, 1],
                        bo[:, 2], self.manager.burn_extend_s)
        dof = 2 * np.array([len(b) for b in bufs])
        gate = np.array([chi2_gate(self.gater.probability, int(d)) for d in dof])
        near = np.array([chi2_gate(1.0 - 1e-9, int(d)) for d in dof])
        passing = [cand[q] for q in np.flatnonzero(d2 <= gate)]
        if int((d2 <= near).sum()) > 1:
            return                                     # ambiguous: wait for a sharper track
        if len(passing) != 1:
            return
        j = passing[0]
        self.log.record_merge(int(ts.ids[i]), int(ts.ids[j]))
        ts.ids[i] = ts.ids[j]
        ts.born_s[i] = min(ts.born_s[i], ts.born_s[j])
        ts.phen[i] |= ts.phen[j]
        ts.first_ir_s[i], ts.last_ir_s[i], ts.ir_w_sr[i] = (ts.first_ir_s[j], ts.last_ir_s[j],
                                                           ts.ir_w_sr[j])
        self.ir_rays.pop(int(ts.ids[j]), None)
        ts.ids[j] = -1                                 # removed at the end of the event

    def _charge_misses(self, k: int, t: float, model: object, idx: np.ndarray,
                       r_ext: np.ndarray) -> None:
        """Radar scan of sensor k at t missed tracks ``idx``: charge those it could have seen."""
        if idx.size == 0 or not isinstance(model, rdm.Radar) or not self._opportunity(k, t):
            return
        ts = self.tracks
        idx = idx[ts.phen[idx] != PHEN_IR]    # infrared-only tracks wait for the hand-over
        if idx.size == 0:
            return
        vis = rdm.radar_possible(model, _points(t, r_ext[idx]))[:, 0]
        rcs = np.where(np.isfinite(ts.rcs_m2[idx]), ts.rcs_m2[idx], self.manager.prior_rcs_m2)
        rng = np.linalg.norm(r_ext[idx] - model.r_ecef_m, axis=1)
        pd = rdm.swerling1_pd(rdm.mean_snr(model, rng, rcs), model.pfa)
        self._miss(idx[vis & (pd >= self.manager.miss_pd)])

    def _charge_ir_misses(self, k: int, t: float, idx: np.ndarray, r: np.ndarray,
                          det: DetectionBatch, mine: np.ndarray) -> None:
        """Frame of satellite k at t missed boost tracks ``idx`` (positions ``r``)."""
        model = self.models.get(k)
        ts = self.tracks
        seen = np.isfinite(ts.ir_w_sr[idx])     # only tracks infrared has seen: known plume
        if not isinstance(model, irm.InfraredSensor) or not seen.any() or not \
                self._opportunity(k, t):
            return
        idx, r = idx[seen], r[seen]
        if mine.size:
            sat = det.sensor_r_ecef_m[mine[0]]
        elif k in self.ephemeris:
            tt, rr = self.ephemeris[k]
            j = int(np.clip(np.searchsorted(tt, t - 1e-6), 0, tt.size - 1))
            if abs(tt[j] - t) > 1e-3:
                return
            sat = rr[j]
        else:
            return
        pts = _points(t, r, burning=True)
        vis = irm.ir_possible(model, np.asarray(sat).reshape(1, 3), pts)[:, 0]
        rng = np.linalg.norm(r - sat, axis=1)
        snr = ts.ir_w_sr[idx] / (rng ** 2 * model.nei_w_m2)
        pd = irm.detection_probability(snr, model.threshold_snr)
        self._miss(idx[vis & (pd >= self.manager.miss_pd)])

    def _opportunity(self, k: int, t: float) -> bool:
        """Whether sensor k's scan at t is a miss opportunity: at most one every
        ``TrackManager.miss_interval_s`` per sensor (1 Hz scans of one target are not
        independent chances; fewer geometry queries, too)."""
        if t - self._last_chance.get(k, -np.inf) < self.manager.miss_interval_s - 1e-9:
            return False
        self._last_chance[k] = t
        return True

    def _miss(self, idx: np.ndarray) -> None:
        if idx.size == 0:
            return
        ts = self.tracks
        ts.misses[idx] += 1
        ts.history[idx] = ts.history[idx] << np.uint32(1)

    def _burn_out(self, idx: np.ndarray) -> None:
        """Tracks ``idx`` lost in boost: the motor burnt on for an unknown τ ∈ [0, 2τ̄] after
        the last update (τ̄ = ``TrackManager.burn_extend_s``). Thrust on for τ̄, then
        Var(a_T τ) = a_T² (2τ̄)²/12 added along û (uniform τ), then coast (in place)."""
        ts, tau = self.tracks, self.manager.burn_extend_s
        for q in idx:
            self.burnouts[int(ts.ids[q])] = (float(ts.t_s[q] + tau), float(ts.x[q, 6]),
                                             float(ts.P[q, 6, 6]))
        x, P = self.motion.predict(ts.x[idx], ts.P[idx], np.full(idx.size, tau),
                                   np.full(idx.size, MODE_BOOST, np.int8))
        v = x[:, 3:6]
        u = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        var = (x[:, 6] * 2.0 * tau) ** 2 / 12.0 + P[:, 6, 6] * tau ** 2
        P[:, 3:6, 3:6] += var[:, None, None] * u[:, :, None] * u[:, None, :]
        self.motion.to_coast(x, P, np.arange(idx.size))
        ts.x[idx], ts.P[idx], ts.t_s[idx] = x, P, ts.t_s[idx] + tau
        ts.mode[idx] = MODE_COAST

    def _housekeeping(self, t: float) -> None:
        """Burnout by silence, deletion (misses, time-outs, σ, impact), every simulated second."""
        ts, mg = self.tracks, self.manager
        if len(ts) == 0:
            return
        age = t - ts.hit_s
        # A booster that goes unseen has burnt out (or left the infrared view): it coasts on.
        # Confirmed boost tracks are not ended by misses: a fading upper stage is missed by
        # several satellites a frame, and the time-out alone decides burnout.
        boost = ts.mode == MODE_BOOST
        burnt = np.flatnonzero(boost & (age > mg.boost_timeout_s))
        ts.misses[burnt] = 0
        if burnt.size:
            self._burn_out(burnt)
        tent = ts.status == TENTATIVE
        dead = np.where(tent, (ts.misses >= mg.tentative_misses)
                        | (age > mg.tentative_timeout_s),
                        ((ts.misses >= mg.confirmed_misses) & ~boost)
                        | (age > mg.coast_timeout_s))
        if t - self._housekept_s >= 1.0:
            self._housekept_s = t
            gap = t - ts.t_s
            var = np.trace(ts.P[:, :3, :3], axis1=1, axis2=2) + gap ** 2 * np.trace(
                ts.P[:, 3:6, 3:6], axis1=1, axis2=2)
            # An infrared-only track keeps its rays for the hand-over however vague its range.
            dead |= (var > mg.max_sigma_m ** 2) & (ts.phen != PHEN_IR)
            coast = np.flatnonzero((ts.mode == MODE_COAST) & (ts.phen != PHEN_IR))
            if coast.size:
                r_ext = ts.x[coast, :3] + ts.x[coast, 3:6] * gap[coast, None]
                dead[coast] |= ecef_to_geodetic(r_ext)[2] < mg.impact_alt_m
        dead |= ts.ids < 0                            # taken over by another track
        if dead.any():
            for i in ts.ids[dead].tolist():
                self.launch_history.pop(int(i), None)
                self.stereo_points.pop(int(i), None)
                self.ir_rays.pop(int(i), None)
                self.burnouts.pop(int(i), None)
            self.tracks = ts.select(~dead)


@dataclass(frozen=True)
class _FixedIrContext:
    """One satellite's position and frame repeated for k states."""

    sensor_r_ecef_m: np.ndarray
    sensor_frame: np.ndarray

    def __init__(self, r: np.ndarray, F: np.ndarray, k: int) -> None:
        object.__setattr__(self, "sensor_r_ecef_m", np.broadcast_to(r, (k, 3)))
        object.__setattr__(self, "sensor_frame", np.broadcast_to(F, (k, 3, 3)))


def _points(t: float, r: np.ndarray, burning: bool = False) -> TruthTable:
    """Predicted track positions (k, 3) at one time as a table the sensors' ``possible`` reads
    (a burning plume for infrared, a unit cross-section for radar)."""
    k = r.shape[0]
    return TruthTable(np.array([t]), tuple(str(i) for i in range(k)), r[:, None, :],
                      np.zeros((k, 1, 3)), np.full((k, 1), 1, np.int8),
                      np.full((k, 1), burning), np.ones((k, 1)), np.full((k, 1), 1e6))


def _footprints(rays: DetectionBatch) -> tuple[np.ndarray, np.ndarray]:
    """Where each infrared ray meets the plume's expected height (k, 3) and the noise σ of that
    point (k,) from the angular noise alone (m); NaN where the ray misses the Earth."""
    out, sig = np.full((len(rays), 3), np.nan), np.full(len(rays), np.nan)
    if len(rays) == 0:
        return out, sig
    try:
        a = launch_area_single(rays, alt_sigma_m=0.0)
        return a.r_plume_ecef_m, np.sqrt(np.trace(a.P_plume, axis1=1, axis2=2) / 2.0)
    except InputError:                  # some ray misses the Earth: one at a time
        pass
    for q in range(len(rays)):
        try:
            a = launch_area_single(rays.take(np.array([q])), alt_sigma_m=0.0)
        except InputError:
            continue
        out[q], sig[q] = a.r_plume_ecef_m[0], np.sqrt(np.trace(a.P_plume[0]) / 2.0)
    return out, sig
