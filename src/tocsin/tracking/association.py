"""Data association: global nearest neighbour (2-D assignment) and JPDA, on gated sparse pairs.

The gated pairs form a bipartite graph between tracks and detections. Pairs whose track and
detection have no other candidate ("trivial" pairs, the vast majority in sparse scenes) are
decided in one vectorised step; the rest is split into connected components
(``scipy.sparse.csgraph.connected_components``) and each component is solved on its own, so the
cost grows with the size of the clusters, not with the square of the scene.

* GNN: minimise Σ d²_ij over assigned pairs + c_miss per track left without a detection, by
  ``scipy.optimize.linear_sum_assignment`` on the component's cost matrix augmented with one
  "missed" column per track (S. Blackman, R. Popoli, *Design and Analysis of Modern Tracking
  Systems*, Artech House 1999, ch. 6; Stone Soup ``GNNWith2DAssignment`` solves the same
  problem).
* JPDA: marginal association probabilities β_ij by exact enumeration of the feasible joint
  events of a cluster (Bar-Shalom, Daum & Huang, "The probabilistic data association filter",
  IEEE Control Systems Magazine 29(6), 2009, §"JPDAF"; Fortmann, Bar-Shalom & Scheffe,
  IEEE J. Oceanic Eng. 8(3), 1983).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from tocsin.tracking.roles import Association, GatedPairs

__all__ = [
    "GlobalNearestNeighbour",
    "JointProbabilisticDA",
    "solve_assignment",
    "jpda_marginals",
]

_BIG = 1e15


def _components(rows: np.ndarray, cols: np.ndarray, n_rows: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Connected-component label of each pair of the bipartite graph (rows | cols), and the
    pair order that groups them (stable). Column nodes are numbered after the row nodes."""
    ur, r_loc = np.unique(rows, return_inverse=True)
    uc, c_loc = np.unique(cols, return_inverse=True)
    nn = ur.size + uc.size
    g = coo_matrix((np.ones(rows.size), (r_loc, ur.size + c_loc)), shape=(nn, nn))
    _, label = connected_components(g, directed=False)
    lab = label[r_loc]
    return lab, np.argsort(lab, kind="stable")


def solve_assignment(rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, n_rows: int,
                     n_cols: int, miss_cost: float) -> np.ndarray:
    """Sparse 2-D assignment: which candidate pairs (rows[p], cols[p]) with ``cost (p,)`` to take.

    Each row and column is used at most once; a row left unassigned costs ``miss_cost`` (pairs
    dearer than that are never taken). Minimises the total cost exactly, component by component.
    Returns a boolean mask over the pairs.
    """
    if rows.size == 0:
        return np.zeros(0, dtype=bool)
    take, rest = _trivial_pairs(rows, cols, np.asarray(cost, dtype=float), float(miss_cost),
                                n_rows, n_cols)
    if rest.size == 0:
        return take
    lab, order = _components(rows[rest], cols[rest], n_rows)
    rest, lab = rest[order], lab[order]
    bounds = np.flatnonzero(np.diff(lab)) + 1
    for grp in np.split(rest, bounds):
        ur, ri = np.unique(rows[grp], return_inverse=True)
        uc, ci = np.unique(cols[grp], return_inverse=True)
        nr, nc = ur.size, uc.size
        C = np.full((nr, nc + nr), _BIG)
        C[ri, ci] = cost[grp]
        C[np.arange(nr), nc + np.arange(nr)] = miss_cost             # "track missed" columns
        r_opt, c_opt = linear_sum_assignment(C)
        chosen = np.full((nr, nc), -1, dtype=np.intp)
        chosen[ri, ci] = grp
        real = c_opt < nc
        take[chosen[r_opt[real], c_opt[real]]] = True
    return take


@dataclass(frozen=True)
class GlobalNearestNeighbour:
    """GNN by 2-D assignment on the squared Mahalanobis distance.

    ``miss_cost``: cost of leaving a track without a detection (default: the gate threshold γ,
    so any gated pair beats a miss unless it is needed elsewhere).
    """

    miss_cost: float | None = None

    def associate(self, gate: GatedPairs, n_tracks: int, n_dets: int) -> Association:
        miss_cost = gate.threshold * (1.0 + 1e-9) if self.miss_cost is None else self.miss_cost
        take = solve_assignment(gate.track, gate.det, gate.d2, n_tracks, n_dets, miss_cost)
        # unassigned detections (even gated ones) may start tracks, as in Stone Soup
        pair, weight, miss, used = _hard_outputs(take, gate.track, gate.det, n_tracks, n_dets)
        return Association(pair, weight, miss, used, True)


