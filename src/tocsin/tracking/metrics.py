"""Tracking performance metrics: GOSPA, track continuity, NEES.

GOSPA (generalised optimal sub-pattern assignment) with α = 2, cut-off c and order p:

    d = ( min_γ Σ_(i,j)∈γ d(x_i, y_j)^p + c^p/2 · (|X| + |Y| − 2|γ|) )^(1/p),

over assignments γ of estimates to truths at distance < c. The minimum is found with
``scipy.optimize.linear_sum_assignment`` on min(d, c)^p: a pair assigned at ≥ c costs c^p, the same
as leaving both unassigned (one missed and one false, c^p/2 each). Components are reported as cost
terms like Stone Soup's ``GOSPAMetric``: localisation Σ d^p, missed and false c^p/2 per object.

Sources: A. S. Rahmathullah, Á. F. García-Fernández, L. Svensson, "Generalized optimal
sub-pattern assignment metric", FUSION 2017 (eq. 1 and Prop. 1); NEES: Y. Bar-Shalom, X. R. Li,
T. Kirubarajan, *Estimation with Applications to Tracking and Navigation*, Wiley 2001, §5.4.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from tocsin.errors import InputError

__all__ = ["Gospa", "gospa", "gospa_assignment", "TrackContinuity", "track_continuity", "nees"]


@dataclass(frozen=True)
class Gospa:
    """GOSPA value and its parts (cost terms; with p = 1 they add up to ``total``)."""

    total: float
    localisation: float
    missed: float
    false: float
    n_missed: int
    n_false: int


def gospa_assignment(est: np.ndarray, truth: np.ndarray, c: float, p: float = 1.0
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Optimal GOSPA pairs (est index, truth index, distance), only pairs closer than ``c``.

    ``est (n, m)``, ``truth (t, m)`` positions (m); Euclidean distance.
    """
    est = np.asarray(est, dtype=float)
    truth = np.asarray(truth, dtype=float)
    if est.shape[0] == 0 or truth.shape[0] == 0:
        e = np.empty(0, dtype=np.intp)
        return e, e, np.empty(0)
    diff = est[:, None, :] - truth[None, :, :]
    d = np.sqrt(np.einsum("ntm,ntm->nt", diff, diff))
    r, col = linear_sum_assignment(np.minimum(d, c) ** p)
    dist = d[r, col]
    ok = dist < c
    return r[ok], col[ok], dist[ok]


def gospa(est: np.ndarray, truth: np.ndarray, c: float = 100.0, p: float = 1.0) -> Gospa:
    """GOSPA (α = 2) between estimated ``est (n, m)`` and true ``truth (t, m)`` positions."""
    if not (c > 0 and p >= 1):
        raise InputError("gospa c, p", (c, p), "c > 0 and p >= 1")
    est = np.asarray(est, dtype=float)
    truth = np.asarray(truth, dtype=float)
    m = est.shape[-1] if est.ndim == 2 else truth.shape[-1] if truth.ndim == 2 else 1
    est, truth = est.reshape(-1, m), truth.reshape(-1, m)
    _, _, dist = gospa_assignment(est, truth, c, p)
    loc = float(np.sum(dist**p))
    n_missed = truth.shape[0] - dist.size
    n_false = est.shape[0] - dist.size
    half = c**p / 2.0
    missed, false = half * n_missed, half * n_false
    return Gospa((loc + missed + false) ** (1.0 / p), loc, missed, false, n_missed, n_false)


@dataclass(frozen=True)
class TrackContinuity:
    """Per truth (sorted ``truth_id (u,)``): ``switches`` — times the track following it changed
    id; ``fragmentations`` — times it lost its track and was followed again later;
    ``covered`` — scans in which some track followed it; ``scans`` — scans it was alive."""

    truth_id: np.ndarray
    switches: np.ndarray
    fragmentations: np.ndarray
    covered: np.ndarray
    scans: np.ndarray


def track_continuity(scan: np.ndarray, truth_id: np.ndarray, track_id: np.ndarray
                     ) -> TrackContinuity:
    """Continuity from a per-scan assignment table, one row per alive truth per scan.

    ``scan (r,)`` scan number, ``truth_id (r,)``, ``track_id (r,)`` the id of the track assigned
    to that truth in that scan (e.g. by :func:`gospa_assignment`) or −1 for none.
    """
    scan, truth_id, track_id = (np.asarray(a) for a in (scan, truth_id, track_id))
    order = np.lexsort((scan, truth_id))
    tid, trk = truth_id[order], track_id[order]
    uid, start, count = np.unique(tid, return_index=True, return_counts=True)
    same_truth = np.ones(tid.size, dtype=bool)
    same_truth[start] = False                                   # row continues previous row
    prev_trk = np.roll(trk, 1)
    covered = trk >= 0
    # id switch: assigned now, and the latest earlier assigned track had another id
    last_seen = np.where(covered, trk, -1)
    idx = np.where(covered, np.arange(tid.size), -1)
    np.maximum.accumulate(idx, out=idx)                          # row of the latest assignment
    prev_idx = np.concatenate(([-1], idx[:-1]))
    first_row = np.repeat(start, count)
    has_prev = same_truth & (prev_idx >= first_row)
    prev_assigned = np.where(has_prev, last_seen[np.maximum(prev_idx, 0)], -1)
    switch = covered & (prev_assigned >= 0) & (prev_assigned != trk)
    # fragmentation: assigned now, not assigned in the previous scan, assigned before that
    frag = covered & same_truth & (prev_trk < 0) & (prev_assigned >= 0)
    seg = np.repeat(np.arange(uid.size), count)
    return TrackContinuity(uid, np.bincount(seg, switch, uid.size).astype(int),
                           np.bincount(seg, frag, uid.size).astype(int),
                           np.bincount(seg, covered, uid.size).astype(int), count)


def nees(x_true: np.ndarray, x_est: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Normalised estimation error squared ε = (x − x̂)ᵀ P⁻¹ (x − x̂) (n,), BLK eq. 5.4.2-1.

    For a consistent filter ε is χ² distributed with dim(x) degrees of freedom.
    """
    e = np.asarray(x_true, dtype=float) - np.asarray(x_est, dtype=float)
    return np.einsum("ni,ni->n", e, np.linalg.solve(P, e[:, :, None])[:, :, 0])
