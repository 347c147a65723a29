"""Targeting: hits in every direction and at every range, trajectory shapes, and clear errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tocsin.earth.geodesic import geodesic_direct, geodesic_inverse
from tocsin.earth.wgs84 import ecef_to_geodetic
from tocsin.errors import InputError, OutOfReachError, UnknownNameError
from tocsin.flight import LaunchPlan, propagate, vehicle_names
from tocsin.flight.targeting import BallisticSolution, aim_ballistic, parse_trajectory
from tocsin.flight.vehicles import get_vehicle

FAR_M = 19_000e3  # beyond every ballistic vehicle: aim_ballistic answers with its maximum range


def _target(lat_deg: float, lon_deg: float, az_deg: float, range_m: float) -> tuple:
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    tlat, tlon, _ = geodesic_direct(lat, lon, math.radians(az_deg), range_m)
    return lat, lon, float(tlat), float(tlon)


def _max_range_m(name: str, lat_deg: float, lon_deg: float, az_deg: float) -> float:
    """The maximum range aim_ballistic states for this launch point and direction."""
    with pytest.raises(OutOfReachError) as info:
        aim_ballistic(get_vehicle(name), *_target(lat_deg, lon_deg, az_deg, FAR_M))
    return info.value.max_range_m


def _flown(sol: BallisticSolution):
    """The solution's plan flown again: (summary, miss in m by geodesic to the target)."""
    s = propagate([sol.plan]).summary
    lat, lon, _ = ecef_to_geodetic(s.impact_r_ecef_m[0])
    miss = float(geodesic_inverse(lat, lon, sol.target_lat_rad, sol.target_lon_rad)[0])
    return s, miss


# --------------------------------------------------------------------------------------------
# Hits: 8 azimuths, high and southern latitudes, 300 km to near the maximum range
# --------------------------------------------------------------------------------------------

# (launch lat, lon, azimuth) in degrees, one per azimuth; the range spec cycles below.
GEOMETRY = [(70.0, 20.0, 0.0), (41.0, -104.0, 45.0), (0.0, 100.0, 90.0), (-35.0, 140.0, 135.0),
            (55.0, 40.0, 180.0), (-60.0, -60.0, 225.0), (20.0, 120.0, 270.0),
            (-10.0, -170.0, 315.0)]
# A range in km, or a fraction of the stated maximum range in that direction.
RANGES = ["300km", 0.25, 0.4, 0.6, 0.8, 0.9, 0.95, 0.97]
VEHICLES = ["icbm-solid-3", "slbm-solid-3", "irbm-2", "mrbm-1"]
CASES = [(name, GEOMETRY[k], RANGES[(k + 3 * i) % len(RANGES)])
         for i, name in enumerate(VEHICLES) for k in range(len(GEOMETRY))]


@pytest.mark.parametrize(("name", "geometry", "spec"), CASES,
                         ids=[f"{n}-{g[0]:g}N-az{g[2]:g}-{s}" for n, g, s in CASES])
def test_hits_anywhere_in_reach(name: str, geometry: tuple, spec: str | float) -> None:
    if isinstance(spec, str):
        range_m = float(spec.removesuffix("km")) * 1e3
    else:
        range_m = spec * _max_range_m(name, *geometry)
    sol = aim_ballistic(get_vehicle(name), *_target(*geometry, range_m))
    s, miss = _flown(sol)
    assert s.impacted[0]
    assert miss < 1_000.0
    assert sol.miss_distance_m == pytest.approx(miss, abs=1.0)
    assert sol.ground_range_m == pytest.approx(range_m, abs=1_000.0)
    assert range_m <= sol.max_range_m


def test_hits_at_99_percent_of_stated_max_range() -> None:
    geometry = (41.0, -104.0, 0.0)
    range_m = 0.99 * _max_range_m("icbm-solid-3", *geometry)
    sol = aim_ballistic(get_vehicle("icbm-solid-3"), *_target(*geometry, range_m))
    assert _flown(sol)[1] < 1_000.0


# --------------------------------------------------------------------------------------------
# Lofted and depressed trajectories
# --------------------------------------------------------------------------------------------

