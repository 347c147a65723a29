"""The truth that sensors see: every object's state and signature at common sample times.

Built by the scenario runner from the flights; sensors read it, trackers never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tocsin.errors import InputError

if TYPE_CHECKING:
    from tocsin.flight import FlightResult, FlightSamples, LaunchBatch

__all__ = ["TruthTable"]


@dataclass(frozen=True)
class TruthTable:
    """n objects at m times ``t_s`` (s since the epoch); NaN state where an object is unknown.

    ``phase`` uses :class:`tocsin.flight.Phase`; ``burning`` tells whether a motor burns;
    ``rcs_m2`` is the radar cross-section and ``ir_intensity_w_sr`` the plume's radiant intensity
    in the early-warning band (zero when not burning).
    """

    t_s: np.ndarray                # (m,)
    object_id: tuple[str, ...]     # (n,)
    r_ecef_m: np.ndarray           # (n, m, 3)
    v_ecef_m_s: np.ndarray         # (n, m, 3)
    phase: np.ndarray              # (n, m) int8
    burning: np.ndarray            # (n, m) bool
    rcs_m2: np.ndarray             # (n, m)
    ir_intensity_w_sr: np.ndarray  # (n, m)

    @classmethod
    def from_flight(cls, launches: LaunchBatch, flight: FlightResult | FlightSamples,
                    object_id: Sequence[str] | None = None) -> TruthTable:
        """The truth of flown ``launches`` sampled by :func:`tocsin.flight.propagate`.

        ``flight`` is the propagation's result (or its samples); signatures (radar cross-section,
        plume intensity) come from :func:`tocsin.sensors.signatures.signatures`. ``object_id``
        names the rows (default ``"0"``, ``"1"`` …).
        """
        from tocsin.flight import FlightResult
        from tocsin.sensors.signatures import signatures

        s = flight.samples if isinstance(flight, FlightResult) else flight
        if s is None:
            raise InputError("flight", "no samples", "a flight propagated with sample times t_s")
        n = len(launches)
        ids = tuple(str(i) for i in range(n)) if object_id is None else tuple(object_id)
        if len(ids) != n or s.r_ecef_m.shape[0] != n:
            raise InputError("object_id", f"{len(ids)} names, {s.r_ecef_m.shape[0]} flights",
                             f"one name per launch ({n})")
        if n == 0:
            m = s.t_s.size
            return cls(s.t_s, (), np.zeros((0, m, 3)), np.zeros((0, m, 3)),
                       np.zeros((0, m), np.int8), np.zeros((0, m), bool), np.zeros((0, m)),
                       np.zeros((0, m)))
        rcs, ir = signatures(launches, s.t_s, s.phase, s.burning)
        return cls(s.t_s, ids, s.r_ecef_m, s.v_ecef_m_s, s.phase, s.burning, rcs, ir)

    @classmethod
    def at_points(cls, t_s: float, r_ecef_m: np.ndarray, *, burning: bool = True,
                  rcs_m2: float = 1.0, ir_intensity_w_sr: float = 1e6) -> TruthTable:
        """Hypothetical objects at positions ``r_ecef_m (k, 3)`` at one time ``t_s``, for the
        sensors' ``possible`` queries (coverage maps, a tracker's predicted positions): a
        burning plume for infrared, a cross-section for radar; velocity zero."""
        r = np.asarray(r_ecef_m, np.float64).reshape(-1, 3)
        k = r.shape[0]
        return cls(np.array([float(t_s)]), tuple(str(i) for i in range(k)), r[:, None, :],
                   np.zeros((k, 1, 3)), np.full((k, 1), 1, np.int8), np.full((k, 1), burning),
                   np.full((k, 1), rcs_m2), np.full((k, 1), ir_intensity_w_sr))

    @property
    def n_objects(self) -> int:
        return len(self.object_id)

    def at(self, idx: np.ndarray) -> TruthTable:
        """The table restricted to time indices ``idx`` (all objects); views when regular."""
        idx = np.asarray(idx)
        if idx.size > 1:
            step = int(idx[1] - idx[0])
            if step > 0 and np.array_equal(idx, np.arange(idx[0], idx[-1] + 1, step)):
                idx = slice(int(idx[0]), int(idx[-1]) + 1, step)  # type: ignore[assignment]
        return TruthTable(self.t_s[idx], self.object_id, self.r_ecef_m[:, idx],
                          self.v_ecef_m_s[:, idx], self.phase[:, idx], self.burning[:, idx],
                          self.rcs_m2[:, idx], self.ir_intensity_w_sr[:, idx])
