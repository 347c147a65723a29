"""A partner's system tracks, columnar: one row per track, whatever sensors update it.

Every array has the track count n as its first dimension; selection and concatenation are one
numpy call per column (``fields`` of the frozen dataclass), never a Python object per track.

The state is the 7-D ECEF state of :mod:`tocsin.tracking.phases` (r, v, x₆) at the track's own time
``t_s``: a track is only propagated when a sensor's report may update it, never merely to keep it
current (a coasting track predicted for a radar scan keeps that prediction, so the next scan starts
from there); ``hit_s`` is the time of its latest update. A track knows which phenomenologies
updated it and when (``phen``, ``first_*_s``, ``last_*_s``; the sensors and detections are in the
tracker's :class:`~tocsin.tracking.log.TrackLog`), and its signal estimates: radar cross-section
``rcs_m2`` and plume radiant intensity ``ir_w_sr``, from which the tracker predicts each sensor's
detection probability before charging a miss. A boosting track that radar follows also carries its
coast hypothesis (``x_alt``, ``P_alt``: the same plots filtered as if the motor were out), which it
adopts at burnout (:mod:`tocsin.tracking.phases`).

Track bookkeeping follows Blackman & Popoli, *Design and Analysis of Modern Tracking Systems*
(1999), §3.2: ``history`` holds hit bits of the track's latest detection *opportunities* (bit 0 =
latest), an opportunity being a sensor's scan or frame that could have seen it; ``misses`` counts
consecutive missed opportunities.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from tocsin.errors import InputError
from tocsin.tracking.log import MODE_BOOST

__all__ = ["SystemTracks", "TENTATIVE", "CONFIRMED", "ORIGIN_RADAR", "ORIGIN_IR_STEREO",
           "ORIGIN_IR_SINGLE"]

TENTATIVE, CONFIRMED = np.int8(0), np.int8(1)
ORIGIN_RADAR, ORIGIN_IR_STEREO, ORIGIN_IR_SINGLE = 0, 1, 2


@dataclass(frozen=True)
class SystemTracks:
    """n system tracks (module docstring). Times in s since the scenario epoch; NaN: never."""

    ids: np.ndarray          # (n,) int64 stable track ids
    x: np.ndarray            # (n, 7) state (r, v, x₆) ECEF at t_s
    P: np.ndarray            # (n, 7, 7) covariance
    t_s: np.ndarray          # (n,) time of the state
    hit_s: np.ndarray        # (n,) time of the latest detection that updated it
    mode: np.ndarray         # (n,) int8 MODE_BOOST | MODE_COAST
    status: np.ndarray       # (n,) int8 TENTATIVE | CONFIRMED
    origin: np.ndarray       # (n,) int8 ORIGIN_*
    hits: np.ndarray         # (n,) int32 detections used
    misses: np.ndarray       # (n,) int32 consecutive missed opportunities
    history: np.ndarray      # (n,) uint32 hit bits of the latest opportunities
    llr: np.ndarray          # (n,) ln-likelihood ratio coast/boost of a boosting track
    nis_bar: np.ndarray      # (n,) fading-memory mean NIS/m
    phen: np.ndarray         # (n,) int8 phenomenology bits (log.PHEN_*)
    born_s: np.ndarray       # (n,) time of the first detection
    first_ir_s: np.ndarray   # (n,)
    last_ir_s: np.ndarray    # (n,)
    first_radar_s: np.ndarray  # (n,)
    last_radar_s: np.ndarray  # (n,)
    rcs_m2: np.ndarray       # (n,) radar cross-section estimate (NaN: none yet)
    ir_w_sr: np.ndarray      # (n,) plume intensity estimate (NaN: none yet)
    x_alt: np.ndarray        # (n, 7) a boosting radar track's coast hypothesis (NaN: none)
    P_alt: np.ndarray        # (n, 7, 7)

    @staticmethod
    def empty() -> SystemTracks:
        return SystemTracks.new(np.zeros(0, np.int64), np.zeros((0, 7)), np.zeros((0, 7, 7)),
                                np.zeros(0), np.zeros(0, np.int8), np.zeros(0), 0)

    @staticmethod
    def new(ids: np.ndarray, x: np.ndarray, P: np.ndarray, t_s: np.ndarray, origin: np.ndarray,
            born_s: np.ndarray, hits: int, mode: int = MODE_BOOST) -> SystemTracks:
        """Tentative tracks just started from ``hits`` detections (two-point: 2 hits)."""
        n = np.shape(ids)[0]
        nan = np.full(n, np.nan)
        t = np.broadcast_to(np.asarray(t_s, np.float64), (n,))
        return SystemTracks(
            np.asarray(ids, np.int64), np.asarray(x, np.float64), np.asarray(P, np.float64),
            t.copy(), t.copy(),
            np.full(n, mode, np.int8), np.zeros(n, np.int8),
            np.broadcast_to(np.asarray(origin, np.int8), (n,)).copy(),
            np.full(n, hits, np.int32), np.zeros(n, np.int32),
            np.full(n, (1 << hits) - 1, np.uint32), np.zeros(n), np.ones(n),
            np.zeros(n, np.int8), np.broadcast_to(np.asarray(born_s, np.float64), (n,)).copy(),
            nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy(),
            np.full((n, 7), np.nan), np.full((n, 7, 7), np.nan))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def select(self, which: np.ndarray) -> SystemTracks:
        """Rows picked by a boolean mask or index array."""
        return SystemTracks(**{f.name: getattr(self, f.name)[which] for f in fields(self)})

    def concat(self, other: SystemTracks) -> SystemTracks:
        if len(other) == 0:
            return self
        if len(self) == 0:
            return other
        return SystemTracks(**{f.name: np.concatenate((getattr(self, f.name),
                                                       getattr(other, f.name)))
                               for f in fields(self)})

    def replace(self, **cols: np.ndarray) -> SystemTracks:
        """A copy with the given columns replaced."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d.update(cols)
        return SystemTracks(**d)

    def row(self, track_id: int) -> int:
        """Row of track ``track_id`` (an :class:`InputError` when absent)."""
        r = np.flatnonzero(self.ids == track_id)
        if r.size == 0:
            raise InputError("track_id", track_id, "the id of a live track")
        return int(r[0])
