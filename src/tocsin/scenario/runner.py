"""Run a scenario: aim and fly every launch, then let every sensor observe the truth.

The order is fixed and the randomness comes from one seed (a child generator per sensor), so the
same file and seed give the same detections bit for bit. Besides the detections the run computes,
from the truth alone, each launch's **earliest possible detection** per sensor: the first frame or
revisit at which a detection is possible at all (geometry, field of regard, range, a burning plume
above the detection altitude), noise and luck aside. It is the physical limit that warning times
are measured against; a detection before it is a bug.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from tocsin.earth.frames import EarthFrame
from tocsin.flight import FlightSummary, propagate
from tocsin.scenario.build import FlightObject, SatelliteStates, build_flights, satellite_states
from tocsin.scenario.schema import Scenario
from tocsin.scenario.sensors import SensorSet, build_sensors
from tocsin.sensors.detections import FALSE_ALARM, IR, DetectionBatch, concat
from tocsin.sensors.signatures import signatures
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.partner import PartnerTracker

__all__ = ["RunResult", "run_scenario", "scenario_coverage", "track_partners"]


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced; ``truth`` and ``detections.truth_id`` are for evaluation."""

    scenario: Scenario
    objects: tuple[FlightObject, ...]
    summary: FlightSummary | None
    truth: TruthTable
    satellites: SatelliteStates
    sensors: SensorSet
    detections: DetectionBatch
    earliest_possible_s: np.ndarray   # (n_objects, n_sensors), NaN where never possible
    timings_s: dict[str, float]       # wall time of each stage: aim, fly, sense, track
    trackers: dict[str, PartnerTracker]  # per partner: its trackers, track log, rejections

    def first_detection_s(self) -> np.ndarray:
        """(n_objects, n_sensors): time of each sensor's first detection of each object."""
        n, k = len(self.objects), len(self.sensors.infos)
        out = np.full((n, k), np.nan)
        d = self.detections
        real = d.truth_id != FALSE_ALARM
        for obj, sen, t in zip(d.truth_id[real], d.sensor[real], d.t_s[real], strict=True):
            if not (out[obj, sen] <= t):
                out[obj, sen] = t
        return out


def run_scenario(sc: Scenario, *, track: bool = True,
                 track_workers: int | None = None) -> RunResult:
    """Simulate ``sc``: truth, detections, earliest possible detections and, with ``track``,
    one tracker per partner over that partner's own sensors (``track_workers`` processes:
    :func:`track_partners`)."""
    clock = time.perf_counter
    t0 = clock()
    objects, batch = build_flights(sc)
    sensors = build_sensors(sc)
    t1 = clock()
    t_all = sensors.all_times(sc.duration_s, sc.time_step_s)
    sats = satellite_states(sc, t_all)
    if len(batch):
        res = propagate(batch, t_all)
        assert res.samples is not None
        s = res.samples
        rcs, ir = signatures(batch, t_all, s.phase, s.burning)
        truth = TruthTable(t_all, tuple(o.id for o in objects), s.r_ecef_m, s.v_ecef_m_s,
                           s.phase, s.burning, rcs, ir)
        summary: FlightSummary | None = res.summary
    else:
        m = t_all.size
        truth = TruthTable(t_all, (), np.zeros((0, m, 3)), np.zeros((0, m, 3)),
                           np.zeros((0, m), np.int8), np.zeros((0, m), bool), np.zeros((0, m)),
                           np.zeros((0, m)))
        summary = None
    t2 = clock()
    frame = EarthFrame(sc.epoch)
    seeds = np.random.SeedSequence(sc.seed).spawn(len(sensors.infos))
    batches = []
    earliest = np.full((truth.n_objects, len(sensors.infos)), np.nan)
    for k, info in enumerate(sensors.infos):
        rng = np.random.default_rng(seeds[k])
        idx = sensors.time_index[k]
        tr = truth.at(idx)
        if info.kind == IR:
            sat = sensors.satellite_index[k]
            sat_r, sat_v = sats.r_ecef_m[sat, idx], sats.v_ecef_m_s[sat, idx]
            possible = sensors.ir_possible(k, sat_r, tr)
            batches.append(sensors.ir_observe(k, sat_r, sat_v, tr, rng, frame))
        else:
            possible = sensors.radar_possible(k, tr)
            batches.append(sensors.radar_observe(k, tr, rng))
        any_t = possible.any(axis=1)
        first = np.argmax(possible, axis=1)
        earliest[any_t, k] = tr.t_s[first[any_t]]
    det = concat(batches).sorted()
    t3 = clock()
    trackers = track_partners(sc, sensors, sats, det, workers=track_workers) if track else {}
    timings = {"aim": t1 - t0, "fly": t2 - t1, "sense": t3 - t2, "track": clock() - t3}
    return RunResult(sc, tuple(objects), summary, truth, sats, sensors, det, earliest, timings,
                     trackers)