SHAPES = [
    ("icbm-solid-3", (41.0, -104.0, 20.0), 8_000e3, "lofted:2000"),
    ("icbm-solid-3", (41.0, -104.0, 20.0), 8_000e3, "depressed:500"),
    ("slbm-solid-3", (-20.0, 60.0, 250.0), 5_000e3, "depressed:400"),
    ("irbm-2", (30.0, 100.0, 135.0), 2_000e3, "lofted:1200"),
    ("irbm-2", (30.0, 100.0, 135.0), 2_000e3, "depressed:200"),
    ("mrbm-1", (70.0, 40.0, 300.0), 800e3, "lofted:400"),
]


@pytest.mark.parametrize(("name", "geometry", "range_m", "traj"), SHAPES,
                         ids=[f"{s[0]}-{s[3]}" for s in SHAPES])
def test_lofted_and_depressed_reach_apogee_and_hit(name: str, geometry: tuple, range_m: float,
                                                   traj: str) -> None:
    trajectory = parse_trajectory(traj)
    sol = aim_ballistic(get_vehicle(name), *_target(*geometry, range_m), trajectory)
    s, miss = _flown(sol)
    assert miss < 1_000.0
    assert s.apogee_alt_m[0] == pytest.approx(trajectory.apogee_m, rel=0.01)
    # The shape is on the requested side of the minimum-energy trajectory.
    me = aim_ballistic(get_vehicle(name), *_target(*geometry, range_m))
    if trajectory.kind == "lofted":
        assert sol.plan.pitch_rad < me.plan.pitch_rad
        assert s.flight_time_s[0] > me.summary.flight_time_s[0]
    else:
        assert sol.plan.pitch_rad > me.plan.pitch_rad
        assert s.flight_time_s[0] < me.summary.flight_time_s[0]


# Andøya Rocket Range and a point in the sea off southern Spitsbergen.
ANDOYA = (69.29, 16.02)
SPITSBERGEN_SEA = (76.0, 15.0)


def test_black_brant_xii_like_flight() -> None:
    # 25 Jan 1995, Andøya: apogee 1,453 km, splashdown near Spitsbergen ~24 min after launch
    # (Wikipedia "Norwegian rocket incident"; REFERENCE.md).
    lat, lon = (math.radians(x) for x in ANDOYA)
    tlat, tlon = (math.radians(x) for x in SPITSBERGEN_SEA)
    traj = parse_trajectory("lofted:1450")
    sol = aim_ballistic(get_vehicle("sounding-4"), lat, lon, tlat, tlon, traj)
    s, miss = _flown(sol)
    assert miss < 1_000.0
    assert s.apogee_alt_m[0] == pytest.approx(1_450e3, rel=0.01)
    assert 15.0 <= s.flight_time_s[0] / 60.0 <= 35.0


def test_black_brant_xii_like_full_burn() -> None:
    # The same shot as a plain full burn at a fixed kick (no targeting): the vehicle class
    # reproduces the 1995 flight — apogee 1,453 km, ~24 min (Wikipedia "Norwegian rocket
    # incident"). Tolerances: apogee ±3%, flight time 15–35 min, lands 600–1,100 km downrange.
    lat, lon = (math.radians(x) for x in ANDOYA)
    tlat, tlon = (math.radians(x) for x in SPITSBERGEN_SEA)
    _, az, _ = geodesic_inverse(lat, lon, tlat, tlon)
    plan = LaunchPlan(get_vehicle("sounding-4"), lat, lon, float(az), math.radians(20.0))
    s = propagate([plan]).summary
    ilat, ilon, _ = ecef_to_geodetic(s.impact_r_ecef_m[0])
    downrange = float(geodesic_inverse(lat, lon, ilat, ilon)[0])
    assert s.apogee_alt_m[0] == pytest.approx(1_453e3, rel=0.03)
    assert 15.0 <= s.flight_time_s[0] / 60.0 <= 35.0
    assert 600e3 < downrange < 1_100e3


