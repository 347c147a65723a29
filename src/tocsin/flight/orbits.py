"""Satellite orbits for the early-warning satellites: Keplerian elements with J2 drift, and TLEs.

Two models, both vectorised over satellites and times, returning ``(n_sat, n_t, 3)`` arrays:

- **Keplerian mean elements** (:class:`KeplerianElements`, batched as :class:`ElementsBatch`) in
  the pseudo-inertial frame of :class:`~tocsin.earth.frames.EarthFrame`, propagated as a two-body
  orbit whose node, perigee and mean anomaly drift at the J2 secular rates (D. A. Vallado,
  *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), eq. 9-41; H. D. Curtis,
  *Orbital Mechanics for Engineering Students*, eqs. 4.52-4.53):

      Ω̇ = −(3/2) n J2 (R/p)² cos i,   ω̇ = (3/4) n J2 (R/p)² (5 cos² i − 1),
      Ṁ = n + (3/4) n J2 (R/p)² √(1 − e²) (3 cos² i − 1),   n = √(μ/a³), p = a (1 − e²).

  The elements are *mean* elements: the short-period J2 oscillations (≈ J2 R²/a, about 10 km in
  LEO, 1 km at GEO) are not modelled. Velocities are the exact time derivative of the modelled
  positions (including the drift of the node and the perigee).
- **Two-line element sets** through ``sgp4`` (:class:`TleOrbit`), TEME → ECEF by GMST (IAU-82)
  with polar motion ignored (≲ 15 m) and UT1 − UTC taken from the caller (default 0; |UT1 − UTC|
  < 0.9 s is up to ~0.4 km along the Earth's rotation at LEO radius).

Sources for the orbit types: GEO period = one sidereal day, 86 164.09 s (Vallado §2.2 / IERS
ERA rate); Molniya = half a sidereal day at the critical inclination arccos(1/√5) = 63.43°
(Vallado §9.6; J. R. Wertz, *Space Mission Analysis and Design*, 3rd ed., §6.1); EKS/Tundra-type
1,645 × 38,540 km at 63.8° (P. Podvig, russianforces.org, Jan 2024).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sgp4.api import WGS72, Satrec, SatrecArray

from tocsin.earth.constants import A_M, GM_M3_S2, J2
from tocsin.earth.frames import ERA_RATE_RAD_S, EarthFrame, gmst82_rad, julian_date_parts
from tocsin.errors import InputError

__all__ = [
    "CRITICAL_INCLINATION_RAD",
    "SIDEREAL_DAY_S",
    "KeplerianElements",
    "ElementsBatch",
    "solve_kepler",
    "secular_rates",
    "propagate_kepler",
    "satellite_states_ecef",
    "elements_from_state",
    "TleOrbit",
    "tle_states_ecef",
    "teme_to_ecef",
]

Array = NDArray[np.float64]

SIDEREAL_DAY_S: float = 2.0 * math.pi / ERA_RATE_RAD_S
"""One rotation of the Earth relative to inertial space, 86 164.0989 s (23 h 56 min 4.1 s)."""

CRITICAL_INCLINATION_RAD: float = math.acos(1.0 / math.sqrt(5.0))
"""Inclination (63.435°) at which J2 leaves the argument of perigee fixed (5 cos² i = 1)."""

_TWO_PI = 2.0 * math.pi


@dataclass(frozen=True)
class KeplerianElements:
    """Mean Keplerian elements of one satellite in the EarthFrame pseudo-inertial frame.

    Attributes:
        a_m: semi-major axis, m. e: eccentricity, 0 ≤ e < 1. i_rad: inclination.
        raan_rad: right ascension of the ascending node (from the frame's x axis).
        argp_rad: argument of perigee. mean_anomaly_rad: mean anomaly at ``epoch_offset_s``.
        epoch_offset_s: time of these elements, seconds after the scenario epoch.
    """

    a_m: float
    e: float
    i_rad: float
    raan_rad: float
    argp_rad: float
    mean_anomaly_rad: float
    epoch_offset_s: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, int | float | np.floating) or not math.isfinite(v):
                raise InputError(f.name, v, "a finite number")
        if self.a_m <= A_M * 0.5:
            raise InputError("a_m", self.a_m, "a semi-major axis above half the Earth radius, m")
        if not 0.0 <= self.e < 1.0:
            raise InputError("e", self.e, "an eccentricity in [0, 1)")
        if self.a_m * (1.0 - self.e) < A_M * 0.5:
            raise InputError("e", self.e, "a perigee radius above half the Earth radius")
        if not 0.0 <= self.i_rad <= math.pi:
            raise InputError("i_rad", self.i_rad, "an inclination in [0, π] rad")

    @property
    def period_s(self) -> float:
        """Two-body (Keplerian) period 2π √(a³/μ), s."""
        return _TWO_PI * math.sqrt(self.a_m**3 / GM_M3_S2)

    @classmethod
    def from_altitudes(cls, perigee_alt_m: float, apogee_alt_m: float, *, i_rad: float,
                       argp_rad: float = 0.0, raan_rad: float = 0.0,
                       mean_anomaly_rad: float = 0.0, epoch_offset_s: float = 0.0
                       ) -> KeplerianElements:
        """Elements from perigee and apogee heights above the equatorial radius ``A_M``, m."""
        if not 0.0 <= perigee_alt_m <= apogee_alt_m:
            raise InputError("perigee_alt_m", perigee_alt_m,
                             f"0 ≤ perigee altitude ≤ apogee altitude ({apogee_alt_m!r} m)")
        rp, ra = A_M + perigee_alt_m, A_M + apogee_alt_m
        return cls((rp + ra) / 2.0, (ra - rp) / (ra + rp), i_rad, raan_rad, argp_rad,
                   mean_anomaly_rad, epoch_offset_s)

    @classmethod
    def geo(cls, lon_rad: float, frame: EarthFrame, *, j2: bool = True) -> KeplerianElements:
        """Geostationary satellite over ECEF longitude ``lon_rad`` at t = 0 (circular, i = 0).

        With ``j2=False`` the radius gives a Keplerian period of one sidereal day (a = 42 164.2
        km); with ``j2=True`` (default) it is raised by ≈ 2.1 km so that the J2-perturbed rate
        of mean longitude (n + Ω̇ + ω̇ + ΔṀ) equals the Earth's rotation; otherwise, under J2
        propagation, the satellite drifts east by ≈ 0.027° a day.
        """
        base = cls(_repeat_a(1, 0.0, None, 0.0, 0.0, j2), 0.0, 0.0, 0.0, 0.0, 0.0)
        return _place(base, lon_rad, frame, 0.0, j2)

    @classmethod
    def molniya(cls, apogee_lon_rad: float, frame: EarthFrame, *,
                perigee_alt_m: float = 1_645e3, i_rad: float = math.radians(63.8),
                argp_rad: float = 1.5 * math.pi, mean_anomaly_rad: float = math.pi,
                j2: bool = True) -> KeplerianElements:
        """12 h Molniya-type orbit, two revolutions per sidereal day (repeating ground track).

        Defaults are EKS-like (perigee 1,645 km, i = 63.8°, ω = 270°: apogee over the northern
        hemisphere at latitude ≈ i; Podvig, Jan 2024); the period fixes the apogee at ≈ 38,710 km
        (published, rounded: 38,540 km). The node is placed so the satellite's next apogee
        passage at or after t = 0 is over ECEF longitude ``apogee_lon_rad``. With ``j2`` the
        semi-major axis is solved so the apogee stays over its longitude under the J2 drift.
        """
        a = _repeat_a(2, None, perigee_alt_m, i_rad, argp_rad, j2)
        base = cls(a, 1.0 - (A_M + perigee_alt_m) / a, i_rad, 0.0, argp_rad, mean_anomaly_rad)
        return _place(base, apogee_lon_rad, frame, _time_to_apogee(base, j2), j2)

    @classmethod
    def tundra(cls, apogee_lon_rad: float, frame: EarthFrame, *, e: float = 0.2684,
               i_rad: float = CRITICAL_INCLINATION_RAD, argp_rad: float = 1.5 * math.pi,
               mean_anomaly_rad: float = math.pi, j2: bool = True) -> KeplerianElements:
        """24 h Tundra orbit (one revolution per sidereal day), apogee placed as in ``molniya``.

        Default e = 0.2684 at 63.4° is that of the Sirius radio satellites (Wikipedia,
        "Tundra orbit").
        """
        a = _repeat_a(1, e, None, i_rad, argp_rad, j2)
        base = cls(a, e, i_rad, 0.0, argp_rad, mean_anomaly_rad)
        return _place(base, apogee_lon_rad, frame, _time_to_apogee(base, j2), j2)


@dataclass(frozen=True)
class ElementsBatch:
    """Columnar mean elements of ``n`` satellites: arrays ``(n,)``, fields as KeplerianElements."""

    a_m: Array
    e: Array
    i_rad: Array
    raan_rad: Array
    argp_rad: Array
    mean_anomaly_rad: Array
    epoch_offset_s: Array

    def __post_init__(self) -> None:
        arrays = [np.atleast_1d(np.asarray(getattr(self, f.name), dtype=np.float64))
                  for f in fields(self)]
        for f, arr in zip(fields(self), np.broadcast_arrays(*arrays), strict=True):
            object.__setattr__(self, f.name, np.array(arr))

    def __len__(self) -> int:
        return int(self.a_m.shape[0])

    @classmethod
    def from_elements(cls, elements: Sequence[KeplerianElements]) -> ElementsBatch:
        """Stack a list of :class:`KeplerianElements`."""
        cols = {f.name: np.array([getattr(el, f.name) for el in elements], dtype=np.float64)
                for f in fields(KeplerianElements)}
        return cls(**cols)

    def element(self, k: int) -> KeplerianElements:
        """The ``k``-th satellite's elements."""
        return KeplerianElements(*(float(getattr(self, f.name)[k]) for f in fields(self)))


def solve_kepler(mean_anomaly_rad: ArrayLike, e: ArrayLike) -> Array:
    """Eccentric anomaly E with E − e sin E = M (elliptic, 0 ≤ e < 1), radians in (−π, π].

    Newton's method on M reduced to [0, π] (odd symmetry) from E₀ = min(M + e, π): the
    function is convex there and E₀ ≥ E, so the iteration decreases monotonically to the root
    for every e < 1 (converges to < 1e-14 in a few steps; ≤ ~10 at e = 0.99, small M).
    """
    m = np.mod(np.asarray(mean_anomaly_rad, dtype=np.float64) + np.pi, _TWO_PI) - np.pi
    e = np.asarray(e, dtype=np.float64)
    m, e = np.broadcast_arrays(m, e)
    sign = np.where(m < 0.0, -1.0, 1.0)
    m = np.abs(m)
    ecc = np.minimum(m + e, np.pi)
    for _ in range(50):
        delta = (ecc - e * np.sin(ecc) - m) / (1.0 - e * np.cos(ecc))
        ecc = ecc - delta
        if np.all(np.abs(delta) < 1e-15):
            break
    return sign * ecc


def secular_rates(batch: ElementsBatch, *, j2: bool = True) -> tuple[Array, Array, Array]:
    """J2 secular rates ``(raan_dot, argp_dot, m_dot)``, rad/s, shape ``(n,)``.

    Vallado (2013) eq. 9-41, Curtis eqs. 4.52-4.53 (see module docstring); ``m_dot`` includes
    the mean motion n. With ``j2=False`` the node and perigee are fixed and ``m_dot = n``.
    """
    return _rates(batch.a_m, batch.e, batch.i_rad, j2)


def _rates(a_m: ArrayLike, e_: ArrayLike, i_rad: ArrayLike, j2: bool
           ) -> tuple[Array, Array, Array]:
    a, e, i = (np.asarray(x, dtype=np.float64) for x in (a_m, e_, i_rad))
    n = np.sqrt(GM_M3_S2 / a**3)
    k = J2 * (A_M / (a * (1.0 - e**2))) ** 2 * n if j2 else np.zeros_like(n)
    c2 = np.cos(i) ** 2
    return (-1.5 * k * np.cos(i), 0.75 * k * (5.0 * c2 - 1.0),
            n + 0.75 * k * np.sqrt(1.0 - e**2) * (3.0 * c2 - 1.0))


def propagate_kepler(batch: ElementsBatch, t_s: ArrayLike, *, j2: bool = True
                     ) -> tuple[Array, Array]:
    """Positions and velocities in the EarthFrame pseudo-inertial frame, m and m/s.

    Args:
        batch: ``n_sat`` satellites' mean elements.
        t_s: times, seconds after the scenario epoch, shape ``(n_t,)`` (a scalar is ``(1,)``).
        j2: apply the J2 secular drift (default) or propagate a pure two-body orbit.

    Returns:
        ``(r_eci, v_eci)``, each of shape ``(n_sat, n_t, 3)``.
    """
    t = np.atleast_1d(np.asarray(t_s, dtype=np.float64)).reshape(-1)
    raan_dot, argp_dot, m_dot = (x[:, None] for x in secular_rates(batch, j2=j2))
    dt = t[None, :] - batch.epoch_offset_s[:, None]
    a, e, inc = batch.a_m[:, None], batch.e[:, None], batch.i_rad[:, None]
    raan = batch.raan_rad[:, None] + raan_dot * dt
    argp = batch.argp_rad[:, None] + argp_dot * dt
    ecc = solve_kepler(np.mod(batch.mean_anomaly_rad[:, None] + m_dot * dt, _TWO_PI), e)
    cos_e, sin_e, beta = np.cos(ecc), np.sin(ecc), np.sqrt(1.0 - e**2)
    x, y = a * (cos_e - e), a * beta * sin_e  # perifocal position
    r = a * (1.0 - e * cos_e)
    xd, yd = -m_dot * a**2 / r * sin_e, m_dot * a**2 / r * beta * cos_e
    co, so, cw, sw, ci, si = (np.cos(raan), np.sin(raan), np.cos(argp), np.sin(argp),
                              np.cos(inc), np.sin(inc))
    p_hat = np.stack(np.broadcast_arrays(co * cw - so * sw * ci, so * cw + co * sw * ci,
                                         sw * si), -1)
    q_hat = np.stack(np.broadcast_arrays(-co * sw - so * cw * ci, -so * sw + co * cw * ci,
                                         cw * si), -1)
    r_eci = x[..., None] * p_hat + y[..., None] * q_hat
    # d/dt of P, Q: node rotation Ω̇ ẑ × (·) and perigee rotation ω̇ about the orbit normal.
    v_eci = ((xd - argp_dot * y)[..., None] * p_hat + (yd + argp_dot * x)[..., None] * q_hat)
    v_eci = v_eci + np.stack([-raan_dot * r_eci[..., 1], raan_dot * r_eci[..., 0],
                              np.zeros_like(r_eci[..., 2])], -1)
    return r_eci, v_eci


def satellite_states_ecef(batch: ElementsBatch, frame: EarthFrame, t_s: ArrayLike, *,
                          j2: bool = True) -> tuple[Array, Array]:
    """``propagate_kepler`` then ECI → ECEF through ``frame``: ``(r_ecef, v_ecef)``,
    ``(n_sat, n_t, 3)``, m and m/s (velocity relative to the rotating Earth)."""
    t = np.atleast_1d(np.asarray(t_s, dtype=np.float64)).reshape(-1)
    r_eci, v_eci = propagate_kepler(batch, t, j2=j2)
    return frame.eci_to_ecef_state(r_eci, v_eci, t[None, :])


def elements_from_state(r_eci: ArrayLike, v_eci: ArrayLike, epoch_offset_s: ArrayLike = 0.0
                        ) -> ElementsBatch:
    """Osculating two-body elements of states ``(n, 3)`` (Vallado (2013) algorithm 9, RV2COE).

    Degenerate cases: for an equatorial orbit (i < 1e-10) the node is set to 0 and ω is
    measured from the x axis; for a circular one (e < 1e-10) ω is 0 and M is the argument of
    latitude. Hyperbolic states (e ≥ 1) are rejected with :class:`InputError`.
    """
    r = np.atleast_2d(np.asarray(r_eci, dtype=np.float64))
    v = np.atleast_2d(np.asarray(v_eci, dtype=np.float64))
    rn, v2 = np.linalg.norm(r, axis=-1), np.sum(v * v, axis=-1)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1)
    e_vec = ((v2 - GM_M3_S2 / rn)[:, None] * r - np.sum(r * v, -1)[:, None] * v) / GM_M3_S2
    e = np.linalg.norm(e_vec, axis=-1)
    if np.any(e >= 1.0):
        raise InputError("v_eci", v_eci, "states on elliptic orbits (eccentricity < 1)")
    a = 1.0 / (2.0 / rn - v2 / GM_M3_S2)
    inc = np.arccos(np.clip(h[:, 2] / hn, -1.0, 1.0))
    node = np.stack([-h[:, 1], h[:, 0], np.zeros_like(rn)], -1)  # ẑ × h
    equatorial, circular = np.sin(inc) < 1e-10, e < 1e-10
    node = np.where(equatorial[:, None], [1.0, 0.0, 0.0], node)
    node = node / np.linalg.norm(node, axis=-1, keepdims=True)
    raan = np.where(equatorial, 0.0, np.arctan2(node[:, 1], node[:, 0]))
    w_hat = h / hn[:, None]

    def angle_from_node(u: Array) -> Array:  # angle node → u, measured about h
        return np.arctan2(np.sum(np.cross(node, u) * w_hat, -1), np.sum(node * u, -1))

    argp = np.where(circular, 0.0, angle_from_node(e_vec))
    nu = angle_from_node(r) - argp
    ecc_anom = np.arctan2(np.sqrt(1.0 - e**2) * np.sin(nu), e + np.cos(nu))
    m = np.mod(ecc_anom - e * np.sin(ecc_anom), _TWO_PI)
    return ElementsBatch(a, e, inc, np.mod(raan, _TWO_PI), np.mod(argp, _TWO_PI), m,
                         np.broadcast_to(np.asarray(epoch_offset_s, np.float64), a.shape))


