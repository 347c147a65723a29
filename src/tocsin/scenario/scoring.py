"""Track-quality scores from a track log and the truth: pure numpy functions, no run objects.

The inputs are the arrays of :class:`tocsin.tracking.log.TrackLog` (``arrays()`` for the states,
``update_arrays()`` for the detections that updated each track) with each update's **object
label** already looked up — ``truth_id[row]`` of the run's detection batch: the object index, or
``FALSE_ALARM`` (−1) for a detection no object caused. Trackers never see these labels; they are
read only here, after the run.

Definitions (the glue in :mod:`tocsin.scenario.evaluate` applies them per object and partner):

* **purity** of a track — the share of its updates made by the object that made the most of them
  (false alarms count as "no object", never as the majority object). The track is **assigned** to
  that object when the share is above one half; otherwise it belongs to no object.
* **swap** — within one track, a run of at least ``min_run`` consecutive updates of object A
  followed (later, possibly after other updates) by a run of at least ``min_run`` of object B ≠ A;
  one swap per such switch between consecutive long runs.
* **NEES** — normalised estimation error squared, ``e^T P^{-1} e`` with e = estimate − truth; for
  a consistent filter a mean of N independent samples of a d-dimensional state, times N, is χ²
  with d·N degrees of freedom, so its two-sided 95% band is [χ²₀.₀₂₅(dN)/N, χ²₀.₉₇₅(dN)/N]
  (Bar-Shalom, Li & Kirubarajan 2001, *Estimation with Applications to Tracking and
  Navigation*, §5.4.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

__all__ = ["NO_OBJECT", "TrackPurity", "NeesStat", "assign_tracks", "track_switches",
           "first_confirmed_s", "truth_at", "nees", "nees_band", "nees_by_phase"]

NO_OBJECT = -1
_TIME_TOL_S = 1e-6


@dataclass(frozen=True)
class TrackPurity:
    """Per track (T tracks, sorted ids): what its updates say about which object it follows.

    ``track_id`` (T,) int64; ``n_updates`` (T,) int; ``majority_object`` (T,) the object that made
    the most updates (``NO_OBJECT`` if only false alarms); ``purity`` (T,) that object's share
    (0 if only false alarms); ``object`` (T,) the assigned object — ``majority_object`` where
    ``purity`` > 0.5, else ``NO_OBJECT``.
    """

    track_id: np.ndarray
    n_updates: np.ndarray
    majority_object: np.ndarray
    purity: np.ndarray
    object: np.ndarray

    def of(self, track_id: np.ndarray) -> np.ndarray:
        """Index into these arrays of each id in ``track_id`` (−1 where the id has no update)."""
        track_id = np.asarray(track_id, np.int64)
        if self.track_id.size == 0:
            return np.full(track_id.shape, -1, np.int64)
        i = np.clip(np.searchsorted(self.track_id, track_id), 0, self.track_id.size - 1)
        return np.where(self.track_id[i] == track_id, i, -1)


def assign_tracks(track_id: np.ndarray, obj: np.ndarray) -> TrackPurity:
    """Purity and assigned object of every track from its updates.

    ``track_id`` (u,) the track each update went to; ``obj`` (u,) its object label (object index
    ≥ 0 or −1 for a false alarm). Vectorised: one ``np.unique`` over (track, object) pairs.
    """
    track_id = np.asarray(track_id, np.int64)
    obj = np.asarray(obj, np.int64)
    tracks, t_inv = np.unique(track_id, return_inverse=True)
    n_upd = np.bincount(t_inv, minlength=tracks.size)
    real = obj >= 0
    major = np.full(tracks.size, NO_OBJECT, np.int64)
    share = np.zeros(tracks.size)
    if real.any():
        pairs, counts = np.unique(np.stack([t_inv[real], obj[real]]), axis=1, return_counts=True)
        # Per track, the pair with the most updates: sort by (track, count) and take the last.
        order = np.lexsort((counts, pairs[0]))
        last = np.r_[pairs[0][order][1:] != pairs[0][order][:-1], True]
        best = order[last]
        major[pairs[0][best]] = pairs[1][best]
        share[pairs[0][best]] = counts[best] / n_upd[pairs[0][best]]
    assigned = np.where(share > 0.5, major, NO_OBJECT)
    return TrackPurity(tracks, n_upd, major, share, assigned)


def track_switches(track_id: np.ndarray, t_s: np.ndarray, obj: np.ndarray,
                   min_run: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every swap: (track, from_object, to_object), each (s,).

    Updates are ordered by (track, time), stably (so the log's order breaks ties at one time).
    Runs of equal labels are found on the whole array at once; runs shorter than ``min_run`` and
    runs of false alarms are dropped, and a swap is a change of object between consecutive
    remaining runs of the same track.
    """
    track_id = np.asarray(track_id, np.int64)
    obj = np.asarray(obj, np.int64)
    empty = np.zeros(0, np.int64)
    if track_id.size == 0:
        return empty, empty, empty
    order = np.lexsort((np.asarray(t_s, float), track_id))
    tr, ob = track_id[order], obj[order]
    start = np.r_[True, (tr[1:] != tr[:-1]) | (ob[1:] != ob[:-1])]
    idx = np.flatnonzero(start)
    length = np.diff(np.r_[idx, tr.size])
    keep = (length >= min_run) & (ob[idx] >= 0)
    rt, ro = tr[idx][keep], ob[idx][keep]
    sw = (rt[1:] == rt[:-1]) & (ro[1:] != ro[:-1])
    return rt[1:][sw], ro[:-1][sw], ro[1:][sw]