def test_lofted_test_flight_like_wright_2017() -> None:
    # Lofted test flight: ~1,000 km range, 3,700 km apogee (D. Wright, UCS, 2017 [approx]).
    sol = aim_ballistic(get_vehicle("icbm-solid-3"), *_target(40.0, 125.0, 100.0, 1_000e3),
                        parse_trajectory("lofted:3700"))
    s, miss = _flown(sol)
    assert miss < 1_000.0
    assert s.apogee_alt_m[0] == pytest.approx(3_700e3, rel=0.01)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def test_out_of_reach_states_maximum_range_in_km() -> None:
    name, geometry = "irbm-2", (30.0, 100.0, 45.0)
    with pytest.raises(OutOfReachError) as info:
        aim_ballistic(get_vehicle(name), *_target(*geometry, 6_000e3))
    err = info.value
    assert err.field == "target"
    assert 3_000e3 < err.max_range_m < 6_000e3
    match = re.search(r"in this direction, ([\d,]+) km", str(err))
    assert match is not None
    assert float(match.group(1).replace(",", "")) == pytest.approx(err.max_range_m / 1e3, abs=0.5)
    # The stated maximum is what a full burn reaches at the best kick in that direction.
    lat, lon, tlat, tlon = _target(*geometry, 6_000e3)
    _, az, _ = geodesic_inverse(lat, lon, tlat, tlon)
    kicks = np.radians(np.linspace(20.0, 85.0, 27))
    plans = [LaunchPlan(get_vehicle(name), lat, lon, float(az), float(k)) for k in kicks]
    s = propagate(plans).summary
    ilat, ilon, _ = ecef_to_geodetic(s.impact_r_ecef_m)
    best = max(float(geodesic_inverse(lat, lon, a, b)[0]) for a, b in zip(ilat, ilon, strict=True))
    assert err.max_range_m == pytest.approx(best, rel=0.005)


@pytest.mark.parametrize(("which", "bad"), [("launch", 91.0), ("launch", -90.5),
                                            ("target", 95.0), ("launch", math.nan),
                                            ("target", math.nan)])
def test_bad_latitude_names_the_field(which: str, bad: float) -> None:
    lat, lon, tlat, tlon = _target(30.0, 10.0, 45.0, 1_000e3)
    if which == "launch":
        lat = math.radians(bad)
    else:
        tlat = math.radians(bad)
    with pytest.raises(InputError) as info:
        aim_ballistic(get_vehicle("irbm-2"), lat, lon, tlat, tlon)
    assert info.value.field == f"{which} latitude"
    assert f"{which} latitude" in str(info.value)


@pytest.mark.parametrize("bad", [math.radians(91.0), math.nan])
def test_bad_plan_latitude_names_the_field(bad: float) -> None:
    plan = LaunchPlan(get_vehicle("irbm-2"), bad, 0.0, 0.0, 0.5)
    with pytest.raises(InputError) as info:
        propagate([plan])
    # The row and the field, e.g. "launches[0].lat_rad".
    assert re.fullmatch(r"\w+\[0\]\.lat_rad", info.value.field)
    assert info.value.field in str(info.value)


def test_unknown_vehicle_lists_known_names() -> None:
    with pytest.raises(UnknownNameError) as info:
        get_vehicle("icbm-solid-4")
    err = info.value
    assert err.field == "vehicle"
    assert err.value == "icbm-solid-4"
    for name in vehicle_names():
        assert name in str(err)
    assert set(err.known) == set(vehicle_names())


def test_lofted_below_minimum_energy_apogee_is_rejected() -> None:
    geometry = (41.0, -104.0, 20.0)
    me = aim_ballistic(get_vehicle("icbm-solid-3"), *_target(*geometry, 8_000e3))
    h_me = float(me.summary.apogee_alt_m[0])
    low = parse_trajectory(f"lofted:{0.7 * h_me / 1e3:.0f}")
    with pytest.raises(InputError) as info:
        aim_ballistic(get_vehicle("icbm-solid-3"), *_target(*geometry, 8_000e3), low)
    err = info.value
    assert err.field == "trajectory"
    assert "minimum-energy apogee" in str(err)
    stated = re.search(r"minimum-energy apogee at this range, ([\d,]+) km", str(err))
    assert stated is not None
    assert float(stated.group(1).replace(",", "")) == pytest.approx(h_me / 1e3, rel=0.02)


@pytest.mark.parametrize("text", ["lofted", "lofted:abc", "lofted:-5", "sideways", "lofted:0",
                                  "depressed:nan", "lofted:inf", "minimum-energy:5"])
def test_parse_trajectory_rejects(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_trajectory(text)
    assert info.value.field == "trajectory"
    assert info.value.value == text


@pytest.mark.parametrize(("text", "kind", "apogee_m"), [
    ("minimum-energy", "minimum-energy", None), ("lofted:1450", "lofted", 1_450e3),
    ("depressed:300.5", "depressed", 300.5e3)])
def test_parse_trajectory_accepts(text: str, kind: str, apogee_m: float | None) -> None:
    t = parse_trajectory(text)
    assert (t.kind, t.apogee_m) == (kind, apogee_m)