def _partner_tracker(sc: Scenario, sensors: SensorSet, sats: SatelliteStates,
                     det: DetectionBatch, p: int) -> PartnerTracker:
    """Partner ``p`` (index into ``sc.partners``) tracks its own sensors' detections."""
    pid = sc.partners[p].id
    mine = [k for k, info in enumerate(sensors.infos) if info.partner == pid]
    eph = {k: (sensors.times[k], sats.r_ecef_m[sensors.satellite_index[k], sensors.time_index[k]])
           for k in mine if sensors.infos[k].kind == IR}
    pt = PartnerTracker(pid, frozenset(mine), models={k: sensors.models[k] for k in mine},
                        schedule={k: sensors.times[k] for k in mine}, ephemeris=eph)
    rows = np.flatnonzero(np.isin(det.sensor, mine))
    pt.process(det.take(rows), rows)
    return pt


_SHARED: tuple[Scenario, SensorSet, SatelliteStates, DetectionBatch] | None = None


def _partner_in_child(p: int) -> PartnerTracker:
    assert _SHARED is not None
    return _partner_tracker(*_SHARED, p)


def track_partners(sc: Scenario, sensors: SensorSet, sats: SatelliteStates, det: DetectionBatch,
                   *, workers: int | None = None) -> dict[str, PartnerTracker]:
    """One :class:`PartnerTracker` per partner of ``sc``, keyed by partner id, in order.

    Partners share nothing (each tracks only its own sensors), so they run in ``workers``
    forked processes (default: one per partner, at most ``os.cpu_count()``); each child
    inherits the run's arrays by fork and sends back its tracker. The result is the same bit
    for bit as tracking them one after the other (``workers=1``, or where ``fork`` is not
    available).
    """
    global _SHARED
    n = len(sc.partners)
    workers = min(n, os.cpu_count() or 1) if workers is None else min(int(workers), n)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return {sc.partners[p].id: _partner_tracker(sc, sensors, sats, det, p) for p in range(n)}
    _SHARED = (sc, sensors, sats, det)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            done = list(pool.map(_partner_in_child, range(n)))
    finally:
        _SHARED = None
    return {sc.partners[p].id: pt for p, pt in enumerate(done)}


def scenario_coverage(sc: Scenario, lat_deg: np.ndarray, lon_deg: np.ndarray,
                      alt_km: np.ndarray, t_s: float = 0.0) -> tuple[list[str], np.ndarray]:
    """(sensor ids, (P, k) bool): which of the scenario's sensors see each point at ``t_s``.

    Vectorised over points; for the coverage and warning-time maps of later stages.
    """
    from tocsin.sensors.coverage import coverage

    sensors = build_sensors(sc)
    sats = satellite_states(sc, np.array([float(t_s)]))
    sat_r = [sats.r_ecef_m[sensors.satellite_index[k], 0] if info.kind == IR else None
             for k, info in enumerate(sensors.infos)]
    vis = coverage(sensors.models, sat_r, np.radians(lat_deg), np.radians(lon_deg),
                   np.asarray(alt_km, float) * 1e3, t_s)
    return [i.id for i in sensors.infos], vis
