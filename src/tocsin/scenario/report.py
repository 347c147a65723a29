"""What a run reports: the JSON summary (per launch, per sensor) and the Parquet detections."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from tocsin.errors import InputError
from tocsin.scenario.evaluate import false_tracks, score_tracks
from tocsin.scenario.runner import RunResult
from tocsin.sensors.detections import FALSE_ALARM, IR

__all__ = ["run_report", "write_detections_parquet", "write_tracks_parquet"]


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
    _add_tracking(res, events)
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
    for p, pt in res.trackers.items():
        conf = {f"{s}:{i}" for s, i, st in zip(pt.log.source, pt.log.track_id, pt.log.status,
                                                strict=True) if st == 1}
        partners.append({"id": p, "confirmed_tracks": len(conf),
                         "false_tracks": false_tracks(pt.log, res.truth),
                         "rejected_detections": pt.rejected.summary()})
    return {"scenario": res.scenario.name, "epoch": res.scenario.epoch.isoformat(),
            "duration_s": res.scenario.duration_s, "seed": res.scenario.seed,
            "detections": len(d), "events": events, "sensors": sensors, "partners": partners,
            "timings_s": res.timings_s}


def _add_tracking(res: RunResult, events: list[dict[str, Any]]) -> None:
    """Per launch: first confirmed track per partner and the RMSE of that partner's best track."""
    for p, pt in res.trackers.items():
        for e, sc in zip(events, score_tracks(pt.log, res.truth), strict=True):
            e.setdefault("first_confirmed_track_s", {})[p] = _num(sc.first_confirmed_s)
            e.setdefault("best_track", {})[p] = None if sc.best_track_id is None else {
                "source": sc.best_source, "track_id": sc.best_track_id,
                "position_rmse_m": sc.best_rmse_m, "states": sc.best_n}


def write_tracks_parquet(res: RunResult, path: str | Path) -> int:
    """Every track state after every scan, all partners: partner, source (radar|infrared),
    track_id, t_s, status (tentative|confirmed), r_ecef x/y/z, v_ecef x/y/z, sigma_pos_m."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols: dict[str, list[Any]] = {k: [] for k in (
        "partner", "source", "track_id", "t_s", "status", "x_ecef_m", "y_ecef_m", "z_ecef_m",
        "vx_ecef_m_s", "vy_ecef_m_s", "vz_ecef_m_s", "sigma_pos_m")}
    for p, pt in res.trackers.items():
        lg = pt.log
        n = len(lg)
        cols["partner"] += [p] * n
        cols["source"] += lg.source
        cols["track_id"] += lg.track_id
        cols["t_s"] += lg.t_s
        cols["status"] += ["confirmed" if s == 1 else "tentative" for s in lg.status]
        r = np.asarray(lg.r_ecef_m).reshape(-1, 3)
        v = np.asarray(lg.v_ecef_m_s).reshape(-1, 3)
        for i, a in enumerate("xyz"):
            cols[f"{a}_ecef_m"] += r[:, i].tolist()
            cols[f"v{a}_ecef_m_s"] += v[:, i].tolist()
        cols["sigma_pos_m"] += lg.sigma_pos_m
    try:
        pq.write_table(pa.table(cols), str(path))
    except OSError as exc:
        raise InputError("--tracks-out", str(path), "a writable file path",
                         hint=str(exc)) from None
    return len(cols["t_s"])


def write_detections_parquet(res: RunResult, path: str | Path) -> int:
    """Write every detection to Parquet; returns the number of rows.

    Columns: t_s, sensor, partner, kind (infrared|radar), dim, z0–z3 (IR: α, β in rad; radar:
    range m, azimuth rad, elevation rad, range rate m/s), R (16 values, row-major 4×4), snr_db,
    sensor_x/y/z_ecef_m, and — kept apart, for evaluation only — truth (object id or
    "false alarm").
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

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
    try:
        pq.write_table(table, str(path))
    except OSError as exc:
        raise InputError("--detections-out", str(path), "a writable file path",
                         hint=str(exc)) from None
    return len(d)
