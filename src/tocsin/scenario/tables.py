"""A run's results as Apache Arrow tables (``table.to_pandas()`` gives pandas DataFrames).

One function per table, each a column per quantity with the unit and frame in its name:
:func:`detections_table`, :func:`tracks_table`, :func:`truth_table` and :func:`scores_table`
(per partner and object: the track scores of :mod:`tocsin.scenario.evaluate`). The CLI's
``--detections-out``, ``--tracks-out`` and ``--truth-out`` write the first three as Parquet;
other tools read those files, so their column names are kept stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from tocsin.scenario.evaluate import PHASE_NAMES, log_arrays, score_run
from tocsin.sensors.detections import FALSE_ALARM, IR
from tocsin.tracking.log import phenomenology_names

if TYPE_CHECKING:
    from tocsin.tracking.partner import PartnerTracker

RunResult = Any
"""A :class:`tocsin.scenario.runner.RunResult` (not imported: the runner imports this module)."""

__all__ = ["detections_table", "tracks_table", "truth_table", "scores_table"]


def tracks_table(res: RunResult | Mapping[str, PartnerTracker]) -> pa.Table:
    """Every track state after every scan, all partners, one row each: of a run, or of
    trackers run by hand (partner → :class:`~tocsin.tracking.partner.PartnerTracker`).

    Columns: partner, track_id (int64), t_s, status (tentative|confirmed), x/y/z_ecef_m,
    vx/vy/vz_ecef_m_s (ECEF, m and m/s), P (36 values, row-major 6×6 covariance of the
    position–velocity state, m², m²/s, m²/s²), phenomenologies (``infrared``, ``radar``,
    ``infrared+radar``: every kind of sensor that has updated the track so far), mode
    (boost|coast).
    """
    trackers = res if isinstance(res, Mapping) else res.trackers
    parts = [(p, log_arrays(pt.log)[0]) for p, pt in trackers.items()]
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
    return table


def truth_table(res: RunResult) -> pa.Table:
    """The truth: one row per object and sample time where the object exists (finite state).

    Columns: object (the scenario id), t_s (s since the epoch), x/y/z_ecef_m, vx/vy/vz_ecef_m_s
    (ECEF, m and m/s), phase (prelaunch, boost, midcourse, reentry, ground, orbit). Ordered by
    object, then time. For evaluation only: the trackers never see it.
    """
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
    return table


def detections_table(res: RunResult) -> pa.Table:
    """Every detection, one row each.

    Columns: t_s, sensor, partner, kind (infrared|radar), dim, z0–z3 (IR: α, β in rad; radar:
    range m, azimuth rad, elevation rad, range rate m/s), R (16 values, row-major 4×4), snr_db,
    sensor_x/y/z_ecef_m, and — kept apart, for evaluation only — truth (object id or
    "false alarm").
    """
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
    return pa.table({k: (v if isinstance(v, pa.Array) else pa.array(v)) for k, v in cols.items()})


def scores_table(res: RunResult) -> pa.Table:
    """Track scores, one row per (partner, object): confirmed tracks, latency (s and revisits or
    frames), purity, swaps, position RMSE (m) and mean NEES of the 6-D state per truth phase
    (``nees_<phase>``, NaN where not scored). Definitions in docs/tracking.md."""
    rows: list[dict[str, Any]] = []
    phases = sorted(set(PHASE_NAMES.values()))
    for p, ps in score_run(res).items():
        for obj, o in zip(res.objects, ps.objects, strict=True):
            row: dict[str, Any] = {
                "partner": p, "object": obj.id, "detected": bool(o.detected),
                "confirmed_tracks": len(o.track_ids), "first_detection_s": o.first_detection_s,
                "first_confirmed_s": o.first_confirmed_s, "latency_s": o.latency_s,
                "latency_revisits": o.latency_revisits, "purity_min": o.purity_min,
                "swaps": int(o.swaps), "position_rmse_m": o.position_rmse_m}
            for ph in phases:
                st = o.nees.get(ph)
                row[f"nees_{ph}"] = float(st.mean) if st is not None else float("nan")
            rows.append(row)
    return pa.Table.from_pylist(rows) if rows else pa.table({"partner": pa.array([], pa.string())})
