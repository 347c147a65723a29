"""U.S. Standard Atmosphere 1976, from -5 km to 1,000 km geometric altitude.

Implemented from the model's own definition in "U.S. Standard Atmosphere, 1976", NOAA-S/T 76-1562
(NOAA, NASA, USAF, October 1976; also NASA TM-X-74335), cited below as *USSA76*:

- -5 to 86 km: seven geopotential layers of linear molecular-scale temperature T_M (Table 4), the
  hydrostatic closed forms for p, rho = p M0 / (R* T_M), kinetic temperature T = T_M (M/M0) with
  the molecular-weight ratio of Table 8 between 80 and 86 km.
- 86 to 1,000 km: the kinetic-temperature profile of Table 5 (isothermal 86-91 km, elliptical
  91-110 km, linear 110-120 km, exponential above with T_inf = 1000 K, lambda = 0.01875 /km) and
  the number densities of N2, O, O2, Ar, He and H from the diffusion equations with the eddy
  diffusion K(Z), the molecular-diffusion coefficients a_i, b_i, alpha_i (Table 6), the vertical
  flow terms Q_i, U_i, W_i, q_i, u_i, w_i (Table 7) and the upward hydrogen flux; the integrals
  are evaluated with the trapezoid rule on a 25 m grid (relative error ~4e-7). Then
  p = n k T and rho = sum(n_i M_i) / N_A. The choice of the mean molecular weight in the
  mixing term (M0 below 100 km, the mean of the species already computed above) and of the
  background density in D_i (N2 for O and O2; N2+O+O2 for Ar and He; all five for H) follows
  S. S. Pietrobon's implementation (sworld.com.au/steven/space/atmosphere, 1999), which reproduces
  the published number densities to 0.05 %.

Queries are answered from a table on a uniform geometric-altitude grid (:data:`ALT0_M`,
:data:`DALT_M`), built once on first use: linear interpolation in temperature and in the logarithms
of pressure, density and number density (error < 0.1 % against :func:`us1976_exact`). Above
1,000 km, ln(density) is extrapolated linearly with the slope of the last grid interval (the
density scale height at 1,000 km, ~ 240 km), temperature and mean molecular weight are held at
their 1,000 km values, and pressure and number density scale with density. A NaN altitude gives
NaN in every field; an altitude below -5 km raises :class:`~tocsin.errors.InputError`. The two
parts meet at 86 km with a 0.07 % step in pressure: the standard's 86 km number densities give
n k T slightly below its lower-atmosphere pressure; 86 km itself belongs to the lower part.

The compiled kernels (flight truth, tracking filters) read density from one C² cubic spline of
rho on the same grid up to :data:`SPLINE_TOP_M` (:func:`density_spline`), evaluated by the scalar
numba kernel :func:`spline_density` (rho and d rho/dh).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

from tocsin.errors import InputError

__all__ = [
    "ALT0_M",
    "DALT_M",
    "ALT_TOP_M",
    "R0_M",
    "Atmosphere",
    "us1976",
    "us1976_exact",
    "upper_species_m3",
    "SPECIES",
    "density_kg_m3",
    "density_table",
    "density_spline",
    "spline_density",
    "SPLINE_TOP_M",
    "to_geopotential_m",
    "to_geometric_m",
]

# --- USSA76 Table 2 constants (SI) ---------------------------------------------------------------
R0_M: float = 6_356_766.0
"""Effective Earth radius for geopotential altitude, metres (USSA76 Table 2)."""
_G0 = 9.80665  # m/s^2, also m^2/(s^2 m') for geopotential metres
_RSTAR = 8314.32  # J/(kmol K), gas constant
_NA = 6.022169e26  # 1/kmol, Avogadro constant
_KB = 1.380622e-23  # J/K, Boltzmann constant (= R*/N_A)
_M0 = 28.9644  # kg/kmol, sea-level mean molecular weight
_GAMMA = 1.40  # ratio of specific heats
_T0_K = 288.15
_P0_PA = 101_325.0

# --- Lower atmosphere: USSA76 Table 4 (geopotential bases, molecular-scale lapse rates) ----------
_HB_M = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0])
_LM_K_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
# USSA76 Table 8: M/M0 from 80 to 86 km geometric, every 0.5 km (linear in between).
_MRATIO_Z_M = np.arange(80_000.0, 86_001.0, 500.0)
_MRATIO = np.array([1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
                    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579])

# --- Upper atmosphere: USSA76 Tables 5-7 and the 86 km / 500 km boundary values ------------------
_Z7, _Z8, _Z9, _Z10 = 86_000.0, 91_000.0, 110_000.0, 120_000.0  # m, temperature-profile bases
_T7, _T9, _T10, _TINF = 186.8673, 240.0, 360.0, 1000.0  # K
_TC, _A_ELL, _a_ELL = 263.1905, -76.3232, -19_942.9  # K, K, m (elliptical segment)
_LK9 = 12.0e-3  # K/m, linear segment
_LAMBDA = 0.01875e-3  # 1/m, exponential segment
_K7, _ZK0, _ZK1 = 120.0, 95_000.0, 115_000.0  # m^2/s eddy diffusion; m, m where it decays to 0
_ZM = 100_000.0  # m, the mixing term uses M0 below, the species' mean above
_ZH, _Z11 = 150_000.0, 500_000.0  # m, hydrogen region start and reference level
_NH_500 = 8.0e10  # 1/m^3, H at 500 km
_PHI_H = 7.2e11  # 1/(m^2 s), upward hydrogen flux
_TOP_M = 1_000_000.0

# Species N2, O, O2, Ar, He, H: molecular weights (kg/kmol), number densities at 86 km (1/m^3).
_MI = np.array([28.0134, 15.9994, 31.9988, 39.948, 4.0026, 1.00797])
_N7 = np.array([1.129794e20, 8.6e16, 3.030898e19, 1.3514e18, 7.58173e14])
# Table 6: molecular diffusion D_i = a_i (T/273.15)^b_i / n, thermal-diffusion alpha_i.
_DIFF = {"O": (6.986e20, 0.750, 0.0), "O2": (4.863e20, 0.750, 0.0), "Ar": (4.487e20, 0.870, 0.0),
         "He": (1.700e21, 0.691, -0.40), "H": (3.305e21, 0.500, -0.25)}
# Table 7: v_i/(D_i+K) = Q (Z-U)^2 exp(-W (Z-U)^3) [+ q (u-Z)^2 exp(-w (u-Z)^3), O below 97 km],
# converted to SI: Q, W in 1/m^3, U in m.
_FLOW = {"O": (-5.809644e-13, 56_903.11, 2.706240e-14),
         "O2": (1.366212e-13, 86_000.0, 8.333333e-14),
         "Ar": (9.434079e-14, 86_000.0, 8.333333e-14),
         "He": (-2.457369e-13, 86_000.0, 6.666667e-13)}
_FLOW_O_LOW = (-3.416248e-12, 97_000.0, 5.008765e-13)

# --- Table grid -----------------------------------------------------------------------------------
ALT0_M: float = -5_000.0
"""Geometric altitude of the first table node, metres."""
DALT_M: float = 100.0
"""Uniform spacing of the table, metres; node i is at ``ALT0_M + i * DALT_M``."""
ALT_TOP_M: float = _TOP_M
"""Geometric altitude of the last table node (top of the model), metres."""
SPLINE_TOP_M: float = 600e3
"""Top of :func:`density_spline`, metres: the compiled kernels neglect the air above (rho ≈ 1e-13
kg/m³ at 600 km would move a β = 15,000 kg/m² reentry vehicle by under a millimetre over a whole
flight, and a 500 kg/m² payload by about a centimetre)."""
_N_TABLE = int(round((ALT_TOP_M - ALT0_M) / DALT_M)) + 1
_DZ_INT_M = 25.0  # integration step of the upper-atmosphere quadrature


@dataclass(frozen=True)
class Atmosphere:
    """Atmospheric state at a set of geometric altitudes; every field has the query's shape.

    ``speed_of_sound_m_s`` is defined by USSA76 only up to 86 km and is NaN above.
    """

    temperature_k: np.ndarray
    """Kinetic temperature, K."""
    pressure_pa: np.ndarray
    """Pressure, Pa."""
    density_kg_m3: np.ndarray
    """Mass density, kg/m^3."""
    speed_of_sound_m_s: np.ndarray
    """Speed of sound sqrt(gamma R* T_M / M0), m/s; NaN above 86 km."""
    number_density_m3: np.ndarray
    """Total number density, 1/m^3."""
    molar_mass_kg_kmol: np.ndarray
    """Mean molecular weight, kg/kmol."""


def to_geopotential_m(alt_m: np.ndarray | float) -> np.ndarray:
    """Geopotential altitude (m') from geometric altitude (m): H = r0 Z / (r0 + Z)."""
    z = np.asarray(alt_m, dtype=np.float64)
    return R0_M * z / (R0_M + z)


def to_geometric_m(h_m: np.ndarray | float) -> np.ndarray:
    """Geometric altitude (m) from geopotential altitude (m'): Z = r0 H / (r0 - H)."""
    h = np.asarray(h_m, dtype=np.float64)
    return R0_M * h / (R0_M - h)


# --- Lower atmosphere (closed forms) --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    """Molecular-scale temperature (K) and pressure (Pa) at the 8 layer bases of Table 4."""
    tb, pb = np.empty(8), np.empty(8)
    tb[0], pb[0] = _T0_K, _P0_PA
    for b in range(7):
        dh = _HB_M[b + 1] - _HB_M[b]
        tb[b + 1] = tb[b] + _LM_K_M[b] * dh
        pb[b + 1] = _layer_pressure(pb[b], tb[b], _LM_K_M[b], dh)
    return tb, pb


def _layer_pressure(pb: ArrayLike, tb: ArrayLike, lm: ArrayLike, dh: ArrayLike) -> np.ndarray:
    """Pressure (Pa) at dh (m') above a base of pressure pb, temperature tb, lapse lm."""
    lm = np.asarray(lm, dtype=np.float64)
    pb, tb, dh = (np.asarray(a, dtype=np.float64) for a in (pb, tb, dh))
    iso = lm == 0.0
    lm_safe = np.where(iso, 1.0, lm)
    p_grad = pb * (tb / (tb + lm_safe * dh)) ** (_G0 * _M0 / (_RSTAR * lm_safe))
    p_iso = pb * np.exp(-_G0 * _M0 * dh / (_RSTAR * tb))
    return np.where(iso, p_iso, p_grad)


def _lower(z_m: np.ndarray) -> dict[str, np.ndarray]:
    """USSA76 below 86 km: kinetic T, T_M, p, rho, n at geometric altitudes z_m (m)."""
    tb, pb = _layer_bases()
    h = to_geopotential_m(z_m)
    b = np.clip(np.searchsorted(_HB_M, h, side="right") - 1, 0, 6)
    dh = h - _HB_M[b]
    tm = tb[b] + _LM_K_M[b] * dh
    p = _layer_pressure(pb[b], tb[b], _LM_K_M[b], dh)
    t = tm * np.interp(z_m, _MRATIO_Z_M, _MRATIO)
    rho = p * _M0 / (_RSTAR * tm)
    return {"t": t, "tm": tm, "p": p, "rho": rho, "n": _NA * p / (_RSTAR * t)}


# --- Upper atmosphere (diffusion equations) -------------------------------------------------------


def _upper_temperature(z_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kinetic temperature (K) and its gradient (K/m) for 86 <= Z <= 1000 km (Table 5)."""
    z = np.asarray(z_m, dtype=np.float64)
    x = np.clip((z - _Z8) / _a_ELL, -1.0, 0.0)
    root = np.sqrt(1.0 - x * x)
    xi = (z - _Z10) * (R0_M + _Z10) / (R0_M + z)
    expo = (_TINF - _T10) * np.exp(-_LAMBDA * xi)
    t = np.select([z < _Z8, z < _Z9, z < _Z10], [np.full_like(z, _T7), _TC + _A_ELL * root,
                                                 _T9 + _LK9 * (z - _Z9)], _TINF - expo)
    with np.errstate(divide="ignore", invalid="ignore"):
        dt_ell = -_A_ELL / _a_ELL * x / root
    dt_exp = _LAMBDA * ((R0_M + _Z10) / (R0_M + z)) ** 2 * expo
    dt = np.select([z < _Z8, z < _Z9, z < _Z10], [np.zeros_like(z), dt_ell,
                                                  np.full_like(z, _LK9)], dt_exp)
    return t, dt


def _eddy(z_m: np.ndarray) -> np.ndarray:
    """Eddy-diffusion coefficient K(Z), m^2/s: K7 to 95 km, decaying to 0 at 115 km."""
    u = np.minimum((z_m - _ZK0) ** 2, 0.999999 * (_ZK1 - _ZK0) ** 2)
    k_mid = _K7 * np.exp(1.0 - 4.0e8 / (4.0e8 - u))
    return np.where(z_m < _ZK0, _K7, np.where(z_m < _ZK1, k_mid, 0.0))


def _flow(name: str, z_m: np.ndarray) -> np.ndarray:
    """Vertical-flow term v_i/(D_i+K), 1/m (USSA76 Table 7)."""
    q, u, w = _FLOW[name]
    d = z_m - u
    out = q * d * d * np.exp(-w * d**3)
    if name == "O":
        q, u, w = _FLOW_O_LOW
        d = np.maximum(u - z_m, 0.0)
        out = out + q * d * d * np.exp(-w * d**3)
    return out


def _cumint(f_start: np.ndarray, f_end: np.ndarray, z_m: np.ndarray) -> np.ndarray:
    """Cumulative trapezoid integral over z_m, zero at z_m[0].

    Each interval [z_j, z_j+1] uses f_start[j] and f_end[j+1], the one-sided values of an
    integrand that may jump at a node (pass the same array twice for a continuous one).
    """
    out = np.zeros_like(f_start)
    np.cumsum(0.5 * (f_start[:-1] + f_end[1:]) * np.diff(z_m), out=out[1:])
    return out


def _upper(z_m: np.ndarray) -> np.ndarray:
    """Number densities (6, n) of N2, O, O2, Ar, He, H in 1/m^3 on a sorted grid from 86 km.

    The grid must start at 86 km, contain 100 km and 500 km and be fine (25 m steps give a
    relative error ~1e-5) for the trapezoid integrals of the diffusion equations.
    """
    t, dt = _upper_temperature(z_m)
    g = _G0 * (R0_M / (R0_M + z_m)) ** 2
    k = _eddy(z_m)
    rt = _RSTAR * t
    n = np.zeros((6, z_m.size))
    # The mean molecular weight in the mixing terms jumps at 100 km: evaluate each integrand as
    # the start (z >= 100 km counts as above) and as the end (z > 100 km) of an interval.
    sides = (z_m >= _ZM, z_m > _ZM)
    # N2: M0 below 100 km, M_N2 above.
    f = [np.where(above, _MI[0], _M0) * g / rt for above in sides]
    n[0] = _N7[0] * _T7 / t * np.exp(-_cumint(f[0], f[1], z_m))
    # O, O2 (background N2), then Ar, He (background N2+O+O2), with the flow term.
    for i, name, nb in ((1, "O", 1), (2, "O2", 1), (3, "Ar", 3), (4, "He", 3)):
        a, b, alpha = _DIFF[name]
        back = n[:nb].sum(axis=0)
        m_mean = (n[:nb] * _MI[:nb, None]).sum(axis=0) / back
        d = a * (t / 273.15) ** b / back
        diff = d * (_MI[i] + alpha * _RSTAR * dt / g)
        f = [(diff + np.where(above, m_mean, _M0) * k) / (d + k) * g / rt + _flow(name, z_m)
             for above in sides]
        n[i] = _N7[i] * _T7 / t * np.exp(-_cumint(f[0], f[1], z_m))
    # H: diffusion with upward flux phi, referred to 500 km, zero below 150 km.
    a, b, alpha = _DIFF["H"]
    above = z_m >= _ZH
    f_tau = np.where(above, g * _MI[5] / rt, 0.0)
    tau = _cumint(f_tau, f_tau, z_m)
    tau -= np.interp(_Z11, z_m, tau)
    t11 = _upper_temperature(np.array([_Z11]))[0][0]
    d = a * (t / 273.15) ** b / n[:5].sum(axis=0)
    f_flux = np.where(above, _PHI_H * (t / t11) ** (1.0 + alpha) * np.exp(tau) / d, 0.0)
    flux = _cumint(f_flux, f_flux, z_m)
    flux -= np.interp(_Z11, z_m, flux)
    n[5] = np.where(above, (t11 / t) ** (1.0 + alpha) * np.exp(-tau) * (_NH_500 - flux), 0.0)
    return n


def _state(z_m: np.ndarray, n_upper: np.ndarray | None) -> dict[str, np.ndarray]:
    """Exact state at sorted z_m; n_upper holds species densities for the points above 86 km."""
    out = {key: np.empty_like(z_m) for key in ("t", "p", "rho", "n", "a")}
    low = z_m <= _Z7
    s = _lower(z_m[low])
    out["t"][low], out["p"][low], out["rho"][low], out["n"][low] = s["t"], s["p"], s["rho"], s["n"]
    out["a"][low] = np.sqrt(_GAMMA * _RSTAR * s["tm"] / _M0)
    if n_upper is not None:
        hi = ~low
        t = _upper_temperature(z_m[hi])[0]
        ntot = n_upper.sum(axis=0)
        out["t"][hi], out["n"][hi] = t, ntot
        out["p"][hi] = ntot * _KB * t
        out["rho"][hi] = (n_upper * _MI[:, None]).sum(axis=0) / _NA
        out["a"][hi] = np.sqrt(_GAMMA * _RSTAR * t / _M0)  # continuation, masked by callers
    return out


def _fine_grid() -> np.ndarray:
    """Uniform integration grid from 86 km to 1,000 km, step _DZ_INT_M."""
    return _Z7 + _DZ_INT_M * np.arange(int(round((_TOP_M - _Z7) / _DZ_INT_M)) + 1)


def _check(alt_m: np.ndarray | float, top: bool = False, bottom_m: float = ALT0_M) -> np.ndarray:
    """Altitudes as a float64 array; InputError below bottom_m or (if top) above 1,000 km."""
    z = np.asarray(alt_m, dtype=np.float64)
    bad = z < bottom_m
    if np.any(bad):
        raise InputError("alt_m", z[bad].flat[0], f"a geometric altitude >= {bottom_m:.0f} m")
    bad = z > _TOP_M
    if top and np.any(bad):
        raise InputError("alt_m", z[bad].flat[0], f"a geometric altitude <= {_TOP_M:.0f} m")
    return z


SPECIES: tuple[str, ...] = ("N2", "O", "O2", "Ar", "He", "H")
"""Species of the upper atmosphere (86 to 1,000 km), in the order used throughout."""


def upper_species_m3(alt_m: np.ndarray | float) -> dict[str, np.ndarray]:
    """Number densities (1/m^3) of :data:`SPECIES` at geometric altitudes 86 km to 1,000 km.

    Evaluated directly (no table), like :func:`us1976_exact`; H is zero below 150 km (USSA76).
    NaN altitudes give NaN.
    """
    z = _check(alt_m, top=True, bottom_m=_Z7)
    flat = z.ravel()
    ok = ~np.isnan(flat)
    grid = np.union1d(_fine_grid(), flat[ok])
    n = np.full((6, flat.size), np.nan)
    n[:, ok] = _upper(grid)[:, np.searchsorted(grid, flat[ok])]
    return {name: n[k].reshape(z.shape) for k, name in enumerate(SPECIES)}


def us1976_exact(alt_m: np.ndarray | float) -> Atmosphere:
    """USSA76 evaluated directly (no table) at geometric altitudes alt_m (m), any shape.

    Closed forms below 86 km; above, the diffusion integrals are recomputed on a 25 m grid merged
    with the query altitudes (tens of milliseconds per call). Altitudes must lie in
    [-5 km, 1,000 km]; NaN altitudes give NaN fields.
    """
    z = _check(alt_m, top=True)
    flat = z.ravel()
    ok = ~np.isnan(flat)
    zq = np.unique(flat[ok])
    n_up = None
    if np.any(zq > _Z7):
        grid = np.union1d(_fine_grid(), zq[zq > _Z7])
        n_up = _upper(grid)[:, np.searchsorted(grid, zq[zq > _Z7])]
    s = _state(zq, n_up)
    idx = np.searchsorted(zq, flat[ok])
    fields = {}
    for key in s:
        v = np.full(flat.shape, np.nan)
        v[ok] = s[key][idx]
        fields[key] = v.reshape(z.shape)
    return _make(z, fields)


def _make(z: np.ndarray, f: dict[str, np.ndarray]) -> Atmosphere:
    """Assemble an Atmosphere; masks the speed of sound above 86 km."""
    a = np.where(z <= _Z7, f["a"], np.nan)
    m = f["m"] if "m" in f else f["rho"] * _NA / f["n"]
    return Atmosphere(temperature_k=f["t"], pressure_pa=f["p"], density_kg_m3=f["rho"],
                      speed_of_sound_m_s=a, number_density_m3=f["n"], molar_mass_kg_kmol=m)


# --- Table and interpolation ----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, np.ndarray]:
    """Model on the uniform grid ALT0_M + i DALT_M: T, log p, log rho, log n, a (read-only)."""
    grid = ALT0_M + DALT_M * np.arange(_N_TABLE)
    fine = _fine_grid()
    step = int(round(DALT_M / _DZ_INT_M))
    n_up = _upper(fine)[:, step::step]  # fine[0] = 86 km is a table node, served by _lower
    s = _state(grid, n_up)
    tab = {"alt": grid, "t": s["t"], "logp": np.log(s["p"]), "logrho": np.log(s["rho"]),
           "logn": np.log(s["n"]), "a": s["a"]}
    for v in tab.values():
        v.flags.writeable = False
    return tab


def density_table() -> tuple[np.ndarray, np.ndarray]:
    """(alt_grid_m, log_density) of the cached table: contiguous float64, uniform, read-only.

    ``alt_grid_m[i] = ALT0_M + i * DALT_M``; ``log_density`` is ln(rho / (kg/m^3)). Interpolate
    linearly with ``i = int((alt - ALT0_M) / DALT_M)``; beyond the last node, extrapolate with the
    last interval's slope.
    """
    tab = _table()
    return tab["alt"], tab["logrho"]


def _weights(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell index and fractional position of altitudes z (m) in the table; NaN maps to cell 0."""
    x = np.nan_to_num((z - ALT0_M) / DALT_M, nan=0.0, posinf=np.inf)
    i = np.floor(np.clip(x, 0.0, _N_TABLE - 2)).astype(np.intp)
    return i, x - i


def _lerp(y: np.ndarray, i: np.ndarray, w: np.ndarray) -> np.ndarray:
    return y[i] + w * (y[i + 1] - y[i])


def us1976(alt_m: np.ndarray | float) -> Atmosphere:
    """USSA76 state at geometric altitudes alt_m (m, any shape), interpolated from the table.

    Altitudes >= -5 km. Above 1,000 km, ln(rho) is extrapolated with the slope of the last table
    interval, temperature and mean molecular weight are held, and p and n follow rho. NaN
    altitudes give NaN fields.
    """
    z = _check(alt_m)
    tab = _table()
    i, w = _weights(z)
    nan = np.isnan(z)
    wc = np.minimum(w, 1.0)  # > 1 only above the top: hold T and M, extend with rho's slope
    extra = (w - wc) * (tab["logrho"][-1] - tab["logrho"][-2])
    logs = {key: _lerp(tab["log" + key], i, wc) for key in ("p", "rho", "n")}
    f = {"t": _lerp(tab["t"], i, wc), "a": _lerp(tab["a"], i, wc),
         "m": _NA * np.exp(logs["rho"] - logs["n"])}
    f.update({key: np.exp(v + extra) for key, v in logs.items()})
    f = {k: np.where(nan, np.nan, v) for k, v in f.items()}
    return _make(z, f)


def density_kg_m3(alt_m: np.ndarray | float) -> np.ndarray:
    """USSA76 mass density (kg/m^3) at geometric altitudes alt_m (m), from the table."""
    z = _check(alt_m)
    i, w = _weights(z)
    out = np.exp(_lerp(_table()["logrho"], i, w))
    return np.where(np.isnan(z), np.nan, out)


@functools.lru_cache(maxsize=1)
def density_spline() -> np.ndarray:
    """Cubic-spline coefficients of rho on the table grid up to :data:`SPLINE_TOP_M`, (n, 4).

    Row i gives rho = c0 + c1 w + c2 w² + c3 w³ on node interval i (w ∈ [0, 1), node spacing
    :data:`DALT_M` from :data:`ALT0_M`): the natural cubic spline (SciPy ``CubicSpline``) of
    rho through the table's nodes, read-only. A spline of rho itself (not ln rho) saves an
    exponential per evaluation; on 100 m nodes with scale heights ≥ 6 km its relative error is
    ~(Δh/H)⁴/384 ≈ 1e-10. Smoothness matters: a kinked table hides its error from the step
    control of an adaptive integrator.
    """
    from scipy.interpolate import CubicSpline

    alt, logrho = density_table()
    top = int(np.searchsorted(alt, SPLINE_TOP_M)) + 2
    u = (alt[:top] - ALT0_M) / DALT_M
    cs = CubicSpline(u, np.exp(logrho[:top]), bc_type="natural")
    out = np.ascontiguousarray(cs.c[::-1].T)  # (n-1, 4): c0 + c1 w + c2 w² + c3 w³
    out.flags.writeable = False
    return out


@njit(cache=True, inline="always", error_model="numpy")
def spline_density(h_m: float, alt0_m: float, dalt_m: float, spline: np.ndarray
                   ) -> tuple[float, float]:
    """(rho (kg/m³), d rho/dh (kg/m⁴)) at height ``h_m`` (m) from :func:`density_spline`.

    ``alt0_m``, ``dalt_m``: the spline's grid (:data:`ALT0_M`, :data:`DALT_M`). Below the grid
    the first node's density (slope 0); above it zero. Scalar numba kernel: the flight kernel and
    the tracking filters call it (an unused slope costs nothing once inlined).
    """
    u = (h_m - alt0_m) / dalt_m
    if u <= 0.0:
        return spline[0, 0], 0.0
    i = int(u)
    if i >= spline.shape[0]:
        return 0.0, 0.0
    w = u - i
    return (spline[i, 0] + w * (spline[i, 1] + w * (spline[i, 2] + w * spline[i, 3])),
            (spline[i, 1] + w * (2.0 * spline[i, 2] + 3.0 * w * spline[i, 3])) / dalt_m)
