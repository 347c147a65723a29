"""Motion models of ballistic missiles for tracking filters, in the Earth-fixed (ECEF) frame.

State ``x = (r, v)`` (m, m/s, ECEF), optionally with a seventh component ``x₆``:

* :class:`BallisticEcef` — the truth's physics (:mod:`tocsin.flight.kernel`), re-implemented:

      ṙ = v,   v̇ = g_J2(r) − 2ω×v − ω×(ω×r) − ½ ρ(h) |v| v · b,   ḃ = 0

  with ``b = 1/β = C_D A/m`` (m²/kg) estimated in the 7-D (``drag=True``) model. The inverse is
  estimated, not β, because the drag acceleration is *linear* in 1/β (so the EKF's linearisation
  in that direction is exact, and "no drag" is the finite value b = 0 rather than β = ∞).
  Gravity: Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 8-30;
  air: the U.S. Standard Atmosphere 1976 spline of :func:`tocsin.earth.atmosphere.density_spline`.
  The formulas themselves (J2 gravity and its gradient, height along the radius, the density
  spline) live in :mod:`tocsin.earth` and are shared with the truth's kernel.
* :class:`BoostAdaptive` — a booster: ``x₆ = a_T`` (m/s²), thrust acceleration along the
  Earth-relative velocity (gravity turn) as a random walk, with adaptive process noise.

Covariances go through the discrete transition Φ = ∂x(t+Δt)/∂x(t), integrated with RK4 along the
variational equations Φ̇ = A(x) Φ (A = ∂f/∂x, analytic) over sub-steps h, each sub-step adding
the discrete process noise of continuous white acceleration noise of spectral density q (m²/s³
per ECEF axis): P ← Φ_h P Φ_hᵀ + Q_d(h) (Bar-Shalom, Li & Kirubarajan, *Estimation with
Applications to Tracking and Navigation* (2001) §6.2.2 and §10.2; Tapley, Schutz & Born,
*Statistical Orbit Determination* (2004) §4.2 for Φ). As h → 0 this is Ṗ = AP + PAᵀ + Q.

Speed: one thread of numba per batch, ~4 µs per track for a 10 s midcourse prediction and ~20 µs
for 1 s of reentry (5 sub-steps), measured; a ``prange`` kernel would save a few ms per scan at
1,000 tracks but costs ~40 s of compilation on first use, so it does not pay here (Monte Carlo
campaigns parallelise over processes instead).

An unscented/cubature filter (:func:`unscented_predict`, :func:`unscented_update`) uses the same
flow map f (``model.flow``) and discrete noise (``model.noise``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from tocsin.earth import atmosphere
from tocsin.earth.atmosphere import spline_density
from tocsin.earth.constants import A_M, GM_M3_S2, J2, OMEGA_EARTH_RAD_S
from tocsin.earth.gravity import gravity_j2_jacobian, gravity_j2_xyz
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import radial_height_grad
from tocsin.errors import InputError

__all__ = ["BallisticEcef", "BoostAdaptive", "BoostMode", "kernel_constants", "predict_kinds",
           "predict_modes"]

KIND_BALLISTIC, KIND_DRAG, KIND_THRUST = 0, 1, 2
C_MU, C_J2, C_A, C_OMEGA, C_B, C_E2, C_ALT0, C_DALT, C_DRAG_BELOW = range(9)
N_C = 9


def kernel_constants(earth: EarthModel) -> np.ndarray:
    """The kernels' Earth constants ``c`` (N_C,) for ``earth``: μ, J2, a, ω, the surface of
    heights (:meth:`EarthModel.height_figure`) and the density spline's grid. ``c[C_DRAG_BELOW]``
    (the height below which the drag step applies, m) is the caller's to set."""
    c = np.zeros(N_C)
    c[C_MU] = GM_M3_S2
    c[C_J2] = J2 if earth.j2 else 0.0
    c[C_A] = A_M
    c[C_OMEGA] = OMEGA_EARTH_RAD_S if earth.rotation else 0.0
    c[C_B], c[C_E2] = earth.height_figure()
    c[C_ALT0], c[C_DALT] = atmosphere.ALT0_M, atmosphere.DALT_M
    return c


