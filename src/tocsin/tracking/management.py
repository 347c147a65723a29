"""Track management: starting tracks (initiator), confirming them (M-of-N), ending them (deleter).

* A detection no track takes becomes a **seed** (a one-point track candidate). A later detection
  within reach of a seed — ‖z₂ − z₁‖ ≤ v_max·Δt + g·σ — makes a **tentative track** by two-point
  differencing: x = (z₂, (z₂ − z₁)/Δt), P = [[R₂, R₂/Δt], [R₂/Δt, (R₁ + R₂)/Δt²]]
  (Bar-Shalom, Li & Kirubarajan 2001, §5.5.3). Seeds and detections are paired by 2-D assignment
  on the distance, so a detection starts at most one track.
* A tentative track is **confirmed** once it has at least M hits in its latest N scans (the M-of-N
  logic of Blackman & Popoli 1999, §3.2; two-point initiation counts two hits).
* The **deleter** ends tentative tracks after a few consecutive misses, confirmed tracks after
  more, and any track whose position covariance trace exceeds a limit.

Track quality is an exponentially weighted hit ratio, q ← (1 − a) q + a·hit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from tocsin.errors import InputError
from tocsin.tracking.association import solve_assignment
from tocsin.tracking.gating import kdtree_pairs
from tocsin.tracking.tracks import TrackSet

__all__ = ["Seeds", "NewTracks", "TwoPointInitiator", "MissCovarianceDeleter", "record_scan"]

_NO_PAIRS = np.empty(0, dtype=np.intp)


@dataclass(frozen=True)
class Seeds:
    """One-point track candidates: detections ``z (s, m)`` with noise ``R (s, m, m)`` taken at
    ``t_s (s,)`` in scan number ``scan (s,)``."""

    z: np.ndarray
    R: np.ndarray
    t_s: np.ndarray
    scan: np.ndarray

    @staticmethod
    def empty(m: int) -> Seeds:
        return Seeds(np.empty((0, m)), np.empty((0, m, m)), np.empty(0), np.empty(0, np.int64))

    def __len__(self) -> int:
        return int(self.t_s.size)


@dataclass(frozen=True)
class NewTracks:
    """States of tracks the initiator starts: ``x (c, d)``, ``P (c, d, d)``, first detection
    time ``born_s (c,)`` and hit history bits ``history (c,)``."""

    x: np.ndarray
    P: np.ndarray
    born_s: np.ndarray
    history: np.ndarray


@dataclass(frozen=True)
class TwoPointInitiator:
    """Two-point initiation with a speed gate, and M-of-N confirmation.

    ``max_speed_m_s``: largest target speed (m/s), bounds the distance between a seed and its
    second detection (``per_axis``: bound on each velocity component instead, a box gate);
    ``noise_sigmas`` g: measurement-noise margin added to that distance, in standard
    deviations of ‖z₂ − z₁‖ (σ² = tr(R₁ + R₂); per axis (R₁ + R₂)_aa); ``seed_scans``: for
    how many later scans a seed can still pair; ``confirm_m``/``confirm_n``: M-of-N confirmation;
    ``pos_index``/``vel_index``: where the measured position and its rate sit in the state;
    ``dense_limit``: above this many seed×detection pairs a k-d tree finds the candidates.
    """

    max_speed_m_s: float
    per_axis: bool = False
    noise_sigmas: float = 3.0
    seed_scans: int = 1
    confirm_m: int = 2
    confirm_n: int = 3
    state_dim: int = 6
    pos_index: tuple[int, ...] = (0, 2, 4)
    vel_index: tuple[int, ...] = (1, 3, 5)
    dense_limit: int = 4096

    def __post_init__(self) -> None:
        if not 1 <= self.confirm_m <= self.confirm_n <= 32:
            raise InputError("confirm_m/confirm_n", f"{self.confirm_m}/{self.confirm_n}",
                             "1 <= M <= N <= 32")

    def initiate(self, seeds: Seeds, t_s: float, scan: int, z: np.ndarray, R: np.ndarray
                 ) -> tuple[NewTracks, Seeds]:
        """Pair the scan's free detections ``z (k, m)``/``R (k, m, m)`` with the seeds.

        Returns the new tentative tracks and the seeds to keep (unpaired detections of this
        scan, plus unpaired older seeds still young enough).
        """
        if len(seeds) and seeds.scan.min() < scan - self.seed_scans:
            keep = seeds.scan >= scan - self.seed_scans
            seeds = Seeds(seeds.z[keep], seeds.R[keep], seeds.t_s[keep], seeds.scan[keep])
        s, k = len(seeds), z.shape[0]
        R = np.asarray(R, dtype=float)
        si = dj = _NO_PAIRS
        if s and k:
            if s * k <= self.dense_limit:                                 # every pair
                si, dj = _NO_PAIRS, _NO_PAIRS
                all_pairs = True
            else:                                                         # k-d tree pre-gate
                m = z.shape[1]
                v1 = np.diagonal(seeds.R, axis1=1, axis2=2).sum(axis=1)
                v2 = np.diagonal(R, axis1=1, axis2=2).sum(axis=1).max()
                r = (self.max_speed_m_s * (t_s - seeds.t_s)
                     + self.noise_sigmas * np.sqrt(v1 + v2))
                si, dj = kdtree_pairs(seeds.z, z, r * (math.sqrt(m) if self.per_axis else 1.0))
                all_pairs = False
            si, dj, ratio = _speed_gate(si, dj, all_pairs, seeds.z, seeds.R, seeds.t_s, z, R,
                                        float(t_s), self.max_speed_m_s, self.noise_sigmas,
                                        self.per_axis)
            if si.size:
                take = solve_assignment(si, dj, ratio, s, k, 1.0 + 1e-9)
                si, dj = si[take], dj[take]
        if si.size == 0:
            d = self.state_dim
            new = NewTracks(np.empty((0, d)), np.empty((0, d, d)), np.empty(0),
                            np.empty(0, np.uint32))
            if self.seed_scans == 1 or s == 0:                            # fast path
                return new, Seeds(z.copy(), R.copy(), np.full(k, float(t_s)), np.full(k, scan))
        else:
            new = self._two_point(seeds, si, z, R, dj, t_s, scan)
        free = np.ones(k, dtype=bool)
        free[dj] = False
        old = np.ones(s, dtype=bool)
        old[si] = False
        old &= seeds.scan > scan - self.seed_scans                       # still pairable next
        nf = k - dj.size
        if not old.any():
            kept = Seeds(z[free], R[free], np.full(nf, float(t_s)), np.full(nf, scan))
        else:
            kept = Seeds(np.concatenate((seeds.z[old], z[free])),
                         np.concatenate((seeds.R[old], R[free])),
                         np.concatenate((seeds.t_s[old], np.full(nf, float(t_s)))),
                         np.concatenate((seeds.scan[old], np.full(nf, scan))))
        return new, kept

    def _two_point(self, seeds: Seeds, si: np.ndarray, z: np.ndarray, R: np.ndarray,
                   dj: np.ndarray, t_s: float, scan: int) -> NewTracks:
        """Two-point differencing states of the paired (seed, detection)s (BLK §5.5.3)."""
        c, d = si.size, self.state_dim
        x = np.zeros((c, d))
        P = np.zeros((c, d, d))
        dt_p = (t_s - seeds.t_s[si])[:, None]
        pi, vi = np.asarray(self.pos_index), np.asarray(self.vel_index)
        R1, R2 = seeds.R[si], R[dj]
        x[:, pi] = z[dj]                                                  # p = z₂
        x[:, vi] = (z[dj] - seeds.z[si]) / dt_p                           # v = (z₂ − z₁)/Δt
        dt3 = dt_p[:, :, None]
        P[:, pi[:, None], pi] = R2                                        # P_pp = R₂
        P[:, pi[:, None], vi] = R2 / dt3                                  # P_pv = R₂/Δt
        P[:, vi[:, None], pi] = R2 / dt3
        P[:, vi[:, None], vi] = (R1 + R2) / dt3**2                        # P_vv = (R₁+R₂)/Δt²
        history = np.uint32(1) | (np.uint32(1) << (scan - seeds.scan[si]).astype(np.uint32))
        return NewTracks(x, P, seeds.t_s[si], history.astype(np.uint32))

    def confirm(self, tracks: TrackSet) -> np.ndarray:
        """New status (n,): tentative tracks with ≥ M hits in the latest N scans confirmed."""
        return _confirm(tracks.status, tracks.history, self.confirm_m,
                        np.uint32((1 << self.confirm_n) - 1))


@dataclass(frozen=True)
class MissCovarianceDeleter:
    """Deletes tracks after too many consecutive misses or with too large a position covariance.

    ``tentative_misses``/``confirmed_misses``: consecutive misses that end a tentative/confirmed
    track; ``young_hits``: a confirmed track with fewer hits than this is still treated as
    tentative here (a two-point track confirmed at once that misses next is most likely false);
    ``max_position_trace_m2``: limit on the trace of the position block of P (m²).
    """

    tentative_misses: int = 1
    confirmed_misses: int = 5
    young_hits: int = 0
    max_position_trace_m2: float = math.inf
    pos_index: tuple[int, ...] = (0, 2, 4)

    def delete(self, tracks: TrackSet) -> np.ndarray:
        """Boolean mask (n,) of the tracks to delete."""
        return _dead(tracks.status, tracks.hits, tracks.misses, tracks.P,
                     np.asarray(self.pos_index, dtype=np.intp), self.tentative_misses,
                     self.confirmed_misses, self.young_hits, float(self.max_position_trace_m2))


def record_scan(tracks: TrackSet, x: np.ndarray, P: np.ndarray, t_s: float, hit: np.ndarray,
                quality_gain: float = 0.1) -> TrackSet:
    """Tracks after a scan: new state, time, and hit/miss bookkeeping for ``hit (n,)``."""
    hits, misses, history, quality = _record(hit, tracks.hits, tracks.misses, tracks.history,
                                             tracks.quality, quality_gain)
    return TrackSet(tracks.ids, x, P, np.full(len(tracks), float(t_s)), tracks.status, hits,
                    misses, history, quality, tracks.born_s)


@njit(cache=True)
def _record(hit: np.ndarray, hits: np.ndarray, misses: np.ndarray, history: np.ndarray,
            quality: np.ndarray, gain: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    n = hit.size
    h2, m2, y2, q2 = hits.copy(), misses.copy(), history << np.uint32(1), quality.copy()
    for i in range(n):
        if hit[i]:
            h2[i] += 1
            m2[i] = 0
            y2[i] |= np.uint32(1)
            q2[i] = (1.0 - gain) * quality[i] + gain                     # q ← (1−a) q + a·hit
        else:
            m2[i] += 1
            q2[i] = (1.0 - gain) * quality[i]
    return h2, m2, y2, q2


@njit(cache=True)
def _dead(status: np.ndarray, hits: np.ndarray, misses: np.ndarray, P: np.ndarray,
          pos: np.ndarray, tentative: int, confirmed: int, young: int, max_trace: float
          ) -> np.ndarray:  # pragma: no cover - compiled
    n = status.size
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        mature = status[i] == 1 and hits[i] >= young
        out[i] = misses[i] >= (confirmed if mature else tentative)
        tr = 0.0
        for a in pos:
            tr += P[i, a, a]
        if tr > max_trace:
            out[i] = True
    return out


@njit(cache=True)
def _confirm(status: np.ndarray, history: np.ndarray, m: int, window: np.uint32
             ) -> np.ndarray:  # pragma: no cover - compiled
    out = status.copy()
    for i in range(status.size):
        if status[i] == 0:
            b = history[i] & window
            cnt = 0
            while b:
                cnt += 1
                b &= b - np.uint32(1)
            if cnt >= m:
                out[i] = 1
    return out


@njit(cache=True)
def _speed_gate(si: np.ndarray, dj: np.ndarray, all_pairs: bool, z1: np.ndarray,
                R1: np.ndarray, t1: np.ndarray, z2: np.ndarray, R2: np.ndarray, t2: float,
                vmax: float, g: float, per_axis: bool
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """(seed, detection) pairs within reach, and how far into the reach each is (≤ 1).

    Tests the candidate pairs (si, dj), or every pair when ``all_pairs``."""
    s, m = z1.shape
    k = z2.shape[0]
    p = s * k if all_pairs else si.size
    oi = np.empty(p, dtype=np.intp)
    oj = np.empty(p, dtype=np.intp)
    ratio = np.empty(p)
    c = 0
    for q in range(p):
        if all_pairs:
            a, b = q // k, q % k
        else:
            a, b = si[q], dj[q]
        if t2 - t1[a] <= 0.0:                            # a seed pairs only with a later
            continue                                     # detection: Δt = 0 has no velocity
        vdt = vmax * (t2 - t1[a])
        r = 0.0
        if per_axis:                                     # box: |Δz_a| ≤ v Δt + g σ_a
            for e in range(m):
                lim = vdt + g * np.sqrt(R1[a, e, e] + R2[b, e, e])
                r = max(r, abs(z2[b, e] - z1[a, e]) / lim)
        else:                                            # ball: ‖Δz‖ ≤ v Δt + g σ
            d2 = 0.0
            var = 0.0
            for e in range(m):
                d2 += (z2[b, e] - z1[a, e]) ** 2
                var += R1[a, e, e] + R2[b, e, e]
            r = np.sqrt(d2) / (vdt + g * np.sqrt(var))
        if r <= 1.0:
            oi[c] = a
            oj[c] = b
            ratio[c] = r
            c += 1
    return oi[:c].copy(), oj[:c].copy(), ratio[:c].copy()