def first_confirmed_s(track_id: np.ndarray, t_s: np.ndarray,
                      status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids, first confirmed time in s) of every track with a confirmed state (status 1)."""
    conf = np.asarray(status) == 1
    tid, t = np.asarray(track_id, np.int64)[conf], np.asarray(t_s, float)[conf]
    if tid.size == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    order = np.lexsort((t, tid))
    first = np.r_[True, tid[order][1:] != tid[order][:-1]]
    return tid[order][first], t[order][first]


def truth_at(truth_t_s: np.ndarray, truth_x: np.ndarray, truth_phase: np.ndarray,
             obj: np.ndarray, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The truth of object ``obj[i]`` at time ``t_s[i]``: (x (n, 6) r, v ECEF; phase (n,); ok (n,)).

    ``truth_t_s`` (m,) s; ``truth_x`` (n_obj, m, 6); ``truth_phase`` (n_obj, m). A state is
    ``ok`` when its time is on the truth grid (|Δt| < 1 µs), its object is an object (≥ 0) and the
    truth there is finite; elsewhere x is NaN and phase −1.
    """
    obj = np.asarray(obj, np.int64)
    t_s = np.asarray(t_s, float)
    n = t_s.size
    x = np.full((n, 6), np.nan)
    ph = np.full(n, -1, np.int64)
    if truth_t_s.size == 0 or n == 0:
        return x, ph, np.zeros(n, bool)
    k = np.clip(np.searchsorted(truth_t_s, t_s), 0, truth_t_s.size - 1)
    k_lo = np.clip(k - 1, 0, truth_t_s.size - 1)
    k = np.where(np.abs(truth_t_s[k_lo] - t_s) < np.abs(truth_t_s[k] - t_s), k_lo, k)
    ok = (np.abs(truth_t_s[k] - t_s) < _TIME_TOL_S) & (obj >= 0) & (obj < truth_x.shape[0])
    x[ok] = truth_x[obj[ok], k[ok]]
    ph[ok] = truth_phase[obj[ok], k[ok]]
    ok &= np.isfinite(x).all(axis=1)
    x[~ok] = np.nan
    ph[~ok] = -1
    return x, ph, ok


def nees(err: np.ndarray, P: np.ndarray) -> np.ndarray:
    """``e^T P^{-1} e`` for errors (n, d) and covariances (n, d, d); NaN where P is not
    symmetric positive definite or anything is non-finite. By eigen-decomposition (batched)."""
    err = np.asarray(err, float)
    P = np.asarray(P, float)
    out = np.full(err.shape[0], np.nan)
    good = np.isfinite(err).all(axis=1) & np.isfinite(P).all(axis=(1, 2))
    if not good.any():
        return out
    Pg = 0.5 * (P[good] + np.swapaxes(P[good], 1, 2))
    w, V = np.linalg.eigh(Pg)
    pd = (w > 0).all(axis=1)
    proj = np.einsum("nji,nj->ni", V, err[good])
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.sum(proj**2 / np.where(w > 0, w, np.inf), axis=1)
    out[np.flatnonzero(good)] = np.where(pd, val, np.nan)
    return out


def nees_band(n: int, dof: int, p: float = 0.95) -> tuple[float, float]:
    """Two-sided ``p`` band of the mean of n independent χ²_dof samples:
    [χ²_{(1−p)/2}(dof·n)/n, χ²_{(1+p)/2}(dof·n)/n] (Bar-Shalom, Li & Kirubarajan 2001, §5.4.2).
    (NaN, NaN) for n = 0."""
    if n <= 0:
        return float("nan"), float("nan")
    a = (1.0 - p) / 2.0
    return float(chi2.ppf(a, dof * n) / n), float(chi2.ppf(1.0 - a, dof * n) / n)


@dataclass(frozen=True)
class NeesStat:
    """Mean NEES over ``n`` states of dimension ``dof`` and its 95% band for a consistent filter."""

    mean: float
    n: int
    dof: int
    band: tuple[float, float]

    @property
    def inside(self) -> bool | None:
        """Whether the mean lies in the band (None without samples)."""
        if self.n == 0:
            return None
        return bool(self.band[0] <= self.mean <= self.band[1])


def nees_by_phase(values: np.ndarray, phase: np.ndarray, dof: int) -> dict[int, NeesStat]:
    """Mean NEES per phase code: {phase: NeesStat}, over the finite ``values`` (n,)."""
    values = np.asarray(values, float)
    phase = np.asarray(phase)
    ok = np.isfinite(values)
    out = {}
    for ph in np.unique(phase[ok]):
        v = values[ok & (phase == ph)]
        out[int(ph)] = NeesStat(float(v.mean()), int(v.size), dof, nees_band(int(v.size), dof))
    return out
