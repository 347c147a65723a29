"""Evaluation of a run's tracks against the truth (after the fact; trackers never see truth).

Each confirmed track state is matched to the nearest truth object at its time, within
``MATCH_RADIUS_M``; per launch and partner this gives the time of the first confirmed track and
the best track (the one matched most often) with its position RMSE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tocsin.sensors.truth import TruthTable
from tocsin.tracking.partner import TrackLog
from tocsin.tracking.tracks import CONFIRMED

__all__ = ["MATCH_RADIUS_M", "TrackScore", "score_tracks", "false_tracks"]

MATCH_RADIUS_M = 100e3


@dataclass(frozen=True)
class TrackScore:
    """Per object: first confirmed track time, best track (source, id), its RMSE and count."""

    first_confirmed_s: float
    best_source: str | None
    best_track_id: int | None
    best_rmse_m: float
    best_n: int


def score_tracks(log: TrackLog, truth: TruthTable) -> list[TrackScore]:
    """One :class:`TrackScore` per truth object (NaN/None where no confirmed track matched)."""
    n_obj = truth.n_objects
    empty = TrackScore(math.nan, None, None, math.nan, 0)
    if not len(log) or n_obj == 0:
        return [empty] * n_obj
    t = np.asarray(log.t_s)
    st = np.asarray(log.status)
    r = np.asarray(log.r_ecef_m)
    conf = st == CONFIRMED
    k = np.clip(np.searchsorted(truth.t_s, t), 0, truth.t_s.size - 1)
    exact = np.abs(truth.t_s[k] - t) < 1e-6
    pos = truth.r_ecef_m[:, k, :]                                   # (n_obj, rows, 3)
    d = np.linalg.norm(pos - r[None], axis=-1)
    d = np.where(np.isfinite(d), d, np.inf)
    best_obj = np.argmin(d, axis=0)
    best_d = d[best_obj, np.arange(t.size)]
    match = conf & exact & (best_d <= MATCH_RADIUS_M)
    src = np.asarray(log.source)
    tid = np.asarray(log.track_id)
    out = []
    for o in range(n_obj):
        rows = np.flatnonzero(match & (best_obj == o))
        if rows.size == 0:
            out.append(empty)
            continue
        keys = [f"{src[i]}:{tid[i]}" for i in rows]
        uniq, counts = np.unique(keys, return_counts=True)
        best = uniq[np.argmax(counts)]
        sel = rows[np.array(keys) == best]
        rmse = float(np.sqrt(np.mean(best_d[sel] ** 2)))
        s, i = best.split(":")
        out.append(TrackScore(float(t[rows].min()), s, int(i), rmse, int(sel.size)))
    return out


def false_tracks(log: TrackLog, truth: TruthTable) -> list[str]:
    """Confirmed tracks ("source:id") never within ``MATCH_RADIUS_M`` of any truth object."""
    if not len(log):
        return []
    t = np.asarray(log.t_s)
    r = np.asarray(log.r_ecef_m)
    conf = np.asarray(log.status) == CONFIRMED
    keys = np.array([f"{s}:{i}" for s, i in zip(log.source, log.track_id, strict=True)])
    near = np.zeros(t.size, bool)
    if truth.n_objects:
        k = np.clip(np.searchsorted(truth.t_s, t), 0, truth.t_s.size - 1)
        d = np.linalg.norm(truth.r_ecef_m[:, k, :] - r[None], axis=-1)
        near = np.any(np.where(np.isfinite(d), d, np.inf) <= MATCH_RADIUS_M, axis=0)
    confirmed = set(keys[conf].tolist())
    matched = set(keys[conf & near].tolist())
    return sorted(confirmed - matched)
