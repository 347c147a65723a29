"""Numba kernel: vectorised propagation of many vehicles over the rotating Earth.

Each vehicle is integrated independently (``prange`` over vehicles) in the Earth-fixed frame

    r̈ = g_J2(r) + (F/m) û − ½ ρ(h) |v| v (C_D A)/m − 2 ω × v − ω × (ω × r)

(the rotating-frame terms are the relative-acceleration formula of H. D. Curtis, *Orbital Mechanics
for Engineering Students*, 3rd ed. (2014), §1.7 "Relative motion", with a constant ω; gravity
:mod:`tocsin.earth.gravity`, height :func:`tocsin.earth.wgs84.radial_height_m`, air
:func:`tocsin.earth.atmosphere.spline_density`), with
the Dormand–Prince 5(4) embedded pair and adaptive steps (Dormand & Prince, *J. Comput. Appl. Math.*
6 (1980) 19–26; Hairer, Nørsett & Wanner, *Solving ODEs I*, Table 5.2). Steps end exactly on every
segment boundary (ignition, staging, pitch programme, cut-off), so thrust and mass are smooth
within a step. Samples and events (apogee, impact) come from the pair's own 4th-order continuous
extension within the step.

Layouts (float64): ``P[v, :]`` per-vehicle parameters (columns ``P_*``), ``S[v, k, :]`` segments
(columns ``S_*``), ``E`` Earth-model flags (``E_*``), ``summary[v, :]`` results (``O_*``).
Built and read by :mod:`tocsin.flight.propagate`; nothing here is public API.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from tocsin.earth.atmosphere import SPLINE_TOP_M, spline_density
from tocsin.earth.gravity import gravity_j2_xyz
from tocsin.earth.wgs84 import radial_height_m

# --- per-vehicle parameters P[v, :]
P_T_LAUNCH, P_R0, P_V0, P_UP, P_HDIR = 0, 1, 4, 7, 10
P_KICK, P_KICK_T0, P_KICK_DUR, P_NSEG, P_T_BURNOUT, P_ORBITAL, P_T_MAX = 13, 14, 15, 16, 17, 18, 19
N_P = 20
# --- segments S[v, k, :]
S_T0, S_T1, S_THRUST, S_MDOT, S_M0, S_CDA, S_STEER, S_BURN = 0, 1, 2, 3, 4, 5, 6, 7
N_S = 8
STEER_NONE, STEER_VERTICAL, STEER_PITCH_OVER, STEER_GRAVITY_TURN, STEER_HORIZONTAL = 0, 1, 2, 3, 4
# --- Earth model E[:] (E_B, E_E2: the surface of :meth:`EarthModel.height_figure`)
E_OMEGA, E_J2, E_A, E_MU, E_DRAG, E_E2, E_RTOL, E_H_MAX, E_B = range(9)
N_E = 9
# --- summary O[v, :]
O_T_BURNOUT, O_R_BO, O_V_BO, O_APOGEE_ALT, O_T_APOGEE, O_T_IMPACT, O_R_IMPACT, O_V_IMPACT = (
    0, 1, 4, 7, 8, 9, 10, 13)
O_STATUS, O_N_STEPS, O_MAX_ALT = 16, 17, 18
N_O = 19
STATUS_IMPACTED, STATUS_FLYING, STATUS_STEP_FAILURE = 0, 1, 2
# --- phases
PHASE_PRELAUNCH, PHASE_BOOST, PHASE_MIDCOURSE, PHASE_REENTRY, PHASE_GROUND, PHASE_ORBIT = range(6)
REENTRY_ALT_M = 100e3
# Drag is neglected above the density spline's top (600 km, ρ ≈ 1e-13 kg/m³; see SPLINE_TOP_M).
DRAG_TOP_M = SPLINE_TOP_M
# Fast-math without the no-NaN/no-Inf assumptions: NaN stays meaningful in summaries.
_FAST = {"contract", "arcp", "afn", "reassoc", "nsz"}
T_GO_MAX_S = 2000.0

# Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, Table 5.2).
C2, C3, C4, C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
A21 = 1 / 5
A31, A32 = 3 / 40, 9 / 40
A41, A42, A43 = 44 / 45, -56 / 15, 32 / 9
A51, A52, A53, A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
A61, A62, A63, A64, A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
B1, B3, B4, B5, B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
D1, D3, D4, D5, D6, D7 = (71 / 57600, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525,
                          -1 / 40)
# Dense-output coefficients P[i, j] (row i = stage, column j = power s^(j+1)); row 1 is zero.
DP10, DP20, DP30 = -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432
DP12, DP22, DP32 = 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799
DP13, DP23, DP33 = -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072
DP14, DP24, DP34 = (127303824393 / 49829197408, -318862633887 / 49829197408,
                    701980252875 / 199316789632)
DP15, DP25, DP35 = -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844
DP16, DP26, DP36 = 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def altitude_m(x: float, y: float, z: float, E: np.ndarray) -> float:
    """Height (m) above the model's surface along the radius (:func:`radial_height_m`)."""
    return radial_height_m(x, y, z, E[E_B], E[E_E2])


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _thrust_dir(tau, steer, x, yy, z, vx, vy, vz, Pv):
    """Unit thrust direction (ECEF) of steering law ``steer`` at time τ (s after launch)."""
    ux, uy, uz = 0.0, 0.0, 0.0
    if steer == STEER_VERTICAL:
        ux, uy, uz = Pv[P_UP], Pv[P_UP + 1], Pv[P_UP + 2]
    elif steer == STEER_PITCH_OVER:
        frac = (tau - Pv[P_KICK_T0]) / Pv[P_KICK_DUR]
        frac = min(max(frac, 0.0), 1.0)
        th = Pv[P_KICK] * frac
        c, s = np.cos(th), np.sin(th)
        ux = c * Pv[P_UP] + s * Pv[P_HDIR]
        uy = c * Pv[P_UP + 1] + s * Pv[P_HDIR + 1]
        uz = c * Pv[P_UP + 2] + s * Pv[P_HDIR + 2]
    else:
        vn = np.sqrt(vx * vx + vy * vy + vz * vz)
        if vn > 0.0:
            ux, uy, uz = vx / vn, vy / vn, vz / vn
        if steer == STEER_HORIZONTAL:
            rn2 = x * x + yy * yy + z * z
            d = (ux * x + uy * yy + uz * z) / rn2
            ux, uy, uz = ux - d * x, uy - d * yy, uz - d * z
            un = np.sqrt(ux * ux + uy * uy + uz * uz)
            if un > 0.0:
                ux, uy, uz = ux / un, uy / un, uz / un
    return ux, uy, uz


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _deriv(tau, y, out, seg, Pv, Sv, E, alt0, dalt, spline):
    """out = dy/dτ for y = (r, v) in ECEF, with segment ``seg`` held fixed over the step."""
    x, yy, z, vx, vy, vz = y[0], y[1], y[2], y[3], y[4], y[5]
    gx, gy, gz = gravity_j2_xyz(x, yy, z, E[E_MU], E[E_J2], E[E_A])
    w = E[E_OMEGA]
    # Coriolis −2ω×v and centrifugal −ω×(ω×r), ω = (0, 0, w).
    ax = gx + 2.0 * w * vy + w * w * x
    ay = gy - 2.0 * w * vx + w * w * yy
    az = gz
    m = Sv[seg, S_M0] - Sv[seg, S_MDOT] * (tau - Sv[seg, S_T0])
    thrust = Sv[seg, S_THRUST]
    if thrust > 0.0:
        ux, uy, uz = _thrust_dir(tau, int(Sv[seg, S_STEER]), x, yy, z, vx, vy, vz, Pv)
        f = thrust / m
        ax += f * ux
        ay += f * uy
        az += f * uz
    if E[E_DRAG] > 0.5 and np.sqrt(x * x + yy * yy + z * z) - E[E_A] < DRAG_TOP_M:
        rho, _ = spline_density(radial_height_m(x, yy, z, E[E_B], E[E_E2]), alt0, dalt, spline)
        if rho > 1e-30:
            vn = np.sqrt(vx * vx + vy * vy + vz * vz)
            k = 0.5 * rho * vn * Sv[seg, S_CDA] / m
            ax -= k * vx
            ay -= k * vy
            az -= k * vz
    out[0], out[1], out[2] = vx, vy, vz
    out[3], out[4], out[5] = ax, ay, az


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _dense(y0, k, h, s, out):
    """Dormand–Prince continuous extension (4th order) at fraction s of the step.

    y(t0 + s h) = y0 + h Σ_i k_i (P_i1 s + P_i2 s² + P_i3 s³ + P_i4 s⁴); coefficients from
    Shampine, "Some practical Runge–Kutta formulas", Math. Comp. 46 (1986), as in Hairer's
    DOPRI5 and SciPy's RK45.
    """
    s2 = s * s
    s3 = s2 * s
    s4 = s3 * s
    q0 = s + DP10 * s2 + DP20 * s3 + DP30 * s4
    q2 = DP12 * s2 + DP22 * s3 + DP32 * s4
    q3 = DP13 * s2 + DP23 * s3 + DP33 * s4
    q4 = DP14 * s2 + DP24 * s3 + DP34 * s4
    q5 = DP15 * s2 + DP25 * s3 + DP35 * s4
    q6 = DP16 * s2 + DP26 * s3 + DP36 * s4
    for i in range(6):
        out[i] = y0[i] + h * (q0 * k[0, i] + q2 * k[2, i] + q3 * k[3, i] + q4 * k[4, i]
                              + q5 * k[5, i] + q6 * k[6, i])