def _repeat_a(revs_per_day: int, e: float | None, perigee_alt_m: float | None, i_rad: float,
              argp_rad: float, j2: bool) -> float:
    """Semi-major axis for a ground track that repeats after ``revs_per_day`` revolutions.

    The apogee's ECEF longitude λ = Ω − θ⊕ + atan2(cos i sin u, cos u), u = ω + π, must come
    back after k anomalistic periods: Ṁ = k (ω⊕ − Ω̇ − g ω̇), g = ∂λ/∂ω = cos i / (cos² u +
    cos² i sin² u) (for e = 0, g = 1: the node and argument of latitude). Solved by fixed-point
    iteration; e is fixed, or follows from a fixed perigee height.
    """
    a = (GM_M3_S2 / (revs_per_day * ERA_RATE_RAD_S) ** 2) ** (1.0 / 3.0)
    cu, su, ci = math.cos(argp_rad + math.pi), math.sin(argp_rad + math.pi), math.cos(i_rad)
    g = ci / (cu * cu + ci * ci * su * su) if (e is None or e > 0.0) else 1.0
    for _ in range(30):
        ecc = e if e is not None else 1.0 - (A_M + float(perigee_alt_m or 0.0)) / a
        if not 0.0 <= ecc < 1.0:
            raise InputError("perigee_alt_m", perigee_alt_m,
                             f"a perigee height below the orbit's semi-major axis ({a:.0f} m)")
        raan_dot, argp_dot, m_dot = (float(x) for x in _rates(np.array(a), ecc, i_rad, j2))
        n = math.sqrt(GM_M3_S2 / a**3)
        target = revs_per_day * (ERA_RATE_RAD_S - raan_dot - g * argp_dot) - (m_dot - n)
        a_new = (GM_M3_S2 / target**2) ** (1.0 / 3.0)
        if abs(a_new - a) < 1e-6:
            return a_new
        a = a_new
    return a


