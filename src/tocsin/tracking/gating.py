"""Gating: which (track, detection) pairs are plausible at all.

Two stages. A cheap spatial pre-gate keeps pairs whose Euclidean innovation ‖z − ẑ‖ is within a
per-track radius that bounds the ellipsoidal gate from outside; above ``dense_limit`` candidate
pairs it uses a k-d tree (``scipy.spatial.cKDTree``) over the detections, so the cost grows like
n log k instead of n·k. Then the exact Mahalanobis test d² = νᵀ S⁻¹ ν ≤ γ with γ the chi-square
quantile of the gate probability P_G (BLK §2.7.2, §3.7).

The pre-gate radius: νᵀS⁻¹ν ≤ γ implies ‖ν‖² ≤ γ·λ_max(S) ≤ γ·(tr(HPHᵀ) + max_j tr(R_j)).
The pre-gate is a Euclidean test in measurement space, so it is valid for measurements whose
residual is a plain difference (positions); for angle measurements use ``dense_limit=None``.

Source: Y. Bar-Shalom, X. R. Li, T. Kirubarajan, *Estimation with Applications to Tracking and
Navigation*, Wiley 2001 (BLK); S. Blackman, R. Popoli, *Design and Analysis of Modern Tracking
Systems*, Artech House 1999, §6.3 (coarse gating).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numba import njit
from scipy.spatial import cKDTree
from scipy.stats import chi2

from tocsin.tracking.linalg import cholesky_into
from tocsin.tracking.roles import GatedPairs

__all__ = ["MahalanobisGater", "chi2_gate", "kdtree_pairs"]


@lru_cache(maxsize=64)
def chi2_gate(probability: float, dim: int) -> float:
    """Gate threshold γ with P(χ²_dim ≤ γ) = ``probability`` (e.g. 0.9999, 3 → 21.11)."""
    return float(chi2.ppf(probability, dim))


@dataclass(frozen=True)
class MahalanobisGater:
    """Chi-square gate on the Mahalanobis distance, with a spatial pre-gate.

    ``probability``: gate probability P_G (the fraction of true detections kept);
    ``dense_limit``: up to this many track×detection pairs every pair is pre-tested directly
    (cheaper than building a tree for small scans); above it a k-d tree is used; ``None`` tests
    all pairs with the exact Mahalanobis distance (no Euclidean pre-gate).
    """

    probability: float = 0.9999
    dense_limit: int | None = 4096
    _cache: dict[int, float] = field(default_factory=dict, repr=False, compare=False)

    def threshold(self, dim_z: int) -> float:
        """γ for measurement dimension ``dim_z``."""
        g = self._cache.get(dim_z)
        if g is None:
            g = self._cache[dim_z] = chi2_gate(self.probability, dim_z)
        return g

    def gate(self, z_hat: np.ndarray, HPHt: np.ndarray, z: np.ndarray, R: np.ndarray,
             residual: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> GatedPairs:
        """Gated pairs for predicted measurements ``z_hat (n, m)`` with ``HPHt (n, m, m)`` and
        detections ``z (k, m)`` with noise ``R (k, m, m)``; ``residual(z, ẑ)`` gives ν."""
        n, m = z_hat.shape
        k = z.shape[0]
        gamma = self.threshold(m)
        if n == 0 or k == 0:
            return GatedPairs.empty(m, gamma)
        # C-contiguous float64 for the kernels: one compiled signature whatever the caller's
        # layout (a column slice or fancy index of the state is 'A' or 'F' order)
        z_hat, z = np.ascontiguousarray(z_hat, float), np.ascontiguousarray(z, float)
        HPHt, R = np.ascontiguousarray(HPHt, float), np.ascontiguousarray(R, float)
        if self.dense_limit is None:
            ti, dj = np.divmod(np.arange(n * k), k)
        elif n * k <= self.dense_limit:
            ti, dj = _dense_candidates(z_hat, HPHt, z, R, gamma)
        else:
            trR = np.trace(R, axis1=1, axis2=2).max()
            r2 = gamma * (np.trace(HPHt, axis1=1, axis2=2) + trR)        # pre-gate radius²
            ti, dj = kdtree_pairs(z_hat, z, np.sqrt(r2))
        if ti.size == 0:
            return GatedPairs.empty(m, gamma)
        nu = residual(z[dj], z_hat[ti])                                   # ν = z − ẑ
        return GatedPairs(*_mahalanobis_select(ti, dj, nu, HPHt, R, gamma), gamma)


@njit(cache=True)
def _dense_candidates(z_hat: np.ndarray, HPHt: np.ndarray, z: np.ndarray, R: np.ndarray,
                      gamma: float) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """All (i, j) with ‖z_j − ẑ_i‖² ≤ γ (tr(HPHᵀ_i) + max_j tr R_j)."""
    n, m = z_hat.shape
    k = z.shape[0]
    trR = 0.0
    for j in range(k):
        t = 0.0
        for a in range(m):
            t += R[j, a, a]
        trR = max(trR, t)
    ti = np.empty(n * k, dtype=np.intp)
    dj = np.empty(n * k, dtype=np.intp)
    c = 0
    for i in range(n):
        r2 = trR
        for a in range(m):
            r2 += HPHt[i, a, a]
        r2 *= gamma
        for j in range(k):
            acc = 0.0
            for a in range(m):
                e = z[j, a] - z_hat[i, a]
                acc += e * e
            if acc <= r2:
                ti[c] = i
                dj[c] = j
                c += 1
    return ti[:c].copy(), dj[:c].copy()


@njit(cache=True)
def _mahalanobis_select(ti: np.ndarray, dj: np.ndarray, nu: np.ndarray, HPHt: np.ndarray,
                        R: np.ndarray, gamma: float
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
                                   ]:  # pragma: no cover - compiled
    """Pairs with d² = νᵀ S⁻¹ ν ≤ γ, S = HPHᵀ_i + R_j; returns the compacted columns."""
    p, m = nu.shape
    S = np.empty((p, m, m))
    d2 = np.empty(p)
    keep = np.empty(p, dtype=np.bool_)
    L = np.empty((m, m))
    y = np.empty(m)
    for q in range(p):
        i, j = ti[q], dj[q]
        for a in range(m):
            for b in range(m):
                S[q, a, b] = HPHt[i, a, b] + R[j, a, b]                # S = H P Hᵀ + R
        cholesky_into(S[q], L)                                      # S = L Lᵀ
        for a in range(m):                                           # y = L⁻¹ ν
            acc = nu[q, a]
            for b in range(a):
                acc -= L[a, b] * y[b]
            y[a] = acc / L[a, a]
        acc = 0.0
        for a in range(m):
            acc += y[a] * y[a]                                       # d² = ‖L⁻¹ν‖² = νᵀS⁻¹ν
        d2[q] = acc
        keep[q] = acc <= gamma
    idx = np.flatnonzero(keep)
    return ti[idx], dj[idx], nu[idx], S[idx], d2[idx]


def kdtree_pairs(centres: np.ndarray, points: np.ndarray, radius: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) with ‖points[j] − centres[i]‖ ≤ radius[i], via a k-d tree on points."""
    tree = cKDTree(points)
    hits = tree.query_ball_point(centres, radius, return_sorted=False)
    counts = np.fromiter(map(len, hits), dtype=np.intp, count=len(hits))
    if counts.sum() == 0:
        e = np.empty(0, dtype=np.intp)
        return e, e
    ti = np.repeat(np.arange(len(hits)), counts)
    dj = np.fromiter((j for h in hits for j in h), dtype=np.intp, count=int(counts.sum()))
    return ti, dj