@njit(cache=True, error_model="numpy")
def _rhs(x, kind, c, spline, f, A, want_A):
    """f = ẋ and (if ``want_A``) A = ∂f/∂x for one state (continuous time, analytic)."""
    px, py, pz, vx, vy, vz = x[0], x[1], x[2], x[3], x[4], x[5]
    gx, gy, gz = gravity_j2_xyz(px, py, pz, c[C_MU], c[C_J2], c[C_A])
    w = c[C_OMEGA]
    f[0], f[1], f[2] = vx, vy, vz
    f[3] = gx + w * w * px + 2.0 * w * vy                 # − ω×(ω×r) − 2 ω×v, ω = (0, 0, w)
    f[4] = gy + w * w * py - 2.0 * w * vx
    f[5] = gz
    d = x.shape[0]
    if d > 6:
        f[6] = 0.0
    if want_A:
        for i in range(d):
            for j in range(d):
                A[i, j] = 0.0
        A[0, 3] = A[1, 4] = A[2, 5] = 1.0
        gxx, gxy, gxz, gyy, gyz, gzz = gravity_j2_jacobian(px, py, pz, c[C_MU], c[C_J2],
                                                           c[C_A])
        A[3, 0], A[3, 1], A[3, 2] = gxx + w * w, gxy, gxz
        A[4, 0], A[4, 1], A[4, 2] = gxy, gyy + w * w, gyz
        A[5, 0], A[5, 1], A[5, 2] = gxz, gyz, gzz
        A[3, 4] += 2.0 * w
        A[4, 3] -= 2.0 * w
    if kind == KIND_DRAG:
        h, dh0, dh1, dh2 = radial_height_grad(px, py, pz, c[C_B], c[C_E2])
        rho, drho = spline_density(h, c[C_ALT0], c[C_DALT], spline)
        if rho > 1e-30:
            vn = math.sqrt(vx * vx + vy * vy + vz * vz)
            b = x[6]
            kd = 0.5 * rho * vn * b                       # a_drag = −½ ρ |v| b v
            f[3] -= kd * vx
            f[4] -= kd * vy
            f[5] -= kd * vz
            if want_A:
                kr = -0.5 * b * vn * drho
                for i in range(3):
                    vi = x[3 + i]
                    A[3 + i, 0] += kr * vi * dh0
                    A[3 + i, 1] += kr * vi * dh1
                    A[3 + i, 2] += kr * vi * dh2
                    for j in range(3):                   # −½ ρ b (|v| I + v vᵀ/|v|)
                        A[3 + i, 3 + j] -= 0.5 * rho * b * vi * x[3 + j] / vn
                    A[3 + i, 3 + i] -= kd
                    A[3 + i, 6] = -0.5 * rho * vn * vi
    elif kind == KIND_THRUST:
        vn = math.sqrt(vx * vx + vy * vy + vz * vz)
        if vn > 1.0:
            a_t = x[6]                                    # a = a_T v/|v|
            for i in range(3):
                ui = x[3 + i] / vn
                f[3 + i] += a_t * ui
                if want_A:
                    for j in range(3):
                        A[3 + i, 3 + j] += a_t * ((1.0 if i == j else 0.0)
                                                  - ui * x[3 + j] / vn) / vn
                    A[3 + i, 6] = ui


