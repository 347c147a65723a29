"""Radar measurement model: range, azimuth, elevation and range rate of ECEF states at a site.

For a state x = (r, v, …) (ECEF, m and m/s) and a site at s with East-North-Up rows (ê, n̂, û):

    d = r − s,  (e, n, u) = (ê·d, n̂·d, û·d),  ρ = |d|,  ρ_h = √(e² + n²)
    ẑ = (ρ,  az = atan2(e, n) ∈ [0, 2π),  el = atan2(u, ρ_h),  ρ̇ = d·v/ρ)

as :func:`tocsin.sensors.radar.radar_observe` reports them (azimuth clockwise from north,
elevation above the geodetic horizontal, range rate relative to the site fixed in ECEF). The
Jacobian is analytic (Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking
and Navigation* (2001), §10.3; the spherical-coordinate derivatives, rotated by the ENU frame):

    ∂ρ/∂r = dᵀ/ρ,   ∂az/∂r = (n ê − e n̂)ᵀ/ρ_h²,   ∂el/∂r = (ρ_h û − u (e ê + n n̂)/ρ_h)ᵀ/ρ²,
    ∂ρ̇/∂r = (v − ρ̇ d/ρ)ᵀ/ρ,   ∂ρ̇/∂v = dᵀ/ρ;   zero for components beyond (r, v).

The azimuth is singular at the zenith (ρ_h → 0); radar faces stop at 85-89° elevation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tocsin.sensors.detections import DetectionBatch

__all__ = ["RadarContext", "RadarMeasurement", "plots_to_ecef"]

_TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class RadarContext:
    """Per-pair site ECEF position (k, 3), metres, and ENU frame rows (k, 3, 3)."""

    site_r_ecef_m: np.ndarray
    enu_frame: np.ndarray

    @classmethod
    def fixed(cls, site_r_ecef_m: np.ndarray, enu_frame: np.ndarray, k: int) -> RadarContext:
        """One site (3,), frame (3, 3) repeated for k pairs."""
        return cls(np.broadcast_to(np.asarray(site_r_ecef_m, np.float64), (k, 3)),
                   np.broadcast_to(np.asarray(enu_frame, np.float64), (k, 3, 3)))


def _parts(x: np.ndarray, ctx: RadarContext) -> tuple[np.ndarray, ...]:
    """ENU offset (k, …, 3), ECEF offset d and velocity v of states (k, …, d)."""
    extra = x.ndim - 2                       # sigma-point axes between pairs and state
    site = np.asarray(ctx.site_r_ecef_m).reshape((-1,) + (1,) * extra + (3,))
    frame = np.asarray(ctx.enu_frame).reshape((-1,) + (1,) * extra + (3, 3))
    d = x[..., :3] - site
    enu = np.einsum("...ij,...j->...i", frame, d)
    return enu, d, x[..., 3:6]


class RadarMeasurement:
    """ẑ = (range m, azimuth rad, elevation rad, range rate m/s) of ECEF states at radar sites."""

    dim_z = 4

    def measure(self, x: np.ndarray, ctx: RadarContext) -> np.ndarray:
        """ẑ (k, …, 4) of states (k, …, d) (extra axes, e.g. sigma points, broadcast)."""
        x = np.asarray(x, np.float64)
        enu, d, v = _parts(x, ctx)
        e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
        rho = np.sqrt(np.einsum("...i,...i->...", d, d))
        out = np.empty(x.shape[:-1] + (4,))
        out[..., 0] = rho
        out[..., 1] = np.mod(np.arctan2(e, n), _TWO_PI)
        out[..., 2] = np.arctan2(u, np.hypot(e, n))
        out[..., 3] = np.einsum("...i,...i->...", d, v) / rho
        return out

    def predict_measurement(self, x: np.ndarray, ctx: RadarContext
                            ) -> tuple[np.ndarray, np.ndarray]:
        """(ẑ (k, 4), H = ∂h/∂x (k, 4, d)) for states x (k, d); formulas in the module notes."""
        x = np.asarray(x, np.float64)
        k, dim = x.shape
        z = self.measure(x, ctx)
        enu, d, v = _parts(x, ctx)
        F = np.asarray(ctx.enu_frame, np.float64).reshape(-1, 3, 3)
        east, north, up = F[:, 0], F[:, 1], F[:, 2]
        e, n, u = enu[:, 0:1], enu[:, 1:2], enu[:, 2:3]
        rho, rdot = z[:, 0:1], z[:, 3:4]
        rh2 = e * e + n * n
        rh = np.sqrt(rh2)
        H = np.zeros((k, 4, dim))
        H[:, 0, :3] = d / rho
        H[:, 1, :3] = (n * east - e * north) / rh2
        H[:, 2, :3] = (rh * up - u * (e * east + n * north) / rh) / (rho * rho)
        H[:, 3, :3] = (v - rdot * d / rho) / rho
        H[:, 3, 3:6] = d / rho
        return z, H

    def residual(self, z: np.ndarray, z_hat: np.ndarray) -> np.ndarray:
        """z − ẑ (k, 4) with the azimuth difference wrapped to (−π, π]."""
        nu = np.asarray(z, np.float64) - np.asarray(z_hat, np.float64)
        a = np.mod(nu[..., 1] + np.pi, _TWO_PI) - np.pi     # [−π, π)
        nu[..., 1] = np.where(a == -np.pi, np.pi, a)
        return nu


def plots_to_ecef(det: DetectionBatch) -> tuple[np.ndarray, np.ndarray]:
    """ECEF positions (k, 3) and covariances (k, 3, 3) of radar plots (range, az, el, ·).

    r_enu = (ρ − b) (sin az cos el, cos az cos el, sin el); Σ = J R Jᵀ + σ_b² û_ρ û_ρᵀ with
    J = ∂r_enu/∂(ρ, az, el), rotated to ECEF with the site's ENU rows (``sensor_frame``) — the
    converted measurement of Bar-Shalom, Li & Kirubarajan (2001) §10.4, debiased along the line
    of sight. An angle error δ (δ² = δ_az² cos² el + δ_el²) puts the converted point
    ρ(1 − cos δ) ≈ ρδ²/2 beyond the target along the measured line of sight, on average and
    with spread

        b = ρ (σ_az² cos² el + σ_el²)/2,   σ_b² = ρ² (σ_az⁴ cos⁴ el + σ_el⁴)/2

    (δ_az, δ_el Gaussian; cf. the additive debiasing of Lerro & Bar-Shalom, "Tracking with
    debiased consistent converted measurements versus EKF", IEEE Trans. AES 29(3), 1993). A
    weak plot at 3,000 km (σ_θ ≈ 4 mrad, σ_ρ ≈ 27 m) has b ≈ σ_b ≈ 50 m: left out, the range
    direction of the plot — the sharpest of a radar start's position — was 0.4σ biased and
    1.3σ wide in the example salvos, and single plots 6σ off.
    Used to pre-gate plots and to start tracks; updates use the plots themselves.
    """
    rho, az, el = det.z[:, 0], det.z[:, 1], det.z[:, 2]
    sa, ca, se, ce = np.sin(az), np.cos(az), np.sin(el), np.cos(el)
    enu = np.stack([rho * sa * ce, rho * ca * ce, rho * se], axis=-1)
    J = np.zeros((len(det), 3, 3))
    J[:, :, 0] = np.stack([sa * ce, ca * ce, se], axis=-1)                  # ∂/∂ρ
    J[:, :, 1] = np.stack([rho * ca * ce, -rho * sa * ce, 0 * rho], axis=-1)  # ∂/∂az
    J[:, :, 2] = np.stack([-rho * sa * se, -rho * ca * se, rho * ce], axis=-1)  # ∂/∂el
    va, ve = det.R[:, 1, 1] * ce ** 2, det.R[:, 2, 2]          # angle variances (rad²)
    b = 0.5 * rho * (va + ve)                                   # E[ρ(1 − cos δ)]
    var_b = 0.5 * rho ** 2 * (va ** 2 + ve ** 2)                # its variance
    u_rho = J[:, :, 0]
    enu = enu - b[:, None] * u_rho
    M = det.sensor_frame                                                    # rows e, n, u
    r = det.sensor_r_ecef_m + np.einsum("kji,kj->ki", M, enu)
    S_enu = (J @ det.R[:, :3, :3] @ np.swapaxes(J, 1, 2)
             + var_b[:, None, None] * u_rho[:, :, None] * u_rho[:, None, :])
    S = np.swapaxes(M, 1, 2) @ S_enu @ M
    return r, 0.5 * (S + np.swapaxes(S, 1, 2))
