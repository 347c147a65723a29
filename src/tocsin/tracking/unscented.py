"""Unscented (and cubature) Kalman filtering, batched over tracks.

Scaled sigma points (van der Merwe & Wan 2001; Julier 2002); the default α = 1, κ = 0 is the
cubature rule, which has no negative weights — they matter with ECEF states near 7e6 m. The
update is in Joseph form with a statistically linearised H̃. Usable with any state flow, e.g.
:meth:`tocsin.tracking.ballistic.BallisticEcef.flow`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tocsin.tracking.linalg import joseph_update, symmetrise

__all__ = ["sigma_points", "unscented_predict", "unscented_update"]


def sigma_points(x: np.ndarray, P: np.ndarray, alpha: float = 1.0, beta: float = 0.0,
                 kappa: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scaled sigma points (n, 2d+1, d) with mean and covariance weights (2d+1,).

    Van der Merwe & Wan, "The square-root unscented Kalman filter", ICASSP 2001, and Julier,
    "The scaled unscented transformation", ACC 2002: λ = α²(d + κ) − d, χ = x ± √(d+λ) Lᵢ (L Lᵀ
    = P), W₀ᵐ = λ/(d+λ), W₀ᶜ = W₀ᵐ + 1 − α² + β, Wᵢ = 1/(2(d+λ)). The default α = 1, κ = 0
    (W₀ = 0) is the third-degree spherical-radial cubature rule (Arasaratnam & Haykin, IEEE TAC
    54 (2009) 1254–1269), which has no negative weight: ECEF states of ~7e6 m would lose
    precision to the large cancelling weights of α ≪ 1.
    """
    d = x.shape[-1]
    lam = alpha * alpha * (d + kappa) - d
    L = np.linalg.cholesky(P) * math.sqrt(d + lam)
    offs = np.concatenate([np.zeros_like(x)[:, None, :], np.swapaxes(L, -1, -2),
                           -np.swapaxes(L, -1, -2)], axis=1)
    wm = np.full(2 * d + 1, 0.5 / (d + lam))
    wc = wm.copy()
    wm[0] = lam / (d + lam)
    wc[0] = wm[0] + 1.0 - alpha * alpha + beta
    return x[:, None, :] + offs, wm, wc


def unscented_predict(x: np.ndarray, P: np.ndarray, dt_s: np.ndarray | float,
                      flow: Callable[[np.ndarray, np.ndarray], np.ndarray], Q: np.ndarray,
                      alpha: float = 1.0, beta: float = 0.0, kappa: float = 0.0
                      ) -> tuple[np.ndarray, np.ndarray]:
    """UKF prediction: sigma points through ``flow(X (N, d), dt (N,))``, plus additive Q (n,d,d).

    Julier & Uhlmann, Proc. IEEE 92 (2004) 401–422; Wan & van der Merwe, AS-SPCC 2000.
    """
    n, d = x.shape
    X, wm, wc = sigma_points(x, P, alpha, beta, kappa)
    s = X.shape[1]
    dt = np.repeat(np.broadcast_to(np.asarray(dt_s, np.float64), (n,)), s)
    Y = flow(X.reshape(n * s, d), dt).reshape(n, s, d)
    Y0 = Y[:, :1, :]
    dev = Y - Y0                        # deviations from the central point keep precision
    mean_dev = np.einsum("s,nsd->nd", wm, dev)
    D = dev - mean_dev[:, None, :]
    P_new = np.einsum("s,nsi,nsj->nij", wc, D, D) + Q
    return Y0[:, 0, :] + mean_dev, symmetrise(P_new)


def unscented_update(x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray,
                     h: Callable[[np.ndarray], np.ndarray],
                     residual: Callable[[np.ndarray, np.ndarray], np.ndarray],
                     alpha: float = 1.0, beta: float = 0.0, kappa: float = 0.0
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UKF update; ``h`` maps sigma points (k, S, d) to measurements (k, S, m); (x⁺, P⁺, NIS).

    Angles are averaged through ``residual`` about the central point. The covariance is
    updated in Joseph form with the statistically linearised H̃ = Pₓ𝓏ᵀ P⁻¹ and the effective
    noise R̃ = S − H̃ P H̃ᵀ, which equals P − K S Kᵀ but as a sum of PSD terms (Lefebvre, Bruyninckx
    & De Schutter, IEEE TAC 47 (2002) 1406 for the linear-regression view of the UKF).
    """
    k, d = x.shape
    X, wm, wc = sigma_points(x, P, alpha, beta, kappa)
    Z = h(X)
    s, m = Z.shape[1], Z.shape[2]
    Z0 = np.repeat(Z[:, :1, :], s, axis=1)
    dz = residual(Z.reshape(k * s, m), Z0.reshape(k * s, m)).reshape(k, s, m)
    mean_dz = np.einsum("s,ksm->km", wm, dz)
    z_hat = Z[:, 0, :] + mean_dz
    Dz = dz - mean_dz[:, None, :]
    Dx = (X - x[:, None, :]) - np.einsum("s,ksd->kd", wm, X - x[:, None, :])[:, None, :]
    S = symmetrise(np.einsum("s,ksi,ksj->kij", wc, Dz, Dz) + R)
    Pxz = np.einsum("s,ksi,ksj->kij", wc, Dx, Dz)
    Ht = np.linalg.solve(P, Pxz)                                   # H̃ᵀ = P⁻¹ Pₓ𝓏
    H = np.swapaxes(Ht, -1, -2)
    R_eff = symmetrise(S - H @ P @ Ht)
    nu = residual(z, z_hat)
    return joseph_update(x, P, nu, H, R_eff)        # Joseph form, BLK 2001 eq. 5.2.3-18
