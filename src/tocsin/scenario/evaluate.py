"""Evaluation of a run's tracks against the truth, after the run (trackers never see the truth).

Per partner and per object, from the partner's :class:`~tocsin.tracking.log.TrackLog` and the
run's detections and truth, with the definitions of :mod:`tocsin.scenario.scoring`:

* each track is assigned to the object that made more than half of its updates (by **purity**),
  never by distance; a **confirmed** track is one with at least one confirmed state;
* per (object, partner): the confirmed tracks assigned to the object, the **latency** from the
  partner's first detection of the object to the first confirmed state of one of them (in seconds
  and in periods — radar ``revisit_s``, infrared ``frame_period_s`` — of the sensor that made
  that first detection), their purity (min, update-weighted mean), **swaps** (switches between
  runs of ≥ 3 updates of different objects within one confirmed track, counted for both objects),
  the position RMSE of their confirmed states and the **NEES** of those states per truth phase
  (6-D position–velocity, and position-only and velocity-only 3-D), each with its 95% band;
* per partner: its confirmed tracks, the **false** ones (confirmed, no object above one half of
  the updates: false alarms or a mix) and, among those, the **ghosts** — false tracks whose updates
  are mostly infrared lines of sight. Each update row is one line of sight with one truth label,
  so a triangulation ghost (rays of different objects, or of false alarms) is exactly an impure
  track: the ghost list is the false list restricted to infrared-made tracks, not a separate test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tocsin.flight import Phase
from tocsin.scenario.scoring import (
    NeesStat,
    TrackPurity,
    assign_tracks,
    first_confirmed_s,
    nees,
    nees_by_phase,
    track_switches,
    truth_at,
)
from tocsin.sensors.detections import IR, DetectionBatch
from tocsin.sensors.truth import TruthTable

__all__ = ["PHASE_NAMES", "ObjectScore", "PartnerScore", "score_partner", "score_run",
           "log_arrays", "sensor_periods_s"]

PHASE_NAMES: dict[int, str] = {int(p): p.name.lower() for p in Phase}


@dataclass(frozen=True)
class ObjectScore:
    """How one partner tracked one object (NaN / empty where it has no confirmed track).

    Times in s since the epoch; ``nees*`` map a phase name (``boost``, ``midcourse``,
    ``reentry``, …, from the truth's phase at each state's time) to a :class:`NeesStat`.
    """

    object: int
    object_id: str
    partner: str
    first_detection_s: float          # the partner's first detection of the object
    first_detection_sensor: int       # sensor index of that detection (−1 if none)
    period_s: float                   # that sensor's revisit / frame period
    track_ids: tuple[int, ...]        # confirmed tracks assigned to the object
    first_confirmed_s: float
    latency_s: float
    latency_revisits: float
    purity_min: float
    purity_mean: float                # update-weighted
    swaps: int
    position_rmse_m: float
    n_states: int                     # confirmed states scored against the truth
    nees: dict[str, NeesStat]
    nees_position: dict[str, NeesStat]
    nees_velocity: dict[str, NeesStat]

    @property
    def detected(self) -> bool:
        return self.first_detection_sensor >= 0


@dataclass(frozen=True)
class PartnerScore:
    """One partner's tracks against the truth: per-partner counts and one score per object."""

    partner: str
    confirmed_tracks: tuple[int, ...]
    false_tracks: tuple[int, ...]
    ghost_tracks: tuple[int, ...]
    objects: tuple[ObjectScore, ...]

    @property
    def confirmed_per_detected_object(self) -> float:
        """Mean number of confirmed tracks per object this partner detected (target ≤ 1.05)."""
        n = [len(o.track_ids) for o in self.objects if o.detected]
        return float(np.mean(n)) if n else math.nan


def sensor_periods_s(models: list[Any]) -> np.ndarray:
    """(k,) each sensor's observation period, s: ``revisit_s`` (radar) or ``frame_period_s``."""
    return np.array([float(getattr(m, "revisit_s", getattr(m, "frame_period_s", math.nan)))
                     for m in models])


