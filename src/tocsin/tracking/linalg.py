"""Small dense linear algebra for batched Kalman filtering, compiled with numba (cached on disk).

The one home of the tracking package's Cholesky factor, Cholesky solve, H P Hᵀ projection and
Joseph-form Kalman update; the linear, extended and unscented filters, the gater and the boost
tracker all call these. With tens of tracks of dimension d ≤ 9 and measurements of dimension
m ≤ 3 the fixed cost of numpy's batched small-matrix calls dominates, so the per-track loops
are written out. Symbols follow the textbook: H measurement Jacobian (m, d), R measurement
noise (m, m), ν innovation (m,), S innovation covariance (m, m), K gain (d, m).

Sources
-------
* Y. Bar-Shalom, X. R. Li, T. Kirubarajan, *Estimation with Applications to Tracking and
  Navigation*, Wiley 2001 (BLK): §5.2 Kalman filter, eq. 5.2.3-18 the Joseph form.
* R. S. Bucy, P. D. Joseph, *Filtering for Stochastic Processes with Applications to Guidance*,
  Interscience 1968 (the Joseph form).
* G. H. Golub, C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, §4.2 (Cholesky).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["cholesky_into", "chol_solve", "hpht", "joseph_update_rows", "joseph_update",
           "symmetrise"]


@njit(cache=True, inline="always")
def cholesky_into(S: np.ndarray, L: np.ndarray) -> None:  # pragma: no cover - compiled
    """Lower Cholesky factor of the symmetric positive definite ``S (m, m)`` into ``L (m, m)``.

    S = L Lᵀ; the strict upper triangle of L is zeroed. Golub & Van Loan §4.2 (column form).
    """
    m = S.shape[0]
    for j in range(m):
        acc = S[j, j]
        for c in range(j):
            acc -= L[j, c] * L[j, c]
        L[j, j] = np.sqrt(acc)                    # L_jj = √(S_jj − Σ_c L_jc²)
        for i in range(j + 1, m):
            acc = S[i, j]
            for c in range(j):
                acc -= L[i, c] * L[j, c]
            L[i, j] = acc / L[j, j]               # L_ij = (S_ij − Σ_c L_ic L_jc) / L_jj
        for i in range(j):
            L[i, j] = 0.0


@njit(cache=True, inline="always")
def chol_solve(L: np.ndarray, b: np.ndarray) -> None:  # pragma: no cover - compiled
    """Solve L Lᵀ y = b in place: ``L (m, m)`` from :func:`cholesky_into`, ``b (m,)`` ← y."""
    m = L.shape[0]
    for i in range(m):                     # forward: L u = b
        acc = b[i]
        for c in range(i):
            acc -= L[i, c] * b[c]
        b[i] = acc / L[i, i]
    for i in range(m - 1, -1, -1):         # back: Lᵀ y = u
        acc = b[i]
        for c in range(i + 1, m):
            acc -= L[c, i] * b[c]
        b[i] = acc / L[i, i]


@njit(cache=True)
def hpht(P: np.ndarray, H: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """H P Hᵀ ``(n, m, m)`` for ``P (n, d, d)`` and ``H (n, m, d)``; symmetric by construction.

    The projection of the state covariance into measurement space (BLK eq. 5.2.3-9 without R).
    """
    n, d = P.shape[0], P.shape[1]
    m = H.shape[1]
    out = np.empty((n, m, m))
    HP = np.empty((m, d))
    for t in range(n):
        for a in range(m):                                  # H P
            for b in range(d):
                acc = 0.0
                for c in range(d):
                    acc += H[t, a, c] * P[t, c, b]
                HP[a, b] = acc
        for a in range(m):                                  # (H P) Hᵀ, upper triangle mirrored
            for b in range(a, m):
                acc = 0.0
                for c in range(d):
                    acc += HP[a, c] * H[t, b, c]
                out[t, a, b] = acc
                out[t, b, a] = acc
    return out


@njit(cache=True)
def joseph_update_rows(x: np.ndarray, P: np.ndarray, sel: np.ndarray, rows: np.ndarray,
                       nu: np.ndarray, H: np.ndarray, hrows: np.ndarray, R: np.ndarray,
                       rrows: np.ndarray, S: np.ndarray) -> None:  # pragma: no cover - compiled
    """Joseph-form Kalman update in place, for chosen (track, detection) pairs.

    For each pair p in ``sel`` (p indexes ``rows``, ``nu``, ``S``, ``hrows``, ``rrows``): row
    ``i = rows[p]`` of ``x (n, d)`` and ``P (n, d, d)`` is updated with innovation ``nu[p] (m,)``,
    innovation covariance ``S[p] (m, m)`` (= H P Hᵀ + R, SPD), Jacobian ``H[hrows[p]] (m, d)``
    and noise ``R[rrows[p]] (m, m)``:

        K = P Hᵀ S⁻¹,  x⁺ = x + K ν,  P⁺ = (I − K H) P (I − K H)ᵀ + K R Kᵀ

    (BLK 2001 eq. 5.2.3-18; Bucy & Joseph 1968). The Joseph form stays symmetric positive
    (semi)definite for any gain; P⁺ is written symmetric. A row should appear at most once in
    ``sel`` per call (each update reads the row's current P).
    """
    d = x.shape[1]
    m = nu.shape[1]
    L = np.empty((m, m))
    PHt = np.empty((d, m))
    K = np.empty((d, m))
    A = np.empty((d, d))
    AP = np.empty((d, d))
    KR = np.empty((d, m))
    tmp = np.empty(m)
    for p in sel:
        i, hi, ri = rows[p], hrows[p], rrows[p]
        for a in range(d):                                  # P Hᵀ
            for b in range(m):
                acc = 0.0
                for c in range(d):
                    acc += P[i, a, c] * H[hi, b, c]
                PHt[a, b] = acc
        cholesky_into(S[p], L)                              # S = L Lᵀ
        for a in range(d):                                  # K = P Hᵀ S⁻¹ (rows: S kᵀ = (PHᵀ)ᵀ)
            for b in range(m):
                tmp[b] = PHt[a, b]
            chol_solve(L, tmp)
            for b in range(m):
                K[a, b] = tmp[b]
        for a in range(d):                                  # x⁺ = x⁻ + K ν
            acc = 0.0
            for b in range(m):
                acc += K[a, b] * nu[p, b]
            x[i, a] += acc
        for a in range(d):                                  # A = I − K H
            for b in range(d):
                acc = 1.0 if a == b else 0.0
                for c in range(m):
                    acc -= K[a, c] * H[hi, c, b]
                A[a, b] = acc
        for a in range(d):                                  # A P
            for b in range(d):
                acc = 0.0
                for c in range(d):
                    acc += A[a, c] * P[i, c, b]
                AP[a, b] = acc
        for a in range(d):                                  # K R
            for b in range(m):
                acc = 0.0
                for c in range(m):
                    acc += K[a, c] * R[ri, c, b]
                KR[a, b] = acc
        for a in range(d):                                  # P⁺ = A P Aᵀ + K R Kᵀ
            for b in range(a, d):
                acc = 0.0
                for c in range(d):
                    acc += AP[a, c] * A[b, c]
                for c in range(m):
                    acc += KR[a, c] * K[b, c]
                P[i, a, b] = acc
                P[i, b, a] = acc                            # symmetric by construction


@njit(cache=True)
def _nis(nu: np.ndarray, S: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Normalised innovation squared νᵀ S⁻¹ ν ``(k,)`` for ``nu (k, m)``, ``S (k, m, m)``."""
    k, m = nu.shape
    out = np.empty(k)
    L = np.empty((m, m))
    y = np.empty(m)
    for p in range(k):
        cholesky_into(S[p], L)
        for a in range(m):
            y[a] = nu[p, a]
        chol_solve(L, y)                                    # y = S⁻¹ ν
        acc = 0.0
        for a in range(m):
            acc += nu[p, a] * y[a]                          # NIS = νᵀ S⁻¹ ν   (BLK §5.4)
        out[p] = acc
    return out


def joseph_update(x: np.ndarray, P: np.ndarray, nu: np.ndarray, H: np.ndarray, R: np.ndarray,
                  S: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batched (extended) Kalman update in Joseph form of k tracks; returns new (x⁺, P⁺, NIS).

    ``x (k, d)``, ``P (k, d, d)``, innovation ``nu (k, m)`` (z − ẑ, angles already wrapped),
    Jacobian ``H (k, m, d)``, noise ``R (k, m, m)``; any d and m. Optional ``S (k, m, m)`` if
    the caller already has it (e.g. from the gate), else S = H P Hᵀ + R. Then K = P Hᵀ S⁻¹,
    x⁺ = x + K ν, P⁺ = (I − KH) P (I − KH)ᵀ + K R Kᵀ (BLK 2001 eq. 5.2.3-18) and
    NIS = νᵀ S⁻¹ ν ``(k,)``. The inputs are copied; the work is :func:`joseph_update_rows`.
    """
    x_upd = np.array(x, dtype=np.float64)
    P_upd = np.array(P, dtype=np.float64)
    nu = np.ascontiguousarray(nu, dtype=np.float64)
    H = np.ascontiguousarray(H, dtype=np.float64)
    R = np.ascontiguousarray(R, dtype=np.float64)
    if S is None:
        S = hpht(P_upd, H) + R                              # S = H P Hᵀ + R   (BLK 5.2.3-9)
    else:
        S = np.ascontiguousarray(S, dtype=np.float64)
    rows = np.arange(x_upd.shape[0])
    joseph_update_rows(x_upd, P_upd, rows, rows, nu, H, rows, R, rows, S)
    return x_upd, P_upd, _nis(nu, S)


def symmetrise(P: np.ndarray) -> np.ndarray:
    """½ (P + Pᵀ) over the last two axes: the symmetric part of covariances ``P (..., d, d)``."""
    return 0.5 * (P + np.swapaxes(P, -1, -2))