@njit(cache=True, error_model="numpy")
def _mm(A, B, out):
    """out = A B (small square matrices; plain loops compile faster than numba's matmul)."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            acc = 0.0
            for k in range(n):
                acc += A[i, k] * B[k, j]
            out[i, j] = acc


@njit(cache=True, error_model="numpy")
def _mm_phi(A, B, out):
    """out = A B for A = ∂f/∂x-shaped: rows 0–2 (I₃ at columns 3–5) are copied from B's rows
    3–5, row 6 (if any) is zero, rows 3–5 are summed in full. The same numbers as :func:`_mm`
    for finite B (a sum with exact zeros is exact) at 3/7 of the work."""
    n = A.shape[0]
    for i in range(3):
        for j in range(n):
            out[i, j] = B[3 + i, j]
    for i in range(3, 6):
        for j in range(n):
            acc = 0.0
            for k in range(n):
                acc += A[i, k] * B[k, j]
            out[i, j] = acc
    for i in range(6, n):
        for j in range(n):
            out[i, j] = 0.0


@njit(cache=True, error_model="numpy")
def _sandwich(F, P, T, out):
    """out = F P Fᵀ for F = I + h Σ K: its row 6 (if any) is e₆ exactly, so row 6 of F P and
    column 6 of (F P) Fᵀ are copies; the rest is summed in full, in :func:`_mm`'s order."""
    n = F.shape[0]
    for i in range(n):
        for j in range(n):
            if i < 6:
                acc = 0.0
                for k in range(n):
                    acc += F[i, k] * P[k, j]
                T[i, j] = acc
            else:
                T[i, j] = P[i, j]
    for i in range(n):
        for j in range(n):
            if j < 6:
                acc = 0.0
                for k in range(n):
                    acc += T[i, k] * F[j, k]
                out[i, j] = acc
            else:
                out[i, j] = T[i, j]


@njit(cache=True, error_model="numpy")
def _step_limit(y, kind, c, max_step, drag_step):
    if kind == KIND_DRAG and drag_step < max_step:
        r = math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
        if r - c[C_B] < c[C_DRAG_BELOW]:
            return drag_step
    return max_step


@njit(cache=True, error_model="numpy")
def _add_qd(Pm, y, h, qa, q6, kind):
    """P += Q_d(h): white acceleration noise qa per axis (Bar-Shalom et al. 2001, eq. 6.2.2-12),
    a random walk q6 on x₆ and, for the thrust model, its integrated-Wiener coupling along
    û = v/|v| (Cov of the j-th and k-th integrals of white noise: q|h|^(j+k+1)/((j+k+1) j! k!),
    sign(h)^(j+k) for a backward step).
    """
    ah = abs(h)
    sg = 1.0 if h > 0.0 else -1.0
    h2, h3 = ah * ah, ah * ah * ah
    for i in range(3):
        Pm[i, i] += qa * h3 / 3.0
        Pm[i, 3 + i] += qa * sg * h2 / 2.0
        Pm[3 + i, i] += qa * sg * h2 / 2.0
        Pm[3 + i, 3 + i] += qa * ah
    if y.shape[0] <= 6:
        return
    Pm[6, 6] += q6 * ah
    if kind != KIND_THRUST:
        return
    vn = math.sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5])
    if vn <= 1.0:
        return
    cpp, cpv, cvv = q6 * h3 * h2 / 20.0, q6 * sg * h2 * h2 / 8.0, q6 * h3 / 3.0
    cpa, cva = q6 * h3 / 6.0, q6 * sg * h2 / 2.0
    for i in range(3):
        ui = y[3 + i] / vn
        Pm[i, 6] += cpa * ui
        Pm[6, i] += cpa * ui
        Pm[3 + i, 6] += cva * ui
        Pm[6, 3 + i] += cva * ui
        for j in range(3):
            uu = ui * y[3 + j] / vn
            Pm[i, j] += cpp * uu
            Pm[i, 3 + j] += cpv * uu
            Pm[3 + i, j] += cpv * uu
            Pm[3 + i, 3 + j] += cvv * uu