def _time_to_apogee(el: KeplerianElements, j2: bool) -> float:
    """Seconds from the elements' time to the next apogee passage (M = π)."""
    m_dot = float(_rates(np.array(el.a_m), el.e, el.i_rad, j2)[2])
    return float(np.mod(math.pi - el.mean_anomaly_rad, _TWO_PI)) / m_dot + el.epoch_offset_s


def _place(el: KeplerianElements, lon_rad: float, frame: EarthFrame, t_s: float,
           j2: bool) -> KeplerianElements:
    """Shift the node so the satellite is over ECEF longitude ``lon_rad`` at ``t_s``."""
    r_ecef, _ = satellite_states_ecef(ElementsBatch.from_elements([el]), frame, [t_s], j2=j2)
    lon_now = math.atan2(r_ecef[0, 0, 1], r_ecef[0, 0, 0])
    raan = float(np.mod(el.raan_rad + lon_rad - lon_now, _TWO_PI))
    return KeplerianElements(el.a_m, el.e, el.i_rad, raan, el.argp_rad, el.mean_anomaly_rad,
                             el.epoch_offset_s)


# ---------------------------------------------------------------- TLEs through sgp4


def _tle_checksum(line: str) -> int:
    """Modulo-10 checksum of columns 1-68 (digits count their value, '-' counts 1)."""
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


