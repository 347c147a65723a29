"""What a run reports: the JSON summary (per launch, per sensor, per partner) and the Parquet
detections, track states and truth."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from tocsin.errors import OutputError
from tocsin.scenario.evaluate import ObjectScore, PartnerScore, score_run
from tocsin.scenario.runner import RunResult
from tocsin.scenario.scoring import NeesStat
from tocsin.scenario.tables import detections_table, tracks_table, truth_table
from tocsin.sensors.detections import FALSE_ALARM, IR

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
    """Write ``table`` whole or not at all: to a temporary file beside ``path``, then renamed
    over it (atomic on POSIX); the temporary file never outlives a failure or an interrupt."""
    import pyarrow.parquet as pq

    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, str(tmp))
        os.replace(tmp, p)
    except OSError as exc:
        raise OutputError(f"{option} {path}", exc.strerror or str(exc)) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_tracks_parquet(res: RunResult, path: str | Path) -> int:
    """Write :func:`tocsin.scenario.tables.tracks_table` to Parquet; returns the row count."""
    table = tracks_table(res)
    _write(table, path, "--tracks-out")
    return int(table.num_rows)


def write_truth_parquet(res: RunResult, path: str | Path) -> int:
    """Write :func:`tocsin.scenario.tables.truth_table` to Parquet; returns the row count."""
    table = truth_table(res)
    _write(table, path, "--truth-out")
    return int(table.num_rows)


def write_detections_parquet(res: RunResult, path: str | Path) -> int:
    """Write :func:`tocsin.scenario.tables.detections_table` to Parquet; returns the row count."""
    table = detections_table(res)
    _write(table, path, "--detections-out")
    return int(table.num_rows)