@njit(cache=True, error_model="numpy")
def _predict_one(m, x, P, dt, kind, c, spline, q_acc, q_x6, max_step, drag_step, want_cov,
                 want_phi, out_x, out_P, out_phi, f, Am, yi, Ks, Pi, T):
    """Track m: RK4 on (x, Φ) over sub-steps; P ← Φ_h P Φ_hᵀ + Q_d(h) per sub-step.

    Φ_h is the exact derivative of the RK4 step map: stage Jacobians K_s = A(y_s)(I + a_s K_{s−1}).
    The products use the structure of A = ∂f/∂x (rows 0–2 pick the velocity, row 6 is zero):
    :func:`_mm_phi`, :func:`_sandwich`. Φ over the whole Δt is accumulated only ``want_phi``.
    Work arrays (the caller's, reused from track to track): f (4, d), Am (4, d, d), yi (d,),
    Ks (4, d, d), Pi and T (d, d).
    """
    d = x.shape[1]
    y = x[m].copy()
    Pm = P[m].copy()
    phi = np.eye(d) if want_phi else np.empty((0, 0))
    rem = dt[m]
    while abs(rem) > 1e-12:
        hmax = _step_limit(y, kind, c, max_step, drag_step)
        h = min(abs(rem), hmax) * (1.0 if rem > 0.0 else -1.0)
        for s in range(4):
            a = 0.0 if s == 0 else (h if s == 3 else 0.5 * h)
            for i in range(d):
                yi[i] = y[i] + a * f[s - 1, i] if s > 0 else y[i]
            _rhs(yi, kind, c, spline, f[s], Am[s], want_cov)
            if want_cov:                           # K_s = A(y_s) (I + a K_{s−1})
                if s == 0:
                    Ks[0] = Am[0]
                else:
                    for i in range(d):
                        for j in range(d):
                            Pi[i, j] = a * Ks[s - 1, i, j] + (1.0 if i == j else 0.0)
                    _mm_phi(Am[s], Pi, Ks[s])
        for i in range(d):
            y[i] += h / 6.0 * (f[0, i] + 2.0 * f[1, i] + 2.0 * f[2, i] + f[3, i])
        if want_cov:
            for i in range(d):
                for j in range(d):
                    Pi[i, j] = h / 6.0 * (Ks[0, i, j] + 2.0 * Ks[1, i, j] + 2.0 * Ks[2, i, j]
                                          + Ks[3, i, j]) + (1.0 if i == j else 0.0)
            if want_phi:
                _mm(Pi, phi, T)
                phi[:, :] = T
            _sandwich(Pi, Pm, T, Ks[0])            # P ← Φ_h P Φ_hᵀ (Ks[0] is free here)
            Pm[:, :] = Ks[0]
            _add_qd(Pm, y, h, q_acc[m], q_x6[m], kind)
        rem -= h
    out_x[m] = y
    if want_cov:
        for i in range(d):
            for j in range(d):
                out_P[m, i, j] = 0.5 * (Pm[i, j] + Pm[j, i])
        if want_phi:
            out_phi[m] = phi


@njit(cache=True, error_model="numpy")
def _predict_serial(x, P, dt, kind, c, spline, q_acc, q_x6, max_step, drag_step, want_cov,
                    out_x, out_P, out_phi):
    """:func:`_predict_one` for every track, one thread."""
    d = x.shape[1]
    f, Am, yi, Ks = np.empty((4, d)), np.empty((4, d, d)), np.empty(d), np.empty((4, d, d))
    Pi, T = np.empty((d, d)), np.empty((d, d))
    for m in range(x.shape[0]):
        _predict_one(m, x, P, dt, kind, c, spline, q_acc, q_x6, max_step, drag_step, want_cov,
                     want_cov, out_x, out_P, out_phi, f, Am, yi, Ks, Pi, T)


@njit(cache=True, error_model="numpy")
def predict_kinds(x, P, dt, kinds, c, spline, q_acc, q_x6, steps, drag_step, out_x, out_P):
    """:func:`_predict_one` for every track with its own model ``kinds[m]`` and largest sub-step
    ``steps[m]`` (s), covariance always propagated; one thread."""
    d = x.shape[1]
    phi = np.empty((0, d, d))                                 # Φ itself is not wanted
    f, Am, yi, Ks = np.empty((4, d)), np.empty((4, d, d)), np.empty(d), np.empty((4, d, d))
    Pi, T = np.empty((d, d)), np.empty((d, d))
    for m in range(x.shape[0]):
        _predict_one(m, x, P, dt, kinds[m], c, spline, q_acc, q_x6, steps[m], drag_step, True,
                     False, out_x, out_P, phi, f, Am, yi, Ks, Pi, T)