def log_arrays(log: Any) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(states, updates) of a partner's :class:`~tocsin.tracking.log.TrackLog` as arrays
    (``arrays()``, ``update_arrays()``)."""
    return log.arrays(), log.update_arrays()


def _pick(values: np.ndarray, i: np.ndarray, fill: float) -> np.ndarray:
    """``values[i]`` where ``i`` ≥ 0, ``fill`` where ``i`` is −1 (safe on empty ``values``)."""
    if values.size == 0:
        return np.full(i.shape, fill, np.result_type(values, type(fill)))
    return np.where(i >= 0, values[np.maximum(i, 0)], fill)


def _named(stats: dict[int, NeesStat]) -> dict[str, NeesStat]:
    return {PHASE_NAMES.get(k, str(k)): v for k, v in sorted(stats.items())}


def score_partner(partner: str, states: dict[str, np.ndarray], updates: dict[str, np.ndarray],
                  detections: DetectionBatch, sensors: frozenset[int] | set[int],
                  periods_s: np.ndarray, truth: TruthTable) -> PartnerScore:
    """Score one partner's track log (``states``, ``updates`` as ``TrackLog`` arrays).

    ``detections`` is the run's full sorted batch (updates' ``row`` index it; ``truth_id`` labels
    them); ``sensors`` the partner's sensor indices; ``periods_s`` (k,) every sensor's period;
    ``truth`` the run's truth table (object i = ``truth.object_id[i]``).
    """
    n_obj = truth.n_objects
    rows = np.asarray(updates["row"], np.int64)
    u_obj = detections.truth_id[rows] if rows.size else np.zeros(0, np.int64)
    pur: TrackPurity = assign_tracks(updates["track_id"], u_obj)
    conf_ids, conf_t = first_confirmed_s(states["track_id"], states["t_s"], states["status"])
    ci = pur.of(conf_ids)
    conf_obj = _pick(pur.object, ci, -1)
    conf_pur = _pick(pur.purity, ci, np.nan)
    conf_nupd = _pick(pur.n_updates, ci, 0)
    false_ids = conf_ids[conf_obj < 0]
    # Ghosts: false tracks whose updates are mostly infrared lines of sight.
    u_ir = (detections.kind[rows] == IR) if rows.size else np.zeros(0, bool)
    ir_share = np.zeros(pur.track_id.size)
    if rows.size:
        t_inv = pur.of(updates["track_id"])
        ir_share = np.bincount(t_inv, weights=u_ir, minlength=pur.track_id.size) / np.maximum(
            pur.n_updates, 1)
    fi = pur.of(false_ids)
    ghost_ids = false_ids[_pick(ir_share, fi, 0.0) > 0.5]
    # Swaps in confirmed tracks.
    in_conf = np.isin(updates["track_id"], conf_ids)
    _, sw_from, sw_to = track_switches(np.asarray(updates["track_id"])[in_conf],
                                          np.asarray(updates["t_s"])[in_conf], u_obj[in_conf])
    # Confirmed states against the truth of their track's object.
    st_conf = np.asarray(states["status"]) == 1
    st_tid = np.asarray(states["track_id"], np.int64)[st_conf]
    si = pur.of(st_tid)
    st_obj = _pick(pur.object, si, -1)
    x_est = np.asarray(states["x"], float)[st_conf]
    P_est = np.asarray(states["P"], float)[st_conf]
    truth_x = np.concatenate([truth.r_ecef_m, truth.v_ecef_m_s], axis=-1)
    x_true, st_phase, ok = truth_at(truth.t_s, truth_x, truth.phase, st_obj,
                                    np.asarray(states["t_s"], float)[st_conf])
    err = x_est - x_true
    e_pos2 = np.sum(err[:, :3] ** 2, axis=1)
    n6 = nees(err, P_est)
    n_pos = nees(err[:, :3], P_est[:, :3, :3])
    n_vel = nees(err[:, 3:], P_est[:, 3:, 3:])
    # The partner's first detection of each object (sorted batch: earliest, then lowest sensor).
    mine = np.isin(detections.sensor, list(sensors)) & (detections.truth_id >= 0)
    first_t = np.full(n_obj, np.nan)
    first_k = np.full(n_obj, -1, np.int64)
    if mine.any():
        objs, at = np.unique(detections.truth_id[mine], return_index=True)
        first_t[objs] = detections.t_s[mine][at]
        first_k[objs] = detections.sensor[mine][at]
    out = []
    for o in range(n_obj):
        mo = conf_obj == o
        ids = conf_ids[mo]
        t_conf = float(conf_t[mo].min()) if ids.size else math.nan
        k = int(first_k[o])
        period = float(periods_s[k]) if k >= 0 else math.nan
        lat = t_conf - first_t[o]
        w = conf_nupd[mo]
        sel = ok & (st_obj == o)
        out.append(ObjectScore(
            object=o, object_id=truth.object_id[o], partner=partner,
            first_detection_s=float(first_t[o]), first_detection_sensor=k, period_s=period,
            track_ids=tuple(int(i) for i in ids), first_confirmed_s=t_conf,
            latency_s=float(lat), latency_revisits=float(lat / period),
            purity_min=float(conf_pur[mo].min()) if ids.size else math.nan,
            purity_mean=float(np.sum(conf_pur[mo] * w) / w.sum()) if w.sum() else math.nan,
            swaps=int(np.sum((sw_from == o) | (sw_to == o))),
            position_rmse_m=float(np.sqrt(e_pos2[sel].mean())) if sel.any() else math.nan,
            n_states=int(sel.sum()),
            nees=_named(nees_by_phase(n6[sel], st_phase[sel], 6)),
            nees_position=_named(nees_by_phase(n_pos[sel], st_phase[sel], 3)),
            nees_velocity=_named(nees_by_phase(n_vel[sel], st_phase[sel], 3))))
    return PartnerScore(partner, tuple(int(i) for i in conf_ids),
                        tuple(int(i) for i in false_ids), tuple(int(i) for i in ghost_ids),
                        tuple(out))


def score_run(res: Any) -> dict[str, PartnerScore]:
    """Score every partner's tracker of a :class:`~tocsin.scenario.runner.RunResult`."""
    periods = sensor_periods_s(res.sensors.models)
    out = {}
    for p, pt in res.trackers.items():
        states, updates = log_arrays(pt.log)
        out[p] = score_partner(p, states, updates, res.detections, pt.sensors, periods, res.truth)
    return out
