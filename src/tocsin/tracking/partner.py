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
order: a radar's scan (:func:`~tocsin.tracking.radar_scan.radar_scan`), or the infrared frames
taken at one instant (:func:`~tocsin.tracking.infrared_frame.ir_frame`); confirmation and the
infrared-to-radar hand-over are in :mod:`tocsin.tracking.confirmation`. This module keeps the
event loop, the bookkeeping of hits and misses, burnout by silence and deletion.

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
confirmed only when M-of-N holds *and* it moves like a launch (triangulated points that climb,
or one satellite's footprints that run and speed up: :mod:`tocsin.tracking.launchlike`): sun
glint and fires stay tentative.

Everything enters through the :class:`~tocsin.tracking.door.Door`; the
:class:`~tocsin.tracking.log.TrackLog` keeps every updated state and which detection updated
which track (rows of the batch given to :meth:`PartnerTracker.process`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tocsin.earth.wgs84 import ecef_to_geodetic
from tocsin.errors import InputError
from tocsin.sensors import infrared as irm
from tocsin.sensors import radar as rdm
from tocsin.sensors.detections import IR, RADAR, DetectionBatch
from tocsin.tracking.association import GlobalNearestNeighbour
from tocsin.tracking.confirmation import confirm, take_over
from tocsin.tracking.door import Door, Rejections, check_batch_shapes
from tocsin.tracking.gating import MahalanobisGater, chi2_gate
from tocsin.tracking.infrared import (
    IrMeasurement,
)
from tocsin.tracking.infrared_frame import ir_frame
from tocsin.tracking.initiation import Seeds, TwoPointInitiator, TwoPointStarts
from tocsin.tracking.log import MODE_BOOST, MODE_COAST, PHEN_IR, PHEN_RADAR, TrackLog
from tocsin.tracking.phases import PhaseModel
from tocsin.tracking.radar_model import RadarMeasurement, plots_to_ecef
from tocsin.tracking.radar_scan import radar_scan
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
    ``new_satellite_silence_periods``: an infrared-only track whose latest rays are one
    satellite's and that has been silent for more than this many of its frame periods takes no
    ray of another satellite (its range is free along the first line of sight: the ray would
    most likely be another booster's);
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
    new_satellite_silence_periods: float = 5.0


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
        # The run's clock bounds what the door accepts: nothing after the last scheduled frame
        # or scan (a report stamped t = 1e12 would otherwise lock its sensor out).
        ends = [float(np.max(t)) for t in self.schedule.values() if np.size(t)]
        self.door = Door(self.sensors, horizon_s=max(ends) + 1.0 if ends else np.inf)
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
        self._nis_ir: dict[int, float] = {}          # this frame's NIS per updated track
        self.stereo_points: dict[int, list[tuple[float, np.ndarray, np.ndarray]]] = {}
        self._next_id = 0
        self._g4 = chi2_gate(self.gater.probability, 4)
        self._g3 = chi2_gate(self.gater.probability, 3)
        self._housekept_s = -np.inf
        self.process_s = 0.0            # wall time spent in process (s), for benchmarks

    @property
    def rejected(self) -> Rejections:
        return self.door.rejected

    # --- the event loop -----------------------------------------------------------------
    def process(self, det: DetectionBatch, rows: np.ndarray | None = None) -> None:
        """Track a time-ordered batch of this partner's detections (a whole run or a chunk);
        ``rows`` are their indices in the caller's batch (default 0..n−1), kept in the log."""
        clock = time.perf_counter()
        check_batch_shapes(det)                    # a malformed batch: refused whole, by column
        rows = np.arange(len(det)) if rows is None else np.asarray(rows, np.int64)
        if rows.shape != (len(det),):
            raise InputError("rows", f"shape {rows.shape}", f"({len(det)},), one per detection")
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
        # Rows come sorted by (t, sensor), so each (instant, sensor) is normally one run of
        # rows, served as slices (views) rather than gathered copies; the gather remains for
        # instants whose rounding to 1 µs interleaves sensors.
        chg = np.flatnonzero((dt_r[1:] != dt_r[:-1]) | (det.sensor[1:] != det.sensor[:-1])) + 1
        run_lo = np.concatenate([[0], chg]) if len(det) else np.zeros(0, np.int64)
        run_hi = np.concatenate([chg, [len(det)]]) if len(det) else np.zeros(0, np.int64)
        n_pairs = len(np.unique(np.stack([dt_r, det.sensor.astype(float)], 1), axis=0))
        runs = n_pairs == run_lo.size
        run_t, run_k = dt_r[run_lo].tolist(), det.sensor[run_lo].tolist()
        key_t, key_k = key[:, 0].tolist(), key[:, 1].astype(np.int64).tolist()
        r = 0
        i = 0
        while i < len(key_t):
            t = key_t[i]
            j = i
            while j < len(key_t) and key_t[j] == t:
                j += 1
            ir_sensors = []
            for q in range(i, j):
                k = key_k[q]
                sl: slice | np.ndarray
                if runs:
                    if r < len(run_t) and run_t[r] == t and run_k[r] == k:
                        sl = slice(int(run_lo[r]), int(run_hi[r]))
                        r += 1
                    else:
                        sl = slice(0, 0)
                else:
                    a, b = start[q], stop[q]
                    sl = a + np.flatnonzero(det.sensor[a:b] == k)
                if kinds.get(k, RADAR) == IR:
                    ir_sensors.append((k, np.arange(sl.start, sl.stop) if isinstance(sl, slice)
                                       else sl))
                else:
                    radar_scan(self, t, k, det.take(sl), rows[sl], conv_r[sl], conv_S[sl])
            if ir_sensors:
                ir_frame(self, t, ir_sensors, det, rows)
            self._housekeeping(t)
            i = j
        self.process_s += time.perf_counter() - clock

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
        confirm(self, idx)
        if phen == PHEN_RADAR:
            for i in idx[(ts.status[idx] == CONFIRMED) & (ts.phen[idx] == PHEN_RADAR)]:
                take_over(self, int(i))
        self._log_states(idx)

    def _record(self, idx: np.ndarray, t: float, k: int, rows: np.ndarray) -> None:
        self.log.record_updates(self.tracks.ids[idx], t, np.full(idx.size, k), rows)

    def _log_states(self, idx: np.ndarray) -> None:
        ts = self.tracks
        self.log.record_states(ts.ids[idx], ts.t_s[idx], ts.status[idx], ts.mode[idx],
                               ts.x[idx], ts.P[idx], ts.phen[idx])

    def _may_charge(self, k: int, t: float) -> bool:
        """Whether :meth:`_opportunity` would say yes now (without taking the chance)."""
        return t - self._last_chance.get(k, -np.inf) >= self.manager.miss_interval_s - 1e-9

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
        # A diverged filter (non-finite, or a state no ballistic object can have: beyond
        # 100,000 km or faster than 20 km/s) is deleted, never predicted again.
        with np.errstate(invalid="ignore", over="ignore"):
            dead |= ~(np.isfinite(ts.x).all(axis=1) & np.isfinite(ts.P).all(axis=(1, 2))
                      & (np.einsum("ij,ij->i", ts.x[:, :3], ts.x[:, :3]) < 1e16)
                      & (np.einsum("ij,ij->i", ts.x[:, 3:6], ts.x[:, 3:6]) < 4e8))
        if dead.any():
            for i in ts.ids[dead].tolist():
                self.launch_history.pop(int(i), None)
                self.stereo_points.pop(int(i), None)
                self.ir_rays.pop(int(i), None)
                self.burnouts.pop(int(i), None)
            self.tracks = ts.select(~dead)
