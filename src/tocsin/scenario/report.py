"""What a run reports: the JSON summary (per launch, per sensor, per partner) and the Parquet
detections, track states and truth."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from tocsin.errors import InputError
from tocsin.scenario.evaluate import PHASE_NAMES, ObjectScore, PartnerScore, log_arrays, score_run
from tocsin.scenario.runner import RunResult
from tocsin.scenario.scoring import NeesStat
from tocsin.sensors.detections import FALSE_ALARM, IR
from tocsin.tracking.log import phenomenology_names

__all__ = ["run_report", "write_detections_parquet", "write_tracks_parquet",
           "write_truth_parquet"]


def _num(x: float) -> float | None:
    return None if not math.isfinite(float(x)) else float(x)


def run_report(res: RunResult) -> dict[str, Any]:
    """JSON-ready summary: ``events`` (per launch) and ``sensors`` (per sensor)."""
    infos = res.sensors.infos
    first = res.first_detection_s()
    events = []
    s = res.summary
    for k, obj in enumerate(res.objects):
        by_sensor = {infos[j].id: _num(res.earliest_possible_s[k, j])
                     for j in range(len(infos)) if math.isfinite(res.earliest_possible_s[k, j])}
        first_by = {infos[j].id: _num(first[k, j])
                    for j in range(len(infos)) if math.isfinite(first[k, j])}
        ir_cols = [j for j in range(len(infos)) if infos[j].kind == IR]
        rd_cols = [j for j in range(len(infos)) if infos[j].kind != IR]

        def first_of(cols: list[int], k: int = k) -> float | None:
            vals = first[k, cols] if cols else np.array([])
            vals = vals[np.isfinite(vals)]
            return float(vals.min()) if vals.size else None

        ep = res.earliest_possible_s[k]
        ep = ep[np.isfinite(ep)]
        impact = None
        if s is not None and s.impacted[k]:
            impact = float(s.impact_time_s[k])
        events.append({
            "id": obj.id, "kind": obj.kind, "vehicle": obj.vehicle,
            "launch_time_s": obj.launch_time_s,
            "impact_time_s": impact,
            "earliest_possible_detection_s": float(ep.min()) if ep.size else None,
            "earliest_possible_detection_by_sensor_s": by_sensor,
            "first_detection_s": {"infrared": first_of(ir_cols), "radar": first_of(rd_cols)},
            "first_detection_by_sensor_s": first_by,
        })
    scores = score_run(res)
    _add_tracking(scores, events)
    d = res.detections
    sensors = []
    for j, info in enumerate(infos):
        mine = d.sensor == j
        fa = mine & (d.truth_id == FALSE_ALARM)
        sensors.append({"id": info.id, "partner": info.partner,
                        "kind": "infrared" if info.kind == IR else "radar",
                        "true_detections": int(mine.sum() - fa.sum()),
                        "false_detections": int(fa.sum())})
    partners = []
    for p, sc in scores.items():
        partners.append({"id": p, "confirmed_tracks": len(sc.confirmed_tracks),
                         "confirmed_tracks_per_detected_object":
                             _num(sc.confirmed_per_detected_object),
                         "false_tracks": list(sc.false_tracks),
                         "ghost_tracks": list(sc.ghost_tracks),
                         "rejected_detections": res.trackers[p].rejected.summary()})
    return {"scenario": res.scenario.name, "epoch": res.scenario.epoch.isoformat(),
            "duration_s": res.scenario.duration_s, "seed": res.scenario.seed,
            "detections": len(d), "events": events, "sensors": sensors, "partners": partners,
            "timings_s": res.timings_s}


def _nees_json(stats: dict[str, NeesStat]) -> dict[str, Any]:
    return {ph: {"mean": _num(v.mean), "n": v.n, "band_95": [_num(v.band[0]), _num(v.band[1])]}
            for ph, v in stats.items()}


def _object_json(o: ObjectScore) -> dict[str, Any]:
    """One (object, partner) score as JSON (null where not defined)."""
    nees: dict[str, Any] = {}
    for name, stats in (("rv", o.nees), ("position", o.nees_position),
                        ("velocity", o.nees_velocity)):
        for ph, v in _nees_json(stats).items():
            nees.setdefault(ph, {})[name] = v
    return {"detected": o.detected, "first_detection_s": _num(o.first_detection_s),
            "first_confirmed_s": _num(o.first_confirmed_s),
            "confirmed_tracks": len(o.track_ids), "track_ids": list(o.track_ids),
            "latency_s": _num(o.latency_s), "latency_revisits": _num(o.latency_revisits),
            "purity_min": _num(o.purity_min), "purity_mean": _num(o.purity_mean),
            "swaps": o.swaps, "position_rmse_m": _num(o.position_rmse_m),
            "scored_states": o.n_states, "nees": nees}


def _add_tracking(scores: dict[str, PartnerScore], events: list[dict[str, Any]]) -> None:
    """Per launch, per partner: ``tracking[partner]`` (see docs/tracking.md)."""
    for p, sc in scores.items():
        for e, o in zip(events, sc.objects, strict=True):
            e.setdefault("tracking", {})[p] = _object_json(o)


def _write(table: Any, path: str | Path, option: str) -> None:
    import pyarrow.parquet as pq

    try:
        pq.write_table(table, str(path))
    except OSError as exc:
        raise InputError(option, str(path), "a writable file path", hint=str(exc)) from None


def write_tracks_parquet(res: RunResult, path: str | Path) -> int:
    """Write every track state after every scan, all partners; returns the number of rows.

    Columns: partner, track_id (int64), t_s, status (tentative|confirmed), x/y/z_ecef_m,
    vx/vy/vz_ecef_m_s (ECEF, m and m/s), P (36 values, row-major 6×6 covariance of the
    position–velocity state, m², m²/s, m²/s²), phenomenologies (``infrared``, ``radar``,
    ``infrared+radar``: every kind of sensor that has updated the track so far), mode
    (boost|coast).
    """
    import pyarrow as pa

    parts = [(p, log_arrays(pt.log)[0]) for p, pt in res.trackers.items()]
    shapes = {"x": (0, 6), "P": (0, 6, 6)}
    cat = {k: np.concatenate([a[k] for _, a in parts] + [np.zeros(shapes.get(k, (0,)))])
           for k in ("track_id", "t_s", "status", "mode", "x", "P", "phenomenologies")}
    phen = np.array([phenomenology_names(b) for b in range(4)], dtype=object)
    cols: dict[str, Any] = {
        "partner": np.repeat(np.array([p for p, _ in parts], dtype=object),
                             [a["t_s"].size for _, a in parts]),
        "track_id": cat["track_id"].astype(np.int64), "t_s": cat["t_s"].astype(float),
        "status": np.where(cat["status"] == 1, "confirmed", "tentative"),
    }
    x = cat["x"].reshape(-1, 6)
    for i, a in enumerate("xyz"):
        cols[f"{a}_ecef_m"] = x[:, i]
    for i, a in enumerate("xyz"):
        cols[f"v{a}_ecef_m_s"] = x[:, 3 + i]
    cols["P"] = pa.FixedSizeListArray.from_arrays(
        pa.array(cat["P"].reshape(-1).astype(float)), 36)
    cols["phenomenologies"] = phen[cat["phenomenologies"].astype(np.int64) & 3]
    cols["mode"] = np.where(cat["mode"] == 0, "boost", "coast")
    table = pa.table({k: (v if isinstance(v, pa.Array) else pa.array(v)) for k, v in cols.items()})
    _write(table, path, "--tracks-out")
    return int(table.num_rows)


def write_truth_parquet(res: RunResult, path: str | Path) -> int:
    """Write the truth: one row per object and sample time where the object exists (finite
    state); returns the number of rows.

    Columns: object (the scenario id), t_s (s since the epoch), x/y/z_ecef_m, vx/vy/vz_ecef_m_s
    (ECEF, m and m/s), phase (prelaunch, boost, midcourse, reentry, ground, orbit). Ordered by
    object, then time. For evaluation only: the trackers never see it.
    """
    import pyarrow as pa

    tr = res.truth
    ok = np.isfinite(tr.r_ecef_m).all(axis=-1) & np.isfinite(tr.v_ecef_m_s).all(axis=-1)
    o, k = np.nonzero(ok)
    names = np.array(list(tr.object_id) or [""], dtype=object)
    codes = max(PHASE_NAMES) + 1
    phase_names = np.array([PHASE_NAMES.get(c, str(c)) for c in range(codes)], dtype=object)
    ph = tr.phase[o, k].astype(np.int64)
    cols: dict[str, Any] = {"object": names[o] if o.size else np.array([], dtype=object),
                            "t_s": tr.t_s[k]}
    r, v = tr.r_ecef_m[o, k], tr.v_ecef_m_s[o, k]
    for i, a in enumerate("xyz"):
        cols[f"{a}_ecef_m"] = r[:, i]
    for i, a in enumerate("xyz"):
        cols[f"v{a}_ecef_m_s"] = v[:, i]
    cols["phase"] = phase_names[np.clip(ph, 0, codes - 1)] if ph.size else np.array(
        [], dtype=object)
    table = pa.table({c: pa.array(val, type=pa.string() if c in ("object", "phase") else None)
                      for c, val in cols.items()})
    _write(table, path, "--truth-out")
    return int(table.num_rows)


def write_detections_parquet(res: RunResult, path: str | Path) -> int:
    """Write every detection to Parquet; returns the number of rows.

    Columns: t_s, sensor, partner, kind (infrared|radar), dim, z0–z3 (IR: α, β in rad; radar:
    range m, azimuth rad, elevation rad, range rate m/s), R (16 values, row-major 4×4), snr_db,
    sensor_x/y/z_ecef_m, and — kept apart, for evaluation only — truth (object id or
    "false alarm").
    """
    import pyarrow as pa

    d = res.detections
    infos = res.sensors.infos
    ids = np.array([i.id for i in infos] or [""], dtype=object)
    partners = np.array([i.partner for i in infos] or [""], dtype=object)
    obj_ids = np.array([o.id for o in res.objects] + ["false alarm"], dtype=object)
    truth = obj_ids[np.where(d.truth_id == FALSE_ALARM, len(res.objects), d.truth_id)]
    cols: dict[str, Any] = {
        "t_s": d.t_s, "sensor": ids[d.sensor] if len(d) else np.array([], dtype=object),
        "partner": partners[d.sensor] if len(d) else np.array([], dtype=object),
        "kind": np.where(d.kind == IR, "infrared", "radar"), "dim": d.dim.astype(np.int8),
    }
    for i in range(4):
        cols[f"z{i}"] = d.z[:, i]
    cols["R"] = pa.FixedSizeListArray.from_arrays(pa.array(d.R.reshape(-1)), 16)
    cols["snr_db"] = d.snr_db
    for i, axis in enumerate("xyz"):
        cols[f"sensor_{axis}_ecef_m"] = d.sensor_r_ecef_m[:, i]
    cols["truth"] = truth
    table = pa.table({k: (v if isinstance(v, pa.Array) else pa.array(v)) for k, v in cols.items()})
    _write(table, path, "--detections-out")
    return len(d)
