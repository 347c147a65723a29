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
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from tocsin.errors import InputError, TocsinError
from tocsin.flight import FlightSummary, propagate
from tocsin.scenario.budget import check_budget
from tocsin.scenario.build import FlightObject, SatelliteStates, build_flights, satellite_states
from tocsin.scenario.schema import Scenario
from tocsin.scenario.sensors import SensorSet, build_sensors
from tocsin.sensors.detections import FALSE_ALARM, DetectionBatch, concat
from tocsin.sensors.sensor import InfraredSatellite, Sensor, sensors_of
from tocsin.sensors.truth import TruthTable
from tocsin.tracking.partner import PartnerTracker

__all__ = ["RunResult", "run_scenario", "partner_tracker", "track_partner", "track_partners",
           "scenario_coverage"]


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

    def tables(self) -> dict[str, Any]:
        """The run as Arrow tables: ``detections``, ``tracks``, ``truth`` and ``scores``
        (:mod:`tocsin.scenario.tables`; ``.to_pandas()`` on each for pandas)."""
        from tocsin.scenario import tables as tb

        return {"detections": tb.detections_table(self), "tracks": tb.tracks_table(self),
                "truth": tb.truth_table(self), "scores": tb.scores_table(self)}

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
    check_budget(sc)  # refuse what would not fit before allocating anything
    clock = time.perf_counter
    t0 = clock()
    objects, batch = build_flights(sc)
    sensors = build_sensors(sc)
    t1 = clock()
    t_all = sensors.all_times(sc.duration_s, sc.time_step_s)
    sats = satellite_states(sc, t_all)
    res = propagate(batch, t_all)
    truth = TruthTable.from_flight(batch, res, [o.id for o in objects])
    summary: FlightSummary | None = res.summary if len(batch) else None
    t2 = clock()
    seeds = np.random.SeedSequence(sc.seed).spawn(len(sensors.infos))
    batches = []
    earliest = np.full((truth.n_objects, len(sensors.infos)), np.nan)
    for k, sensor in enumerate(sensors.sensors):
        rng = np.random.default_rng(seeds[k])
        tr = truth.at(sensors.time_index[k])
        possible = sensor.possible(tr)
        batches.append(sensor.observe(tr, rng, index=k))
        any_t = possible.any(axis=1)
        first = np.argmax(possible, axis=1)
        earliest[any_t, k] = tr.t_s[first[any_t]]
    det = concat(batches).sorted()
    t3 = clock()
    trackers = (track_partners([p.id for p in sc.partners], sensors.sensors, det,
                               t1_s=sc.duration_s, workers=track_workers) if track else {})
    timings = {"aim": t1 - t0, "fly": t2 - t1, "sense": t3 - t2, "track": clock() - t3}
    return RunResult(sc, tuple(objects), summary, truth, sats, sensors, det, earliest, timings,
                     trackers)


def partner_tracker(partner: str, sensors: Sequence[Sensor], t0_s: float, t1_s: float, *,
                    require_sensors: bool = True) -> PartnerTracker:
    """A fresh :class:`PartnerTracker` over ``partner``'s own sensors among ``sensors`` (row
    ``sensor`` of the detections = position in this list), scheduled over [t0_s, t1_s], with the
    product's default roles (motion model, gater, associator, initiator, manager). A partner
    that owns no sensor is an error (a misspelt name) unless ``require_sensors`` is False (a
    scenario's partner may own none: its tracker stays empty)."""
    mine = sensors_of(partner, sensors)
    if not mine and require_sensors:
        raise InputError("partner", partner, "a partner that owns at least one sensor",
                         hint="owners: " + ", ".join(sorted({s.partner for s in sensors})))
    times = {k: sensors[k].times(t0_s, t1_s) for k in mine}
    models: dict[int, Any] = {}
    eph = {}
    for k in mine:
        s = sensors[k]
        if isinstance(s, InfraredSatellite):
            models[k] = s.payload
            eph[k] = (times[k], s.ephemeris.states_ecef(times[k])[0])
        else:
            models[k] = s
    return PartnerTracker(partner, frozenset(mine), models=models, schedule=times, ephemeris=eph)


def track_partner(partner: str, sensors: Sequence[Sensor], detections: DetectionBatch, *,
                  t1_s: float, t0_s: float = 0.0, require_sensors: bool = True
                  ) -> PartnerTracker:
    """Run ``partner``'s tracker (:func:`partner_tracker`) over its own sensors' rows of
    ``detections`` (every partner's rows may be given; the others are left out). Returns the
    tracker, whose ``log`` holds the tracks."""
    pt = partner_tracker(partner, sensors, t0_s, t1_s, require_sensors=require_sensors)
    rows = np.flatnonzero(np.isin(detections.sensor, sorted(pt.sensors)))
    pt.process(detections.take(rows), rows)
    return pt


_SHARED: tuple[Sequence[str], Sequence[Sensor], DetectionBatch, float, float] | None = None


def _partner_in_child(p: int) -> PartnerTracker:
    if _SHARED is None:  # set by track_partners before the pool forks
        raise TocsinError("track_partners' shared state is missing in the child")
    partners, sensors, det, t0_s, t1_s = _SHARED
    return track_partner(partners[p], sensors, det, t1_s=t1_s, t0_s=t0_s,
                         require_sensors=False)


def track_partners(partners: Sequence[str], sensors: Sequence[Sensor], det: DetectionBatch, *,
                   t1_s: float, t0_s: float = 0.0, workers: int | None = None
                   ) -> dict[str, PartnerTracker]:
    """:func:`track_partner` for each of ``partners``, keyed by partner id, in order.

    Partners share nothing (each tracks only its own sensors), so they run in ``workers``
    forked processes (default: one per partner, at most ``os.cpu_count()``); each child
    inherits the run's arrays by fork and sends back its tracker. The result is the same bit
    for bit as tracking them one after the other (``workers=1``, where ``fork`` is not
    available, or inside a daemonic process such as a process-pool worker).
    """
    global _SHARED
    n = len(partners)
    workers = min(n, os.cpu_count() or 1) if workers is None else min(int(workers), n)
    if (workers <= 1 or "fork" not in mp.get_all_start_methods()
            or mp.current_process().daemon):
        return {p: track_partner(p, sensors, det, t1_s=t1_s, t0_s=t0_s, require_sensors=False)
                for p in partners}
    _SHARED = (list(partners), list(sensors), det, t0_s, t1_s)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            done = list(pool.map(_partner_in_child, range(n)))
    finally:
        _SHARED = None
    return dict(zip(partners, done, strict=True))


def scenario_coverage(sc: Scenario, lat_deg: np.ndarray, lon_deg: np.ndarray,
                      alt_km: np.ndarray, t_s: float = 0.0) -> tuple[list[str], np.ndarray]:
    """(sensor ids, (P, k) bool): which of the scenario's sensors see each point at ``t_s``.

    Vectorised over points; for the coverage and warning-time maps of later stages.
    """
    from tocsin.sensors.coverage import coverage

    sensors = build_sensors(sc)
    vis = coverage(sensors.sensors, np.radians(lat_deg), np.radians(lon_deg),
                   np.asarray(alt_km, float) * 1e3, t_s)
    return [i.id for i in sensors.infos], vis
