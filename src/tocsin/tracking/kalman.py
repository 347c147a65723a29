"""Batched Kalman filtering: prediction, (extended) Kalman update in Joseph form, PDA update.

Every function works on a stack of n tracks at once (``x (n, d)``, ``P (n, d, d)``) and loops in
Python over nothing; the hot per-track loops (NCV prediction here; H P Hᵀ and the Joseph update
in :mod:`tocsin.tracking.linalg`) are compiled with numba (cached on disk), because with tens of
tracks per scan the fixed cost of numpy's batched small-matrix calls dominates. Symbols follow
the textbook (and FilterPy's docs): F transition, Q process noise, H measurement Jacobian,
R measurement noise, ν innovation, S innovation covariance, K gain.

Sources
-------
* Y. Bar-Shalom, X. R. Li, T. Kirubarajan, *Estimation with Applications to Tracking and
  Navigation*, Wiley 2001 (BLK): §5.2 Kalman filter, §5.2.3 Joseph form, §6.2.2 continuous white
  noise acceleration (nearly constant velocity) model, §10.3 extended Kalman filter.
* Y. Bar-Shalom, F. Daum, J. Huang, "The probabilistic data association filter", IEEE Control
  Systems Magazine 29(6), 2009 (PDA update, eqs. 35-40).
* R. Labbe, *Kalman and Bayesian Filters in Python* / FilterPy ``KalmanFilter`` documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from tocsin.tracking.linalg import hpht, joseph_update, joseph_update_rows
from tocsin.tracking.roles import Association, GatedPairs

__all__ = [
    "kf_predict",
    "innovation_covariance",
    "kf_gain",
    "kf_update",
    "pda_update",
    "NearlyConstantVelocity",
    "CartesianPosition",
    "KalmanUpdater",
    "project_covariance",
]


def _t(a: np.ndarray) -> np.ndarray:
    """Transpose of the last two axes (batched matrix transpose)."""
    return np.swapaxes(a, -1, -2)


def kf_predict(x: np.ndarray, P: np.ndarray, F: np.ndarray, Q: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Linear prediction of states ``x (n, d)`` and covariances ``P (n, d, d)``.

    ``F`` and ``Q`` are ``(d, d)`` or ``(n, d, d)``. BLK eq. 5.2.3-1 and 5.2.3-5.
    """
    x_pred = np.einsum("...ij,...j->...i", F, x)   # x⁻ = F x
    P_pred = F @ P @ _t(F) + Q                       # P⁻ = F P Fᵀ + Q
    return x_pred, P_pred


def innovation_covariance(P: np.ndarray, H: np.ndarray, R: np.ndarray) -> np.ndarray:
    """``S = H P Hᵀ + R`` (k, m, m) for ``P (k, d, d)``, ``H (k, m, d)``, ``R (k, m, m)``."""
    return H @ P @ _t(H) + R                         # S = H P Hᵀ + R   (BLK 5.2.3-9)