def jpda_marginals(L: np.ndarray, miss: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact JPDA marginals for one cluster by enumerating all feasible joint events.

    ``L (nt, nd)``: likelihood ratio of detection j originating from track i (0 where not gated),
    ``miss (nt,)``: weight of track i being undetected (1 − P_D P_G). An event assigns each
    track at most one detection and each detection at most one track; its weight is the product
    of L over assigned pairs and ``miss`` over undetected tracks. Returns ``beta (nt, nd)`` and
    ``beta0 (nt,)``, each row summing to 1.
    """
    nt, nd = L.shape
    beta = np.zeros((nt, nd))
    beta0 = np.zeros(nt)
    cand = [np.flatnonzero(L[i] > 0).tolist() for i in range(nt)]
    assign = [-1] * nt
    total = 0.0

    def walk(i: int, used: int, w: float) -> None:
        nonlocal total
        if i == nt:
            total += w
            for t, j in enumerate(assign):
                if j < 0:
                    beta0[t] += w
                else:
                    beta[t, j] += w
            return
        assign[i] = -1
        walk(i + 1, used, w * miss[i])
        for j in cand[i]:
            if not used >> j & 1:
                assign[i] = j
                walk(i + 1, used | (1 << j), w * L[i, j])
        assign[i] = -1

    walk(0, 0, 1.0)
    return beta / total, beta0 / total


@dataclass(frozen=True)
class JointProbabilisticDA:
    """JPDA association: soft weights β_ij for the PDA update.

    ``pd`` detection probability, ``clutter_density`` expected false detections per unit
    measurement volume (per m³ for 3-D positions) λ, ``gate_probability`` P_G of the gater,
    ``max_cluster_tracks``/``max_cluster_detections`` the largest cluster enumerated exactly
    (the number of joint events grows combinatorially; larger clusters fall back to GNN within
    the cluster). The pair likelihood ratio is L_ij = P_D N(ν_ij; 0, S_ij) / λ.
    """

    pd: float
    clutter_density: float
    gate_probability: float = 0.9999
    max_cluster_tracks: int = 8
    max_cluster_detections: int = 12

    def associate(self, gate: GatedPairs, n_tracks: int, n_dets: int) -> Association:
        miss = np.ones(n_tracks)
        used = np.zeros(n_dets, dtype=bool)
        p = len(gate)
        if p == 0:
            return Association(np.empty(0, np.intp), np.empty(0), miss, used, False)
        used[gate.det] = True
        m = gate.nu.shape[1]
        detS = np.linalg.det(gate.S)
        L = self.pd * np.exp(-0.5 * gate.d2) / np.sqrt((2 * math.pi) ** m * detS)
        L = L / self.clutter_density                                  # L_ij = P_D N(ν;0,S)/λ
        w_miss = 1.0 - self.pd * self.gate_probability                # 1 − P_D P_G
        weight = np.zeros(p)
        cr = np.bincount(gate.track, minlength=n_tracks)
        cc = np.bincount(gate.det, minlength=n_dets)
        trivial = (cr[gate.track] == 1) & (cc[gate.det] == 1)
        ti = gate.track[trivial]
        weight[trivial] = L[trivial] / (L[trivial] + w_miss)         # single-pair cluster
        miss[ti] = w_miss / (L[trivial] + w_miss)
        rest = np.flatnonzero(~trivial)
        if rest.size:
            lab, order = _components(gate.track[rest], gate.det[rest], n_tracks)
            rest, lab = rest[order], lab[order]
            for grp in np.split(rest, np.flatnonzero(np.diff(lab)) + 1):
                ur, ri = np.unique(gate.track[grp], return_inverse=True)
                uc, ci = np.unique(gate.det[grp], return_inverse=True)
                if ur.size > self.max_cluster_tracks or uc.size > self.max_cluster_detections:
                    take = solve_assignment(ri, ci, gate.d2[grp], ur.size, uc.size,
                                            gate.threshold * (1 + 1e-9))
                    weight[grp[take]] = 1.0
                    miss[ur] = 1.0
                    miss[ur[ri[take]]] = 0.0
                    continue
                Lc = np.zeros((ur.size, uc.size))
                Lc[ri, ci] = L[grp]
                beta, beta0 = jpda_marginals(Lc, np.full(ur.size, w_miss))
                weight[grp] = beta[ri, ci]
                miss[ur] = beta0
        pair = np.flatnonzero(weight > 0)
        return Association(pair, weight[pair], miss, used, False)


@njit(cache=True)
def _trivial_pairs(rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, miss_cost: float,
                   n_rows: int, n_cols: int) -> tuple[np.ndarray, np.ndarray
                                                      ]:  # pragma: no cover - compiled
    """Take every admissible pair (cost < miss_cost) whose row and column have no other
    admissible pair; return that mask and the indices of the admissible pairs left over."""
    p = rows.size
    cr = np.zeros(n_rows, dtype=np.intp)
    cc = np.zeros(n_cols, dtype=np.intp)
    for q in range(p):
        if cost[q] < miss_cost:
            cr[rows[q]] += 1
            cc[cols[q]] += 1
    take = np.zeros(p, dtype=np.bool_)
    rest = np.empty(p, dtype=np.intp)
    c = 0
    for q in range(p):
        if cost[q] < miss_cost:
            if cr[rows[q]] == 1 and cc[cols[q]] == 1:
                take[q] = True
            else:
                rest[c] = q
                c += 1
    return take, rest[:c].copy()


@njit(cache=True)
def _hard_outputs(take: np.ndarray, track: np.ndarray, det: np.ndarray, n_tracks: int,
                  n_dets: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray
                                        ]:  # pragma: no cover - compiled
    """Pairs taken, their unit weights, per-track miss indicator, per-detection use."""
    pair = np.flatnonzero(take)
    miss = np.ones(n_tracks)
    used = np.zeros(n_dets, dtype=np.bool_)
    for q in pair:
        miss[track[q]] = 0.0
        used[det[q]] = True
    return pair, np.ones(pair.size), miss, used