def _check_tle_line(line: str, number: str, where: str) -> None:
    if len(line) < 69 or not line.startswith(number + " "):
        raise InputError(where, line, f"a 69-column TLE line {number}")
    if not line[68].isdigit() or int(line[68]) != _tle_checksum(line):
        raise InputError(where, line, f"a TLE line with checksum digit {_tle_checksum(line)}"
                         " in column 69")


def _parse_tles(lines: str | Sequence[str]) -> list[tuple[str, str, str]]:
    """Split TLE text into (name, line1, line2); a name line before each pair is optional."""
    raw = lines.splitlines() if isinstance(lines, str) else list(lines)
    rows = [(k + 1, str(s).rstrip()) for k, s in enumerate(raw) if str(s).strip()]
    out, name, j = [], "", 0
    while j < len(rows):
        k, line = rows[j]
        if not line.startswith("1 "):
            if name or line.startswith("2 "):
                raise InputError(f"tle line {k}", line, "a TLE line 1 (starting '1 ')")
            name, j = line[2:].strip() if line.startswith("0 ") else line.strip(), j + 1
            continue
        if j + 1 >= len(rows):
            raise InputError(f"tle line {k}", line, "a TLE line 1 followed by its line 2")
        k2, line2 = rows[j + 1]
        _check_tle_line(line, "1", f"tle line {k}")
        _check_tle_line(line2, "2", f"tle line {k2}")
        if line[2:7] != line2[2:7]:
            raise InputError(f"tle line {k2}", line2, f"satellite number {line[2:7]!r} as on "
                             f"line {k}")
        out.append((name or line[2:7].strip(), line, line2))
        name, j = "", j + 2
    if name:
        raise InputError(f"tle line {rows[-1][0]}", rows[-1][1], "a name followed by a TLE")
    if not out:
        raise InputError("tle", lines, "at least one two-line element set")
    return out