def kf_gain(P: np.ndarray, H: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Kalman gain ``K = P Hᵀ S⁻¹`` (k, d, m), solved rather than inverted (S is SPD)."""
    PHt = P @ _t(H)
    return _t(np.linalg.solve(S, _t(PHt)))          # K = P Hᵀ S⁻¹    (BLK 5.2.3-11)


def kf_update(x: np.ndarray, P: np.ndarray, nu: np.ndarray, H: np.ndarray, R: np.ndarray,
              S: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(Extended) Kalman update with innovation ``nu = z − ẑ`` (k, m) and Jacobian ``H``.

    The caller computes ẑ = h(x) and H = ∂h/∂x from a :class:`MeasurementModel` (that is all the
    EKF changes, BLK §10.3.2), and ν with the model's ``residual`` (angles wrapped). Covariance in
    Joseph form, which stays symmetric positive definite for any gain (BLK 5.2.3-18), written
    symmetric; :func:`tocsin.tracking.linalg.joseph_update` does the work. ``x (k, d)``,
    ``P (k, d, d)``, ``H (k, m, d)``, ``R (k, m, m)``, optional ``S (k, m, m)`` (else
    S = H P Hᵀ + R). Returns new ``(x⁺, P⁺)``.
    """
    x_upd, P_upd, _ = joseph_update(x, P, nu, H, R, S)   # P⁺ = (I−KH)P(I−KH)ᵀ + KRKᵀ
    return x_upd, P_upd


def project_covariance(P: np.ndarray, H: np.ndarray) -> np.ndarray:
    """``H P Hᵀ`` (n, m, m) for ``P (n, d, d)`` and ``H (n, m, d)`` (one compiled loop; inputs
    made C-contiguous, e.g. a broadcast H, so that one compiled signature serves every caller)."""
    return hpht(np.ascontiguousarray(P, dtype=float), np.ascontiguousarray(H, dtype=float))


@njit(cache=True)
def _ncv_predict(x: np.ndarray, P: np.ndarray, dt: np.ndarray, q: float, axes: int
                 ) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    n, d = x.shape
    xo = x.copy()
    Po = P.copy()
    for t in range(n):
        h = dt[t]
        for a in range(axes):
            xo[t, 2 * a] += h * x[t, 2 * a + 1]                  # p⁻ = p + Δt v
            for j in range(d):                                  # rows:    F P
                Po[t, 2 * a, j] += h * Po[t, 2 * a + 1, j]
        for a in range(axes):
            for i in range(d):                                  # columns: (F P) Fᵀ
                Po[t, i, 2 * a] += h * Po[t, i, 2 * a + 1]
        for a in range(axes):                                   # + Q, per axis
            Po[t, 2 * a, 2 * a] += q * h * h * h / 3.0           # q Δt³/3
            Po[t, 2 * a, 2 * a + 1] += q * h * h / 2.0           # q Δt²/2
            Po[t, 2 * a + 1, 2 * a] += q * h * h / 2.0
            Po[t, 2 * a + 1, 2 * a + 1] += q * h                 # q Δt
    return xo, Po


def pda_update(x: np.ndarray, P: np.ndarray, H: np.ndarray, S: np.ndarray, K: np.ndarray,
               nu: np.ndarray, beta: np.ndarray, pair_track: np.ndarray, beta0: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Probabilistic-data-association update of tracks ``x (n, d)``, ``P (n, d, d)``.

    ``H (n, m, d)``, ``S``/``K`` per track (the track's innovation covariance and gain with a
    representative R), pairs ``pair_track (a,)`` with innovations ``nu (a, m)`` and association
    probabilities ``beta (a,)``; ``beta0 (n,)`` the probability that no detection is the track's.
    Bar-Shalom, Daum & Huang 2009, eqs. 35-40.
    """
    n, d = x.shape
    m = nu.shape[1]
    nu_c = np.zeros((n, m))
    np.add.at(nu_c, pair_track, beta[:, None] * nu)              # ν = Σ_j β_j ν_j
    spread = np.zeros((n, m, m))
    np.add.at(spread, pair_track, beta[:, None, None] * nu[:, :, None] * nu[:, None, :])
    spread -= nu_c[:, :, None] * nu_c[:, None, :]                # Σ β_j ν_j ν_jᵀ − ν νᵀ
    x_upd = x + np.einsum("ndm,nm->nd", K, nu_c)                 # x⁺ = x⁻ + K ν
    Pc = P - K @ S @ _t(K)                                       # Pᶜ = P − K S Kᵀ
    b0 = beta0[:, None, None]
    P_upd = b0 * P + (1.0 - b0) * Pc + K @ spread @ _t(K)        # P⁺ = β₀P + (1−β₀)Pᶜ + P̃
    P_upd = 0.5 * (P_upd + _t(P_upd))
    return x_upd, P_upd


@dataclass
class NearlyConstantVelocity:
    """Nearly-constant-velocity (continuous white-noise acceleration) motion, BLK §6.2.2.

    State layout per axis ``(position, velocity)``, axes interleaved: for ``axes=3`` the state is
    ``[x, vx, y, vy, z, vz]`` (m, m/s). Per axis F = [[1, Δt], [0, 1]] and
    Q = q·[[Δt³/3, Δt²/2], [Δt²/2, Δt]] with ``q_m2_s3`` the acceleration noise diffusion
    coefficient q (m²/s³). ``dim`` is the state dimension 2·axes (the :class:`MotionModel`
    attribute).
    """

    q_m2_s3: float
    axes: int = 3
    dim: int = field(init=False)

    def __post_init__(self) -> None:
        self.dim = 2 * self.axes

    def matrices(self, dt_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Full ``F (n, d, d)`` and ``Q (n, d, d)`` for intervals ``dt_s (n,)``."""
        dt = np.asarray(dt_s, dtype=float).reshape(-1)
        n, a = dt.size, self.axes
        f = np.zeros((n, 2, 2))
        f[:, 0, 0] = f[:, 1, 1] = 1.0
        f[:, 0, 1] = dt
        q1 = self.q_m2_s3 * np.stack([np.stack([dt**3 / 3, dt**2 / 2], -1),
                                np.stack([dt**2 / 2, dt], -1)], -2)
        F = np.zeros((n, a, 2, a, 2))
        Q = np.zeros((n, a, 2, a, 2))
        ar = np.arange(a)
        F[:, ar, :, ar, :] = f
        Q[:, ar, :, ar, :] = q1
        return F.reshape(n, 2 * a, 2 * a), Q.reshape(n, 2 * a, 2 * a)

    def predict(self, x: np.ndarray, P: np.ndarray, dt_s: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """States (n, d) and covariances (n, d, d) advanced by ``dt_s`` (n,) seconds.

        Same as :func:`kf_predict` with :meth:`matrices`, in one compiled loop that uses the
        block structure of F (rows, then columns: F P Fᵀ) and adds Q per axis.
        """
        n = x.shape[0]
        dt = np.asarray(dt_s, dtype=float)
        if dt.shape != (n,):
            dt = np.broadcast_to(dt, (n,)).copy()
        return _ncv_predict(np.asarray(x, dtype=float), np.asarray(P, dtype=float), dt,
                            float(self.q_m2_s3), self.axes)


@dataclass
class CartesianPosition:
    """Linear measurement of the position components of the state: ẑ = H x, H a selection.

    ``R (m, m)`` is the nominal noise covariance (m²) (per-detection R is passed to the tracker
    with each scan); ``index`` the state components measured (default x, y, z of the NCV layout).
    """

    R: np.ndarray
    state_dim: int = 6
    index: tuple[int, ...] = (0, 2, 4)
    dim_z: int = field(init=False)
    H: np.ndarray = field(init=False, repr=False)

    _tiled: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.R = np.asarray(self.R, dtype=float)
        self.dim_z = len(self.index)
        H = np.zeros((self.dim_z, self.state_dim))
        H[np.arange(self.dim_z), list(self.index)] = 1.0
        self.H = H
        self._tiled = np.broadcast_to(H, (1024, *H.shape))

    def predict_measurement(self, x: np.ndarray, ctx: object = None
                            ) -> tuple[np.ndarray, np.ndarray]:
        """(ẑ (k, m), H (k, m, d)) for states ``x`` (k, d); ``ctx`` is not used.

        H is a read-only broadcast view (the same matrix for every state).
        """
        k = x.shape[0]
        if k > self._tiled.shape[0]:
            self._tiled = np.broadcast_to(self.H, (2 * k, *self.H.shape))
        return x[:, self.index], self._tiled[:k]

    def residual(self, z: np.ndarray, z_hat: np.ndarray) -> np.ndarray:
        """z − ẑ (k, m) (no angles to wrap)."""
        return z - z_hat


@dataclass(frozen=True)
class KalmanUpdater:
    """The updater role: applies an association to the predicted tracks.

    Hard associations (GNN) get the Joseph-form (E)KF update with the gated pair's ν, R and S;
    soft ones (JPDA) the PDA update. Tracks without a detection keep their prediction.
    """

    def update(self, x: np.ndarray, P: np.ndarray, H: np.ndarray, R: np.ndarray,
               gate: GatedPairs, assoc: Association) -> tuple[np.ndarray, np.ndarray]:
        """Updated ``(x (n, d), P (n, d, d))``; ``R (k, m, m)`` is the scan's noise covariance."""
        if assoc.pair.size == 0:
            return x, P
        x = x.copy()
        P = P.copy()
        p = assoc.pair
        if assoc.hard:
            joseph_update_rows(x, P, p, gate.track, gate.nu, np.ascontiguousarray(H, float),
                               gate.track, np.ascontiguousarray(R, float), gate.det,
                               gate.S)                     # Joseph form, BLK 5.2.3-18
            return x, P
        i = gate.track[p]
        # soft: one gain per track from its most probable pair's S (the pairs of a track differ
        # only through R, equal within a scan from one sensor)
        tracks = np.unique(i)
        order = np.lexsort((-assoc.weight, i))
        first = order[np.searchsorted(i[order], tracks)]
        S_t = gate.S[p[first]]
        K_t = kf_gain(P[tracks], H[tracks], S_t)
        local = np.searchsorted(tracks, i)
        xt, Pt = pda_update(x[tracks], P[tracks], H[tracks], S_t, K_t, gate.nu[p],
                            assoc.weight, local, assoc.miss[tracks])
        x[tracks], P[tracks] = xt, Pt
        return x, P
