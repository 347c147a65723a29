"""What a partner's tracker did, for the reports and for scoring against the truth afterwards.

Two columnar logs, appended a scan at a time (arrays, not Python objects per row) and frozen into
arrays by :meth:`TrackLog.arrays` / :meth:`TrackLog.update_arrays`:

* **states** — every track's state after every scan that touched it: ``track_id``, ``t_s``,
  ``status`` (0 tentative, 1 confirmed), ``mode`` (:data:`MODE_BOOST`, :data:`MODE_COAST`),
  ``x (6,)`` ECEF position and velocity (m, m/s), ``P (6, 6)`` their covariance (m², m²/s²) and
  ``phenomenologies`` — the bitmask (:data:`PHEN_IR`, :data:`PHEN_RADAR`) of every kind of sensor
  that has updated the track so far;
* **updates** — one row per detection that updated a track: ``track_id``, ``t_s``, ``sensor``
  (index into the run's sensor table) and ``row``, the detection's index in the batch the tracker
  was given. The tracker never reads a detection's truth; scoring maps ``row`` to the truth
  afterwards (purity, swaps, false tracks).

When the tracker finds that two of its tracks are one object (infrared in boost, radar in
midcourse: :mod:`tocsin.tracking.handover`), it records a **merge**; ``arrays()`` and
``update_arrays()`` report the merged track's rows under the surviving id (``raw=True``: as
recorded), so one object has one track id from its first detection on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["TrackLog", "PHEN_IR", "PHEN_RADAR", "MODE_BOOST", "MODE_COAST",
           "phenomenology_names"]

PHEN_IR, PHEN_RADAR = 1, 2
MODE_BOOST, MODE_COAST = 0, 1


def phenomenology_names(bits: int) -> str:
    """``"infrared"``, ``"radar"``, ``"infrared+radar"`` or ``""`` for a bitmask."""
    names = [n for b, n in ((PHEN_IR, "infrared"), (PHEN_RADAR, "radar")) if bits & b]
    return "+".join(names)


_STATE_COLS = ("track_id", "t_s", "status", "mode", "x", "P", "phenomenologies")
_UPDATE_COLS = ("track_id", "t_s", "sensor", "row")
_STATE_EMPTY: dict[str, np.ndarray] = {"track_id": np.zeros(0, np.int64), "t_s": np.zeros(0),
                "status": np.zeros(0, np.int8), "mode": np.zeros(0, np.int8),
                "x": np.zeros((0, 6)), "P": np.zeros((0, 6, 6)),
                "phenomenologies": np.zeros(0, np.int8)}
_UPDATE_EMPTY: dict[str, np.ndarray] = {"track_id": np.zeros(0, np.int64), "t_s": np.zeros(0),
                 "sensor": np.zeros(0, np.int64), "row": np.zeros(0, np.int64)}


@dataclass
class TrackLog:
    """States after each scan and the detections that updated each track (module docstring)."""

    _states: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {k: [] for k in _STATE_COLS})
    _updates: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {k: [] for k in _UPDATE_COLS})
    _n: int = 0
    merges: dict[int, int] = field(default_factory=dict)   # merged id → surviving id

    def record_merge(self, from_id: int, into_id: int) -> None:
        """Track ``from_id`` is the same object as ``into_id``, which carries on."""
        self.merges[int(from_id)] = int(into_id)

    def _rename(self, ids: np.ndarray) -> np.ndarray:
        if not self.merges or ids.size == 0:
            return ids
        out = ids.copy()
        for a in self.merges:
            b = a
            while b in self.merges:                    # follow chains a → b → c
                b = self.merges[b]
            out[ids == a] = b
        return out

    def record_states(self, track_id: np.ndarray, t_s: np.ndarray, status: np.ndarray,
                      mode: np.ndarray, x: np.ndarray, P: np.ndarray,
                      phenomenologies: np.ndarray) -> None:
        """Append k states: ids (k,), times (k,), status (k,), mode (k,), x (k, ≥6),
        P (k, ≥6, ≥6) — only the (r, v) block is kept — and phenomenology bits (k,)."""
        k = np.shape(track_id)[0]
        if k == 0:
            return
        s = self._states
        s["track_id"].append(np.asarray(track_id, np.int64).copy())
        s["t_s"].append(np.broadcast_to(np.asarray(t_s, np.float64), (k,)).copy())
        s["status"].append(np.asarray(status, np.int8).copy())
        s["mode"].append(np.asarray(mode, np.int8).copy())
        s["x"].append(np.asarray(x, np.float64)[:, :6].copy())
        s["P"].append(np.asarray(P, np.float64)[:, :6, :6].copy())
        s["phenomenologies"].append(np.asarray(phenomenologies, np.int8).copy())
        self._n += k

    def record_updates(self, track_id: np.ndarray, t_s: float | np.ndarray, sensor: np.ndarray,
                       row: np.ndarray) -> None:
        """Append k (track, detection) updates: ids (k,), time(s), sensor index (k,), row (k,)."""
        k = np.shape(track_id)[0]
        if k == 0:
            return
        u = self._updates
        u["track_id"].append(np.asarray(track_id, np.int64).copy())
        u["t_s"].append(np.broadcast_to(np.asarray(t_s, np.float64), (k,)).copy())
        u["sensor"].append(np.asarray(sensor, np.int64).copy())
        u["row"].append(np.asarray(row, np.int64).copy())

    def __len__(self) -> int:
        return self._n

    def compact(self) -> None:
        """Join each column's appended chunks into one array (same content; pickles fast)."""
        for cols in (self._states, self._updates):
            for k, v in cols.items():
                if len(v) > 1:
                    cols[k] = [np.concatenate(v)]

    def __getstate__(self) -> dict[str, object]:
        self.compact()
        return self.__dict__.copy()

    def arrays(self, raw: bool = False) -> dict[str, np.ndarray]:
        """The state log as arrays: track_id, t_s, status, mode (n,), x (n, 6), P (n, 6, 6),
        phenomenologies (n,); merged tracks under their surviving id unless ``raw``."""
        return self._frozen(self._states, _STATE_EMPTY, raw)

    def update_arrays(self, raw: bool = False) -> dict[str, np.ndarray]:
        """The update log as arrays: track_id, t_s, sensor, row (u,); merged tracks under their
        surviving id unless ``raw``."""
        return self._frozen(self._updates, _UPDATE_EMPTY, raw)

    def _frozen(self, cols: dict[str, list[np.ndarray]], empty: dict[str, np.ndarray],
                raw: bool) -> dict[str, np.ndarray]:
        out = {k: (np.concatenate(v) if v else empty[k].copy()) for k, v in cols.items()}
        if not raw:
            out["track_id"] = self._rename(out["track_id"])
        return out