def teme_to_ecef(r_teme: ArrayLike, v_teme: ArrayLike, jd_ut1: ArrayLike,
                 jd_ut1_frac: ArrayLike = 0.0) -> tuple[Array, Array]:
    """TEME → ECEF (PEF; polar motion ignored): ``r = R3(θ) r_teme``, ``v = R3(θ) v_teme − ω × r``.

    θ = GMST (IAU-82) at the UT1 date (broadcast against the vectors' leading dimensions),
    ω = (0, 0, 7.292115146706979e-5 rad/s) (Vallado (2013) §3.7, AIAA 2006-6753 App. C).
    """
    theta = gmst82_rad(jd_ut1, jd_ut1_frac)
    c, s = np.cos(theta), np.sin(theta)
    r, v = np.asarray(r_teme, dtype=np.float64), np.asarray(v_teme, dtype=np.float64)
    rx, ry = c * r[..., 0] + s * r[..., 1], -s * r[..., 0] + c * r[..., 1]
    vx = c * v[..., 0] + s * v[..., 1] + ERA_RATE_RAD_S * ry
    vy = -s * v[..., 0] + c * v[..., 1] - ERA_RATE_RAD_S * rx
    return np.stack([rx, ry, r[..., 2] + 0 * rx], -1), np.stack([vx, vy, v[..., 2] + 0 * vx], -1)


