"""tocsin.flight against closed-form Kepler free flight, and the numba kernel against SciPy.

The closed forms are derived here, not taken from Tocsin. Notation and results follow Bate, Mueller
& White, *Fundamentals of Astrodynamics* (Dover, 1971), ch. 6 "Ballistic missile trajectories",
section 6.2 ("The general ballistic missile problem"); the time of flight uses Kepler's equation
with the eccentric anomaly (ibid., ch. 4).

Free flight from burnout at radius r with speed v and flight-path angle φ above the local
horizontal, in a point-mass field μ, to reentry at the same radius r:

* Q = v² r / μ;
* energy v²/2 − μ/r = −μ/(2a)                  ⇒ a = r / (2 − Q);
* angular momentum h = r v cos φ, p = h²/μ       ⇒ p = r Q cos²φ;
* e² = 1 − p/a                                  ⇒ e² = 1 − Q (2 − Q) cos²φ;
* r = p / (1 + e cos ν); burnout and reentry at the same r lie symmetric about apogee (ν = π), so
  burnout is at ν_bo = π − Ψ/2 and, from the conic, cos(Ψ/2) = (1 − Q cos²φ) / e (the free-flight
  range equation of BMW §6.2);
* apogee radius r_a = a (1 + e);
* eccentric anomaly at burnout: cos E = (e + cos ν)/(1 + e cos ν), E in (0, π); Kepler's equation
  M = E − e sin E over the symmetric arc from E_bo to 2π − E_bo gives
  t_ff = 2 √(a³/μ) [(π − E_bo) + e sin E_bo].

Minimum-energy trajectory for a range angle Ψ (BMW §6.2): φ = (π − Ψ)/4 and
Q = 2 sin(Ψ/2) / (1 + sin(Ψ/2)); for a given Q, the maximum range has sin(Ψ/2) = Q / (2 − Q).
The test module checks these formulas against each other and against an independent SciPy
two-body integration before using them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from tocsin.earth.constants import GM_M3_S2, OMEGA_EARTH_RAD_S, R_MEAN_M
from tocsin.earth.geodesic import central_angle_rad, great_circle_destination
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from tocsin.flight import LaunchPlan, get_vehicle, propagate
from tocsin.flight.reference import reference_flight
from tocsin.flight.targeting import aim_ballistic

MU = GM_M3_S2
R = R_MEAN_M
VACUUM = EarthModel.vacuum_sphere()
IMPULSIVE = get_vehicle("impulsive")


# --------------------------------------------------------------------------------------------
# Closed forms (see the module docstring)
# --------------------------------------------------------------------------------------------


def free_flight(q: float, phi: float, r: float = R) -> dict[str, float]:
    """Kepler free flight from radius r back to r: range angle, apogee radius, time of flight."""
    c2 = math.cos(phi) ** 2
    a = r / (2.0 - q)
    e = math.sqrt(1.0 - q * (2.0 - q) * c2)
    psi = 2.0 * math.acos((1.0 - q * c2) / e)
    nu_bo = math.pi - 0.5 * psi
    e_bo = math.acos((e + math.cos(nu_bo)) / (1.0 + e * math.cos(nu_bo)))
    tof = 2.0 * math.sqrt(a**3 / MU) * ((math.pi - e_bo) + e * math.sin(e_bo))
    return {"psi": psi, "a": a, "e": e, "r_apogee": a * (1.0 + e), "tof": tof}


def minimum_energy(range_m: float, r: float = R) -> dict[str, float]:
    """Minimum-energy speed, flight-path angle, apogee altitude and flight time (BMW §6.2)."""
    psi = range_m / r
    s = math.sin(0.5 * psi)
    q = 2.0 * s / (1.0 + s)
    phi = 0.25 * (math.pi - psi)
    ff = free_flight(q, phi, r)
    return {"q": q, "phi": phi, "v": math.sqrt(q * MU / r), "apogee_alt": ff["r_apogee"] - r,
            "tof": ff["tof"], "psi": ff["psi"]}


def max_range_m(v: float, r: float = R) -> float:
    """Greatest free-flight range on the sphere for burnout speed v (BMW §6.2)."""
    q = v * v * r / MU
    return r * 2.0 * math.asin(q / (2.0 - q))


def _two_body(v: float, phi: float) -> tuple[float, float, float]:
    """Independent check of the closed forms: SciPy DOP853 in the plane; (range, apogee, tof)."""
    y0 = [R, 0.0, v * math.sin(phi), v * math.cos(phi)]

    def f(_t: float, y: np.ndarray) -> np.ndarray:
        rn = math.hypot(y[0], y[1])
        return np.array([y[2], y[3], -MU * y[0] / rn**3, -MU * y[1] / rn**3])

    def down(_t: float, y: np.ndarray) -> float:
        return math.hypot(y[0], y[1]) - R

    down.terminal, down.direction = True, -1  # type: ignore[attr-defined]
    sol = solve_ivp(f, (0.0, 2e4), y0, method="DOP853", rtol=1e-12, atol=1e-6, events=down,
                    dense_output=True)
    t_end = float(sol.t_events[0][0])
    x, y = sol.y_events[0][0][:2]
    ts = np.linspace(0.0, t_end, 20001)
    apogee = float(np.max(np.hypot(*sol.sol(ts)[:2])) - R)
    return R * (math.atan2(y, x) % (2 * math.pi)), apogee, t_end


# --------------------------------------------------------------------------------------------
# The closed forms themselves
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("range_km", [1_000, 6_000, 14_000])
def test_closed_forms_agree_with_two_body_integration(range_km: float) -> None:
    me = minimum_energy(range_km * 1e3)
    # The general range equation gives back the requested range at the minimum-energy (Q, φ) ...
    assert me["psi"] * R == pytest.approx(range_km * 1e3, rel=1e-9)
    # ... which is the greatest range for that speed: φ ± 1° both fall short ...
    for d in (-math.radians(1), math.radians(1)):
        assert free_flight(me["q"], me["phi"] + d)["psi"] < me["psi"]
    # ... and agrees with the maximum-range form for the speed.
    assert max_range_m(me["v"]) == pytest.approx(range_km * 1e3, rel=1e-9)
    rng, apogee, tof = _two_body(me["v"], me["phi"])
    assert rng == pytest.approx(range_km * 1e3, rel=1e-7)
    assert apogee == pytest.approx(me["apogee_alt"], rel=1e-6)
    assert tof == pytest.approx(me["tof"], rel=1e-7)


# --------------------------------------------------------------------------------------------
# Targeting of the impulsive vehicle over a vacuum sphere = the textbook minimum-energy shot
# --------------------------------------------------------------------------------------------

DIRECTIONS = [  # (launch lat, lon, azimuth) in degrees
    (0.0, 0.0, 90.0),
    (40.0, -100.0, 0.0),
    (-30.0, 20.0, 225.0),
    (70.0, 30.0, 300.0),
]


@pytest.mark.parametrize("direction", DIRECTIONS, ids=lambda d: f"{d[0]:g}N_az{d[2]:g}")
@pytest.mark.parametrize("range_km", [1_000, 3_000, 6_000, 10_000, 14_000])
def test_minimum_energy_matches_kepler(range_km: float, direction: tuple) -> None:
    lat, lon, az = (math.radians(x) for x in direction)
    tlat, tlon = great_circle_destination(lat, lon, az, range_km * 1e3, R)
    sol = aim_ballistic(IMPULSIVE, lat, lon, float(tlat), float(tlon), earth=VACUUM)
    me = minimum_energy(range_km * 1e3)
    s = sol.summary
    assert s.flight_time_s[0] == pytest.approx(me["tof"], rel=5e-3)
    assert s.apogee_alt_m[0] == pytest.approx(me["apogee_alt"], rel=5e-3)
    assert sol.plan.burnout_speed_m_s == pytest.approx(me["v"], rel=5e-3)
    # Pitch is measured from the vertical; φ from the horizontal.
    assert math.degrees(sol.plan.pitch_rad) == pytest.approx(90 - math.degrees(me["phi"]), abs=0.5)
    # It hits, by the great-circle distance of the simulated impact on the sphere.
    ilat, ilon, _ = ecef_to_geodetic(s.impact_r_ecef_m[0], spherical=True)
    assert R * float(central_angle_rad(ilat, ilon, tlat, tlon)) < 1_000.0


def test_impulsive_max_range_matches_kepler() -> None:
    lat, lon = math.radians(10.0), math.radians(50.0)
    tlat, tlon = great_circle_destination(lat, lon, math.radians(135.0), 5_000e3, R)
    sol = aim_ballistic(IMPULSIVE, lat, lon, float(tlat), float(tlon), earth=VACUUM)
    expected = max_range_m(IMPULSIVE.max_burnout_speed_m_s)
    assert sol.max_range_m == pytest.approx(expected, rel=5e-3)


# --------------------------------------------------------------------------------------------
# Shots at a given speed and angle (not minimum energy)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("speed", "pitch_deg"), [(6_000.0, 25.0), (6_000.0, 70.0),
                                                  (7_300.0, 80.0), (4_000.0, 10.0)])
def test_given_shot_matches_kepler(speed: float, pitch_deg: float) -> None:
    lat, lon, az = math.radians(-20.0), math.radians(140.0), math.radians(30.0)
    plan = LaunchPlan(IMPULSIVE, lat, lon, az, math.radians(pitch_deg), burnout_speed_m_s=speed)
    s = propagate([plan], earth=VACUUM).summary
    ff = free_flight(speed**2 * R / MU, math.radians(90.0 - pitch_deg))
    ilat, ilon, _ = ecef_to_geodetic(s.impact_r_ecef_m[0], spherical=True)
    rng = R * float(central_angle_rad(lat, lon, ilat, ilon))
    assert rng == pytest.approx(ff["psi"] * R, rel=1e-4)
    assert s.flight_time_s[0] == pytest.approx(ff["tof"], rel=1e-4)
    assert s.apogee_alt_m[0] == pytest.approx(ff["r_apogee"] - R, rel=1e-4)
    # The impact lies on the launch azimuth's great circle.
    elat, elon = great_circle_destination(lat, lon, az, rng, R)
    assert R * float(central_angle_rad(ilat, ilon, elat, elon)) < 50.0


@pytest.mark.parametrize(("lat_deg", "az_deg", "pitch_deg"), [(0.0, 90.0, 40.0),
                                                               (0.0, 270.0, 40.0),
                                                               (50.0, 20.0, 65.0)])
def test_rotating_frame_matches_inertial_kepler(lat_deg: float, az_deg: float,
                                                pitch_deg: float) -> None:
    """Coriolis and centrifugal terms: the Earth-fixed flight is a Kepler orbit seen turning.

    The launch velocity is Earth-relative; in the inertial frame aligned with ECEF at launch it is
    v + ω × r. The inertial Kepler impact is then rotated back by −ω t_ff about the pole.
    """
    earth = EarthModel(spherical=True, rotation=True, j2=False, drag=False)
    lat, lon, az, pitch = (math.radians(x) for x in (lat_deg, 30.0, az_deg, pitch_deg))
    speed = 6_500.0
    plan = LaunchPlan(IMPULSIVE, lat, lon, az, pitch, burnout_speed_m_s=speed)
    s = propagate([plan], earth=earth).summary

    r0 = geodetic_to_ecef(lat, lon, 0.0, spherical=True)
    east, north, up = enu_basis(lat, lon)
    v_e = speed * (math.cos(pitch) * up + math.sin(pitch) * (math.cos(az) * north
                                                             + math.sin(az) * east))
    v_i = v_e + np.cross([0.0, 0.0, OMEGA_EARTH_RAD_S], r0)
    vn = float(np.linalg.norm(v_i))
    phi = math.asin(float(v_i @ up) / vn)
    ff = free_flight(vn**2 * R / MU, phi)
    u = r0 / R
    n = np.cross(r0, v_i)
    n /= np.linalg.norm(n)
    r_imp_i = R * (math.cos(ff["psi"]) * u + math.sin(ff["psi"]) * np.cross(n, u))
    th = OMEGA_EARTH_RAD_S * ff["tof"]
    rot = np.array([[math.cos(th), math.sin(th), 0.0], [-math.sin(th), math.cos(th), 0.0],
                    [0.0, 0.0, 1.0]])
    r_imp_e = rot @ r_imp_i

    assert s.flight_time_s[0] == pytest.approx(ff["tof"], abs=0.05)
    assert s.apogee_alt_m[0] == pytest.approx(ff["r_apogee"] - R, abs=5.0)
    assert float(np.linalg.norm(s.impact_r_ecef_m[0] - r_imp_e)) < 50.0


# --------------------------------------------------------------------------------------------
# The numba kernel against the SciPy DOP853 reference of the same equations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pitch_deg", "cutoff_s"),
    [("icbm-solid-3", 70.0, None),   # a full ICBM flight, ~10,000 km
     ("slbm-solid-3", 50.0, 150.0),  # thrust cut off mid-stage
     ("sounding-4", 20.0, None)],    # coasts between stages
)
def test_kernel_matches_reference_flight(name: str, pitch_deg: float,
                                         cutoff_s: float | None) -> None:
    earth = EarthModel()  # every effect on: WGS-84, rotation, J2, drag
    plan = LaunchPlan(get_vehicle(name), math.radians(41.0), math.radians(-104.0),
                      math.radians(30.0), math.radians(pitch_deg), launch_time_s=100.0,
                      cutoff_s=cutoff_s)
    first = propagate([plan], earth=earth).summary
    t_impact = float(first.impact_time_s[0])
    assert first.status[0] == 0 and t_impact > 100.0 + 300.0
    # Samples over the whole flight; the last one after impact so the reference finds it.
    t = np.append(np.linspace(100.0, t_impact - 0.5, 400), t_impact + 30.0)
    res = propagate([plan], t, earth=earth)
    r_ref, v_ref, t_imp_ref = reference_flight(plan, t, earth=earth)
    assert np.all(np.isfinite(r_ref[:-1])) and np.all(np.isnan(r_ref[-1]))
    err_r = np.linalg.norm(res.samples.r_ecef_m[0, :-1] - r_ref[:-1], axis=-1)
    err_v = np.linalg.norm(res.samples.v_ecef_m_s[0, :-1] - v_ref[:-1], axis=-1)
    assert err_r.max() < 10.0
    assert err_v.max() < 2.0
    assert t_impact == pytest.approx(t_imp_ref, abs=0.05)