@njit(cache=True, error_model="numpy")
def predict_modes(x, P, dt, mode, boost_mode, c, spline, par, drag_step, out_x, out_P):
    """:func:`predict_kinds` with each track's model read from its ``mode`` (m,): thrust
    where ``mode == boost_mode``, drag otherwise; ``par`` = (q_boost, q_coast, q_thrust,
    q_inv_beta, boost_step, coast_step), so that the caller passes no per-track arrays."""
    n = x.shape[0]
    kinds = np.empty(n, np.int64)
    qa, q6, steps = np.empty(n), np.empty(n), np.empty(n)
    for m in range(n):
        b = mode[m] == boost_mode
        kinds[m] = KIND_THRUST if b else KIND_DRAG
        qa[m] = par[0] if b else par[1]
        q6[m] = par[2] if b else par[3]
        steps[m] = par[4] if b else par[5]
    predict_kinds(x, P, dt, kinds, c, spline, qa, q6, steps, drag_step, out_x, out_P)


@njit(cache=True, error_model="numpy")
def _rhs_batch(x, kind, c, spline, f, A, want_A):
    for m in range(x.shape[0]):
        _rhs(x[m], kind, c, spline, f[m], A[m], want_A)


class _EcefModel:
    """Shared machinery: the numba flow, its Jacobian, transition, covariance and noise."""

    kind: int
    dim: int

    def __init__(self, earth: EarthModel | None, max_step_s: float, drag_step_s: float) -> None:
        self._c = kernel_constants(earth or EarthModel())
        self._c[C_DRAG_BELOW] = 150e3
        self._spline = atmosphere.density_spline()
        self.max_step_s = float(max_step_s)
        self.drag_step_s = float(drag_step_s)

    def _q(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _run(self, x: np.ndarray, P: np.ndarray | None, dt_s: np.ndarray | float,
             q: tuple[np.ndarray, np.ndarray] | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Fresh, writeable, C-ordered copies: numba types read-only arrays (broadcasts) apart,
        # and each new type would compile the kernel again.
        x = np.array(x, dtype=np.float64, order="C")
        n, d = x.shape
        if d != self.dim:
            raise InputError("x", f"state dimension {d}", f"{self.dim}")
        dt = np.array(np.broadcast_to(np.asarray(dt_s, np.float64), (n,)), order="C")
        want = P is not None
        Pc = np.array(P, dtype=np.float64, order="C") if want else np.zeros((n, d, d))
        qa, q6 = (np.array(a, np.float64, order="C") for a in (q if q is not None else self._q(n)))
        out_x = np.empty_like(x)
        out_P = np.empty((n, d, d)) if want else np.empty((0, d, d))
        out_phi = np.empty((n, d, d)) if want else np.empty((0, d, d))
        _predict_serial(x, Pc, dt, self.kind, self._c, self._spline, qa, q6, self.max_step_s,
                        self.drag_step_s, want, out_x, out_P, out_phi)
        return out_x, out_P, out_phi

    def predict(self, x: np.ndarray, P: np.ndarray, dt_s: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """States (n, d) and covariances (n, d, d) advanced by ``dt_s`` (n,) seconds."""
        xn, Pn, _ = self._run(x, P, dt_s)
        return xn, Pn

    def flow(self, x: np.ndarray, dt_s: np.ndarray | float) -> np.ndarray:
        """The flow map x(t + Δt) of states (n, d), without covariance (for sigma points)."""
        return self._run(x, None, dt_s)[0]

    def transition(self, x: np.ndarray, dt_s: np.ndarray | float
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(x(t + Δt) (n, d), Φ = ∂x(t + Δt)/∂x(t) (n, d, d))."""
        n, d = np.shape(x)
        xn, _, phi = self._run(x, np.zeros((n, d, d)), dt_s)
        return xn, phi

    def noise(self, x: np.ndarray, dt_s: np.ndarray | float) -> np.ndarray:
        """Discrete process noise (n, d, d) accumulated over Δt (the EKF's, from P = 0)."""
        n, d = np.shape(x)
        return self._run(x, np.zeros((n, d, d)), dt_s)[1]

    def derivative(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ẋ = f(x) (n, d), A = ∂f/∂x (n, d, d)) in continuous time."""
        x = np.array(x, dtype=np.float64, order="C")
        n, d = x.shape
        f, A = np.empty((n, d)), np.empty((n, d, d))
        _rhs_batch(x, self.kind, self._c, self._spline, f, A, True)
        return f, A


class BallisticEcef(_EcefModel):
    """Unpowered flight in ECEF: J2 gravity, rotating frame, optional drag with 1/β estimated.

    ``drag=False``: 6-D (r, v) with no air (midcourse). ``drag=True``: 7-D (r, v, 1/β) with US
    1976 drag, for reentry; 1/β (m²/kg) is a random walk of spectral density
    ``q_inv_beta`` (m⁴ kg⁻² s⁻¹). ``q_m2_s3`` is the continuous white acceleration noise per ECEF
    axis. Defaults: q = 1e-6 m²/s³, sized for the unmodelled zonal harmonics beyond J2 (J3, J4:
    ~3e-5 m/s², i.e. ~20 m over a 1,000 s midcourse; white noise gives q T³/3 of position
    variance, so q ≈ 3·20²/1000³ ≈ 1e-6); with truth of the same physics it costs ~5 % over the
    Cramér–Rao bound (see the tests; q = 1e-4 costs 40 %). q_inv_beta = 1e-13 m⁴ kg⁻² s⁻¹
    (≈ 0.5 %/s of a β = 15,000 kg/m² vehicle's 1/β). Sub-steps: ``max_step_s`` (RK4 error
    ~1e-5 m per 10 s step in midcourse), ``drag_step_s`` below 150 km when drag is on (the
    density scale height of ~7 km passes in ~2 s at reentry speed).
    """

    def __init__(self, drag: bool = False, *, q_m2_s3: float = 1e-6,
                 q_inv_beta: float = 1e-13, earth: EarthModel | None = None,
                 max_step_s: float = 10.0, drag_step_s: float = 0.2) -> None:
        super().__init__(earth, max_step_s, drag_step_s)
        self.drag = bool(drag)
        self.kind = KIND_DRAG if drag else KIND_BALLISTIC
        self.dim = 7 if drag else 6
        self.q_m2_s3 = float(q_m2_s3)
        self.q_inv_beta = float(q_inv_beta)

    def _q(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        return np.full(n, self.q_m2_s3), np.full(n, self.q_inv_beta)


@dataclass
class BoostMode:
    """Per-track adaptation state of :class:`BoostAdaptive` (arrays of length n)."""

    boosting: np.ndarray   # (n,) bool: thrust state active
    quiet: np.ndarray      # (n,) int: consecutive updates with insignificant thrust
    nis_bar: np.ndarray    # (n,) fading-memory average of NIS/m

    @classmethod
    def start(cls, n: int) -> BoostMode:
        return cls(np.ones(n, bool), np.zeros(n, np.int64), np.ones(n))


class BoostAdaptive(_EcefModel):
    """Booster: thrust acceleration a_T (m/s²) along the Earth-relative velocity, adaptive noise.

    Chosen over an IMM (boost + ballistic): the state stays one Gaussian per track, so the
    generic EKF/UKF update, gating and fusion take it unchanged; an IMM needs per-model states,
    likelihoods and mixing in the tracker. The scheme is the variable-dimension filter of
    Bar-Shalom & Birmiwal, IEEE Trans. AES-18 (1982) 621–629 (also Bar-Shalom, Li & Kirubarajan
    2001, §11.6), with the booster model of Li & Jilkov, "Survey of maneuvering target tracking,
    Part II: motion models of ballistic and space targets", IEEE Trans. AES 46 (2010) 96–119
    (thrust along velocity in a gravity turn):

        v̇ = g_J2 − 2ω×v − ω×(ω×r) + a_T v/|v|,   ȧ_T = w_T (random walk, q_thrust m²/s⁵)

    * **boosting**: a_T estimated with a large ``q_thrust_m2_s5`` (stage thrust rises as mass
      burns, by ~1–2 m/s³, and drops by tens of m/s² at staging) and ``q_boost_m2_s3`` on each
      axis (pitch programme, drag: a booster is never exactly in a gravity turn).
    * **burnout**: the normalised thrust estimate â_T²/P_aa stays below χ²₁(0.99) = 6.63 for
      ``n_quiet`` updates → coasting: a_T is pinned to 0 (variance ``1e-6``) and the model is
      :class:`BallisticEcef` without drag, with ``q_coast_m2_s3``.
    * **re-ignition**: the fading-memory average ε̄ of NIS/m (memory ``nis_memory``) of a
      coasting track above ``nis_reopen`` re-opens the thrust state with variance
      ``reopen_sigma_m_s2``² (Bar-Shalom & Birmiwal's detection of manoeuvre onset).

    Defaults: q_thrust = 100 m²/s⁵ (σ of a_T grows 10 m/s² per √s: follows the third stage's
    ~1.4 m/s³ rise and absorbs a 41 m/s² staging drop within a few 1 s plots), q_boost = 1
    m²/s³, q_coast = 1e-4 m²/s³ (looser than midcourse: post-boost residuals and manoeuvres).

    Use :meth:`predict` with the tracks' :class:`BoostMode` and call :meth:`adapt` after each
    update. Drag is absorbed into a_T during boost (it lies along −v too).
    """

    def __init__(self, *, q_boost_m2_s3: float = 1.0, q_thrust_m2_s5: float = 100.0,
                 q_coast_m2_s3: float = 1e-4, n_quiet: int = 3, nis_memory: float = 0.8,
                 nis_reopen: float = 5.0, reopen_sigma_m_s2: float = 30.0,
                 earth: EarthModel | None = None, max_step_s: float = 1.0) -> None:
        super().__init__(earth, max_step_s, max_step_s)
        self.kind = KIND_THRUST
        self.dim = 7
        self.q_boost_m2_s3, self.q_thrust_m2_s5 = float(q_boost_m2_s3), float(q_thrust_m2_s5)
        self.q_coast_m2_s3 = float(q_coast_m2_s3)
        self.n_quiet, self.nis_memory = int(n_quiet), float(nis_memory)
        self.nis_reopen, self.reopen_sigma_m_s2 = float(nis_reopen), float(reopen_sigma_m_s2)

    def _q(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        return np.full(n, self.q_boost_m2_s3), np.full(n, self.q_thrust_m2_s5)

    def predict(self, x: np.ndarray, P: np.ndarray, dt_s: np.ndarray,
                mode: BoostMode | None = None) -> tuple[np.ndarray, np.ndarray]:
        """States (n, 7) and covariances advanced by ``dt_s``; all boosting without ``mode``."""
        n = np.shape(x)[0]
        boost = np.ones(n, bool) if mode is None else mode.boosting
        x, P = np.array(x, np.float64), np.array(P, np.float64)
        _pin_thrust(x, P, ~boost)
        q = (np.where(boost, self.q_boost_m2_s3, self.q_coast_m2_s3),
             np.where(boost, self.q_thrust_m2_s5, 0.0))
        xn, Pn, _ = self._run(x, P, dt_s, q)
        return xn, Pn

    def adapt(self, mode: BoostMode, x: np.ndarray, P: np.ndarray, nis: np.ndarray,
              dim_z: int | np.ndarray) -> tuple[BoostMode, np.ndarray, np.ndarray]:
        """Mode switches after an update with normalised innovation squared ``nis`` (n,)."""
        eps = self.nis_memory * mode.nis_bar + (1.0 - self.nis_memory) * nis / dim_z
        sig = x[:, 6] ** 2 / np.maximum(P[:, 6, 6], 1e-300)
        quiet = np.where(mode.boosting & (sig < 6.63), mode.quiet + 1, 0)
        off = mode.boosting & (quiet >= self.n_quiet)
        on = ~mode.boosting & (eps > self.nis_reopen)
        boosting = (mode.boosting & ~off) | on
        x, P = x.copy(), P.copy()
        _pin_thrust(x, P, off)
        P[on, 6, 6] = self.reopen_sigma_m_s2 ** 2
        eps = np.where(on | off, 1.0, eps)
        return BoostMode(boosting, np.where(boosting, quiet, 0), eps), x, P


def _pin_thrust(x: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    """a_T := 0 with variance 1e-6 (m/s²)² and no correlations, for tracks ``idx`` (in place)."""
    x[idx, 6] = 0.0
    P[idx, 6, :] = 0.0
    P[idx, :, 6] = 0.0
    P[idx, 6, 6] = 1e-6