@dataclass(frozen=True, eq=False)
class TleOrbit:
    """Satellites from two-line element sets, propagated by SGP4 (``sgp4.api.SatrecArray``).

    Build with :meth:`from_lines`. Every state method returns ``error`` (int, ``(n_sat, n_t)``)
    with sgp4's codes (0 = ok; 1-6: see ``sgp4.api.SGP4_ERRORS``); where it is non-zero the
    positions and velocities are NaN. Errors are data, not exceptions.
    """

    names: tuple[str, ...]
    line1: tuple[str, ...]
    line2: tuple[str, ...]
    epoch_utc: datetime
    _satrecs: tuple[Satrec, ...] = field(init=False, repr=False)
    _sats: SatrecArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", EarthFrame(self.epoch_utc).epoch_utc)
        sats = []
        for k, (l1, l2) in enumerate(zip(self.line1, self.line2, strict=True)):
            try:
                sats.append(Satrec.twoline2rv(l1, l2, WGS72))
            except (ValueError, IndexError) as exc:
                raise InputError(f"tle {self.names[k]!r}", l1,
                                 "a two-line element set sgp4 can read", hint=str(exc)) from None
        object.__setattr__(self, "_satrecs", tuple(sats))
        object.__setattr__(self, "_sats", SatrecArray(sats))

    @classmethod
    def from_lines(cls, lines: str | Sequence[str], epoch_utc: datetime) -> TleOrbit:
        """Parse TLE text (a string or its lines; optional name lines, '0 ' prefix allowed).

        Raises :class:`InputError` naming the (1-based) offending line for bad layout or
        checksum, mismatched satellite numbers, or a name without its two lines.
        """
        names, l1, l2 = zip(*_parse_tles(lines), strict=True)
        return cls(tuple(names), tuple(l1), tuple(l2), epoch_utc)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def tle_epoch_offset_s(self) -> Array:
        """Each TLE's own epoch, seconds after the scenario epoch (negative if older), ``(n,)``."""
        day, frac = julian_date_parts(self.epoch_utc)
        jd = np.array([(s.jdsatepoch - day) + (s.jdsatepochF - frac) for s in self._satrecs])
        return jd * 86400.0

    def _dates(self, t_s: ArrayLike) -> tuple[Array, Array, Array]:
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64)).reshape(-1)
        day, frac = julian_date_parts(self.epoch_utc)
        return np.full_like(t, day), frac + t / 86400.0, t

    def states_teme(self, t_s: ArrayLike) -> tuple[Array, Array, NDArray[np.uint8]]:
        """``(r_teme, v_teme, error)``, m and m/s: ``(n_sat, n_t, 3)``, error ``(n_sat, n_t)``."""
        jd, fr, _ = self._dates(t_s)
        error, r_km, v_km_s = self._sats.sgp4(jd, fr)
        return r_km * 1e3, v_km_s * 1e3, error

    def states_ecef(self, t_s: ArrayLike, *, dut1_s: float = 0.0
                    ) -> tuple[Array, Array, NDArray[np.uint8]]:
        """``(r_ecef, v_ecef, error)``: TEME → ECEF by GMST at UT1 = UTC + ``dut1_s``."""
        jd, fr, _ = self._dates(t_s)
        r, v, error = self.states_teme(t_s)
        r_ecef, v_ecef = teme_to_ecef(r, v, jd[None, :], (fr + dut1_s / 86400.0)[None, :])
        return r_ecef, v_ecef, error


def tle_states_ecef(lines: str | Sequence[str], epoch_utc: datetime, t_s: ArrayLike, *,
                    dut1_s: float = 0.0) -> tuple[Array, Array, NDArray[np.uint8]]:
    """``TleOrbit.from_lines(lines, epoch_utc).states_ecef(t_s)``: ``(r_ecef, v_ecef, error)``."""
    return TleOrbit.from_lines(lines, epoch_utc).states_ecef(t_s, dut1_s=dut1_s)