@njit(cache=True)
def _segment_at(tau, Sv, nseg):
    for k in range(nseg):
        if tau < Sv[k, S_T1]:
            return k
    return nseg - 1


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _pad_samples(v, j, x, t_samples, t_launch, out_r, out_v, out_phase, out_burn):
    """Samples before launch sit on the pad at ``x`` (ECEF r, m); returns the next index."""
    n_t = t_samples.shape[0]
    while j < n_t and t_samples[j] - t_launch < 0.0:
        for i in range(3):
            out_r[v, j, i] = x[i]
            out_v[v, j, i] = 0.0
        out_phase[v, j] = PHASE_PRELAUNCH
        out_burn[v, j] = False
        j += 1
    return j


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _dp_stages(tau, hh, y, k, yi, y1, seg, Pv, Sv, E, alt0, dalt, spline):
    """One Dormand–Prince 5(4) step of ``hh`` from (τ, y) with k[0] = f(τ, y) already set:
    stages k[1..6] and the 5th-order solution y1 (k[6] = f(τ + hh, y1), FSAL)."""
    for i in range(6):
        yi[i] = y[i] + hh * A21 * k[0, i]
    _deriv(tau + C2 * hh, yi, k[1], seg, Pv, Sv, E, alt0, dalt, spline)
    for i in range(6):
        yi[i] = y[i] + hh * (A31 * k[0, i] + A32 * k[1, i])
    _deriv(tau + C3 * hh, yi, k[2], seg, Pv, Sv, E, alt0, dalt, spline)
    for i in range(6):
        yi[i] = y[i] + hh * (A41 * k[0, i] + A42 * k[1, i] + A43 * k[2, i])
    _deriv(tau + C4 * hh, yi, k[3], seg, Pv, Sv, E, alt0, dalt, spline)
    for i in range(6):
        yi[i] = y[i] + hh * (A51 * k[0, i] + A52 * k[1, i] + A53 * k[2, i] + A54 * k[3, i])
    _deriv(tau + C5 * hh, yi, k[4], seg, Pv, Sv, E, alt0, dalt, spline)
    for i in range(6):
        yi[i] = y[i] + hh * (A61 * k[0, i] + A62 * k[1, i] + A63 * k[2, i] + A64 * k[3, i]
                             + A65 * k[4, i])
    _deriv(tau + hh, yi, k[5], seg, Pv, Sv, E, alt0, dalt, spline)
    for i in range(6):
        y1[i] = y[i] + hh * (B1 * k[0, i] + B3 * k[2, i] + B4 * k[3, i] + B5 * k[4, i]
                             + B6 * k[5, i])
    _deriv(tau + hh, y1, k[6], seg, Pv, Sv, E, alt0, dalt, spline)


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _error_norm(y, k, hh, rtol, E):
    """Largest scaled component of the embedded error estimate (accept the step if ≤ 1).

    Error norm in metres of position: a velocity error δv becomes δv·t_go at impact, so
    velocity is weighed by the time to go (the descent time below 100 km, else t_go_max).
    """
    sc_r = rtol * np.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]) + 1e-3
    vr = (y[0] * y[3] + y[1] * y[4] + y[2] * y[5]) / np.sqrt(y[0] * y[0] + y[1] * y[1]
                                                               + y[2] * y[2])
    t_go = T_GO_MAX_S
    if vr < 0.0:
        hy = altitude_m(y[0], y[1], y[2], E)
        if hy < REENTRY_ALT_M:
            t_go = min(max(hy / -vr, 1.0), T_GO_MAX_S)
    sc_v = sc_r / t_go
    err = 0.0
    for i in range(6):
        e = hh * (D1 * k[0, i] + D3 * k[2, i] + D4 * k[3, i] + D5 * k[4, i] + D6 * k[5, i]
                  + D7 * k[6, i])
        err = max(err, abs(e) / (sc_r if i < 3 else sc_v))
    return err


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _apogee_fraction(y, k, hh, yi):
    """Fraction s of the step where r·v changes sign (+ → −), by bisection on the dense output."""
    lo, hi = 0.0, 1.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        _dense(y, k, hh, mid, yi)
        if yi[0] * yi[3] + yi[1] * yi[4] + yi[2] * yi[5] > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _impact_fraction(y, k, hh, yi, E):
    """Fraction s of the step where the height crosses zero (+ → −), by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        _dense(y, k, hh, mid, yi)
        if altitude_m(yi[0], yi[1], yi[2], E) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _dense_coefficients(k, hh, cp):
    """Dense-output polynomial of the step, once: y(s) = y0 + Σ_p cp[p-1] s^p (p = 1..4)."""
    for i in range(6):
        cp[0, i] = hh * (k[0, i] + 0.0)
        cp[1, i] = hh * (DP10 * k[0, i] + DP12 * k[2, i] + DP13 * k[3, i]
                         + DP14 * k[4, i] + DP15 * k[5, i] + DP16 * k[6, i])
        cp[2, i] = hh * (DP20 * k[0, i] + DP22 * k[2, i] + DP23 * k[3, i]
                         + DP24 * k[4, i] + DP25 * k[5, i] + DP26 * k[6, i])
        cp[3, i] = hh * (DP30 * k[0, i] + DP32 * k[2, i] + DP33 * k[3, i]
                         + DP34 * k[4, i] + DP35 * k[5, i] + DP36 * k[6, i])


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _write_step_samples(v, j, tau, hh, t_cut, y, k, cp, yi, t_samples, t_launch, t_bo,
                        burn_seg, orbital, low_step, E, out_r, out_v, out_phase, out_burn):
    """Write the samples within (τ, t_cut] of an accepted step; returns the next index.

    Phase: boost before burnout (``burn_seg``: the motor burns in this segment), then orbit,
    reentry (descending below 100 km, possible only in a ``low_step``) or midcourse.
    """
    n_t = t_samples.shape[0]
    if j < n_t and t_samples[j] - t_launch <= t_cut:
        _dense_coefficients(k, hh, cp)
    while j < n_t and t_samples[j] - t_launch <= t_cut:
        ts = t_samples[j] - t_launch
        sf = (ts - tau) / hh
        for i in range(6):
            yi[i] = y[i] + sf * (cp[0, i] + sf * (cp[1, i] + sf * (cp[2, i] + sf * cp[3, i])))
        for i in range(3):
            out_r[v, j, i] = yi[i]
            out_v[v, j, i] = yi[3 + i]
        if ts < t_bo:
            out_phase[v, j] = PHASE_BOOST
            out_burn[v, j] = burn_seg
        else:
            out_burn[v, j] = False
            if orbital:
                out_phase[v, j] = PHASE_ORBIT
            elif (low_step and yi[0] * yi[3] + yi[1] * yi[4] + yi[2] * yi[5] < 0.0
                  and altitude_m(yi[0], yi[1], yi[2], E) < REENTRY_ALT_M):
                out_phase[v, j] = PHASE_REENTRY
            else:
                out_phase[v, j] = PHASE_MIDCOURSE
        j += 1
    return j


@njit(cache=True, inline="always", error_model="numpy", fastmath=_FAST)
def _fill_after_end(v, j, impacted, summ, out_r, out_v, out_phase, out_burn):
    """Samples after impact lie at the impact point; samples past the end of a flight still
    going are unknown (NaN, phase −1)."""
    n_t = out_phase.shape[1]
    while j < n_t:
        if impacted:
            for i in range(3):
                out_r[v, j, i] = summ[O_R_IMPACT + i]
                out_v[v, j, i] = 0.0
            out_phase[v, j] = PHASE_GROUND
        else:
            for i in range(3):
                out_r[v, j, i] = np.nan
                out_v[v, j, i] = np.nan
            out_phase[v, j] = -1
        out_burn[v, j] = False
        j += 1


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _fly_one(v, P, S, E, alt0, dalt, spline, t_samples, out_r, out_v, out_phase, out_burn,
             summary):
    """Fly vehicle ``v`` from launch to impact (or the end), writing its samples and summary."""
    Pv = P[v]
    Sv = S[v]
    nseg = int(Pv[P_NSEG])
    rtol = E[E_RTOL]
    h_max = E[E_H_MAX]
    n_t = t_samples.shape[0]
    t_launch = Pv[P_T_LAUNCH]
    y = np.empty(6)
    y1 = np.empty(6)
    yi = np.empty(6)
    k = np.empty((7, 6))
    cp = np.empty((4, 6))
    for i in range(3):
        y[i] = Pv[P_R0 + i]
        y[3 + i] = Pv[P_V0 + i]
    summ = summary[v]
    summ[:] = np.nan
    summ[O_STATUS] = STATUS_FLYING
    summ[O_MAX_ALT] = altitude_m(y[0], y[1], y[2], E)
    j = _pad_samples(v, 0, y, t_samples, t_launch, out_r, out_v, out_phase, out_burn)
    tau = 0.0
    tau_end = Pv[P_T_MAX]
    if n_t > 0:
        tau_end = min(tau_end, t_samples[n_t - 1] - t_launch)
    t_bo = Pv[P_T_BURNOUT]
    orbital = Pv[P_ORBITAL] > 0.5
    if t_bo <= 0.0:
        summ[O_T_BURNOUT] = 0.0
        for i in range(6):
            summ[O_R_BO + i] = y[i]
    seg = _segment_at(tau, Sv, nseg)
    h_prev = altitude_m(y[0], y[1], y[2], E)
    _deriv(tau, y, k[0], seg, Pv, Sv, E, alt0, dalt, spline)
    h = min(1.0, h_max)
    n_steps = 0
    impacted = False
    apogee_found = False
    while tau < tau_end and n_steps < 200000:
        seg = _segment_at(tau, Sv, nseg)
        t_stop = min(Sv[seg, S_T1], tau_end)
        if seg == nseg - 1:
            t_stop = tau_end
        hh = min(h, t_stop - tau)
        last_in_seg = hh >= t_stop - tau
        _dp_stages(tau, hh, y, k, yi, y1, seg, Pv, Sv, E, alt0, dalt, spline)
        err = _error_norm(y, k, hh, rtol, E)
        if err > 1.0 and hh > 1e-6:
            h = hh * max(0.2, 0.9 * err ** -0.2)
            continue
        n_steps += 1
        tau1 = t_stop if last_in_seg else tau + hh
        # --- events within the step: apogee (r·v: + → −), impact (h: + → −) after burnout.
        rv0 = y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
        rv1 = y1[0] * y1[3] + y1[1] * y1[4] + y1[2] * y1[5]
        if not apogee_found and rv0 > 0.0 and rv1 <= 0.0:
            s_apo = _apogee_fraction(y, k, hh, yi)
            _dense(y, k, hh, s_apo, yi)
            summ[O_APOGEE_ALT] = altitude_m(yi[0], yi[1], yi[2], E)
            summ[O_MAX_ALT] = max(summ[O_MAX_ALT], summ[O_APOGEE_ALT])
            summ[O_T_APOGEE] = tau + s_apo * hh
            apogee_found = True
        h1 = altitude_m(y1[0], y1[1], y1[2], E)
        if h1 > summ[O_MAX_ALT]:
            summ[O_MAX_ALT] = h1
        s_end = 1.0
        if tau1 > t_bo and h1 < 0.0 and Pv[P_ORBITAL] < 0.5:
            s_end = _impact_fraction(y, k, hh, yi, E)
            impacted = True
        # --- samples within (tau, tau + s_end·hh]
        t_cut = tau + s_end * hh
        # Reentry is possible within the step only if an end of it is low (a ballistic arc has
        # no altitude minimum inside a step above the reentry height: it would be an impact).
        low_step = min(h_prev, h1) < REENTRY_ALT_M + 1.0
        j = _write_step_samples(v, j, tau, hh, t_cut, y, k, cp, yi, t_samples, t_launch, t_bo,
                                Sv[seg, S_BURN] > 0.5, orbital, low_step, E, out_r, out_v,
                                out_phase, out_burn)
        if impacted:
            _dense(y, k, hh, s_end, yi)
            summ[O_T_IMPACT] = t_cut
            for i in range(3):
                summ[O_R_IMPACT + i] = yi[i]
                summ[O_V_IMPACT + i] = yi[3 + i]
            summ[O_STATUS] = STATUS_IMPACTED
            tau = t_cut
            break
        for i in range(6):
            y[i] = y1[i]
        h_prev = h1
        tau = tau1
        if last_in_seg and abs(tau - t_bo) < 1e-9:
            summ[O_T_BURNOUT] = tau
            for i in range(6):
                summ[O_R_BO + i] = y[i]
        # Next step: FSAL unless a segment boundary was crossed.
        if last_in_seg:
            seg2 = _segment_at(tau, Sv, nseg)
            _deriv(tau, y, k[0], seg2, Pv, Sv, E, alt0, dalt, spline)
        else:
            for i in range(6):
                k[0, i] = k[6, i]
        fac = 5.0 if err < 1e-10 else min(5.0, max(0.2, 0.9 * err ** -0.2))
        h = min(hh * fac, h_max) if not last_in_seg else min(max(h, hh * fac), h_max)
    summ[O_N_STEPS] = n_steps
    if n_steps >= 200000:
        summ[O_STATUS] = STATUS_STEP_FAILURE
    _fill_after_end(v, j, impacted, summ, out_r, out_v, out_phase, out_burn)


@njit(cache=True, parallel=True)
def fly_batch(P, S, E, alt0, dalt, spline, t_samples, out_r, out_v, out_phase, out_burn,
              summary):
    """Propagate every vehicle of ``P``/``S``; fills the sample arrays and ``summary``."""
    for v in prange(P.shape[0]):
        _fly_one(v, P, S, E, alt0, dalt, spline, t_samples, out_r, out_v, out_phase, out_burn,
                 summary)


@njit(cache=True)
def fly_serial(P, S, E, alt0, dalt, spline, t_samples, out_r, out_v, out_phase, out_burn,
               summary):
    """:func:`fly_batch` on one thread: cheaper for the small batches of targeting."""
    for v in range(P.shape[0]):
        _fly_one(v, P, S, E, alt0, dalt, spline, t_samples, out_r, out_v, out_phase, out_burn,
                 summary)
