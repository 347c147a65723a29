"""The full ICBM model against public figures: flight time, apogee, boost, Earth rotation, phases.

Sources (see the shared REFERENCE.md):

* Minuteman III: range > 6,000 mi (9,656 km), apogee up to ~700 mi (~1,120 km) — USAF figures
  quoted by space.com (2010 test-launch article).
* ICBM flight ~30 min — F. von Hippel, Princeton SGS briefing, 2020.
* Boost phase 3–5 min — US Missile Defense Agency, "BMD Basics" (archived 2009); solid ICBM burns
  ~170 s, liquid ~250 s — IEEE Spectrum, March 2005.
* Earth rotation lengthens eastward and shortens westward ranges; with the same burnout velocity,
  ±15–20% at 10,000 km is the order of magnitude — D. Wright, UCS, 2017.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tocsin.earth.geodesic import geodesic_direct, geodesic_inverse
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import ecef_to_geodetic, geodetic_to_ecef
from tocsin.flight import LaunchPlan, Phase, get_vehicle, load_vehicles, propagate
from tocsin.flight.targeting import BallisticSolution, aim_ballistic

ICBM = get_vehicle("icbm-solid-3")
# A Minuteman III base (F. E. Warren AFB, Wyoming), polar route due north.
WARREN = (math.radians(41.13), math.radians(-104.87))


def _miss_m(sol: BallisticSolution) -> float:
    """Miss of the solution's plan flown again, by geodesic from its impact to the target."""
    s = propagate([sol.plan]).summary
    lat, lon, _ = ecef_to_geodetic(s.impact_r_ecef_m[0])
    return float(geodesic_inverse(lat, lon, sol.target_lat_rad, sol.target_lon_rad)[0])


def _range_m(plans: list[LaunchPlan], earth: EarthModel | None = None) -> np.ndarray:
    """Geodesic ground range (m) from launch to simulated impact of each plan."""
    s = propagate(plans, earth=earth).summary
    assert np.all(s.impacted)
    lat, lon, _ = ecef_to_geodetic(s.impact_r_ecef_m)
    return np.array([float(geodesic_inverse(p.lat_rad, p.lon_rad, la, lo)[0])
                     for p, la, lo in zip(plans, lat, lon, strict=True)])


@pytest.fixture(scope="module")
def icbm_10000km() -> BallisticSolution:
    tlat, tlon, _ = geodesic_direct(*WARREN, 0.0, 10_000e3)
    return aim_ballistic(ICBM, *WARREN, float(tlat), float(tlon))


def test_icbm_10000km_hits(icbm_10000km: BallisticSolution) -> None:
    assert icbm_10000km.ground_range_m == pytest.approx(10_000e3, abs=1_000.0)
    assert _miss_m(icbm_10000km) < 1_000.0


def test_icbm_10000km_flight_time_about_30_min(icbm_10000km: BallisticSolution) -> None:
    # ICBM flight ~30 min (von Hippel, Princeton SGS, 2020).
    t_min = float(icbm_10000km.summary.flight_time_s[0]) / 60.0
    assert 25.0 <= t_min <= 35.0


def test_icbm_10000km_apogee_like_minuteman(icbm_10000km: BallisticSolution) -> None:
    # Minuteman III apogee about 1,120 km at a range over 9,656 km (USAF via space.com, 2010).
    apogee_km = float(icbm_10000km.summary.apogee_alt_m[0]) / 1e3
    assert 1_100.0 <= apogee_km <= 1_300.0


def test_icbm_10000km_boost_time(icbm_10000km: BallisticSolution) -> None:
    # Boost 3–5 min (MDA "BMD Basics"); solid ICBM ~170 s (IEEE Spectrum, March 2005).
    s = icbm_10000km.summary
    boost_s = float(s.burnout_time_s[0] - s.launch_time_s[0])
    assert 170.0 <= boost_s <= 300.0


@pytest.mark.parametrize(
    "name", sorted(n for n, v in load_vehicles().items() if v.category in ("icbm", "slbm")))
def test_boost_lasts_170_to_300_s(name: str) -> None:
    # Boost phase 3–5 min — MDA "BMD Basics" (2009); solid ICBM ~170 s, liquid ~250 s — IEEE
    # Spectrum, March 2005. (Both sources are about long-range missiles; shorter-range classes
    # burn for less and are not held to this band.)
    v = get_vehicle(name)
    s = propagate([LaunchPlan(v, WARREN[0], WARREN[1], 0.0, math.radians(60.0))]).summary
    boost_s = float(s.burnout_time_s[0] - s.launch_time_s[0])
    assert boost_s == pytest.approx(v.burn_time_s, abs=1e-6)
    assert 170.0 <= boost_s <= 300.0


# --------------------------------------------------------------------------------------------
# Earth rotation
# --------------------------------------------------------------------------------------------

PITCH_EW = math.radians(70.0)  # ~10,000 km on a non-rotating Earth with a full burn


@pytest.fixture(scope="module")
def east_west_ranges() -> dict[float, tuple[float, float, float, float]]:
    """Per launch latitude: (east, west) with rotation, then (east, west) without it, metres."""
    out = {}
    for lat_deg in (0.0, 40.0):
        lat = math.radians(lat_deg)
        plans = [LaunchPlan(ICBM, lat, math.radians(20.0), az, PITCH_EW)
                 for az in (math.pi / 2, 3 * math.pi / 2)]
        e, w = _range_m(plans)
        e0, w0 = _range_m(plans, EarthModel(rotation=False))
        out[lat_deg] = (float(e), float(w), float(e0), float(w0))
    return out


@pytest.mark.parametrize("lat_deg", [0.0, 40.0])
def test_east_flies_further_than_west(east_west_ranges: dict, lat_deg: float) -> None:
    # Wright (UCS, 2017): the same burnout velocity goes ±15–20% further/shorter at 10,000 km
    # east/west. Bounds: each direction changes by 5–30% of the non-rotating range, and the
    # east/west ratio lies between 1.1 and 2.
    e, w, e0, w0 = east_west_ranges[lat_deg]
    assert 9_000e3 < e0 < 11_000e3
    assert e0 == pytest.approx(w0, rel=1e-3)  # without rotation the two are mirror images
    assert 1.05 * e0 < e < 1.30 * e0
    assert 0.70 * w0 < w < 0.95 * w0
    assert 1.1 < e / w < 2.0


def test_rotation_effect_largest_at_equator(east_west_ranges: dict) -> None:
    # The ground moves at ω R cos(lat): 465 m/s at the equator, 356 m/s at 40°.
    e_eq, w_eq, _, _ = east_west_ranges[0.0]
    e_40, w_40, _, _ = east_west_ranges[40.0]
    assert e_eq / w_eq > e_40 / w_40


@pytest.mark.parametrize("lat_deg", [0.0, 40.0])
@pytest.mark.parametrize("az_deg", [90.0, 270.0])
def test_aim_hits_east_and_west(lat_deg: float, az_deg: float) -> None:
    lat, lon = math.radians(lat_deg), math.radians(20.0)
    tlat, tlon, _ = geodesic_direct(lat, lon, math.radians(az_deg), 8_000e3)
    sol = aim_ballistic(ICBM, lat, lon, float(tlat), float(tlon))
    assert _miss_m(sol) < 1_000.0
    assert sol.miss_distance_m < 1_000.0


# --------------------------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["icbm-solid-3", "sounding-4"])
def test_phases_in_order(name: str) -> None:
    v = get_vehicle(name)
    t_launch = 60.0
    plan = LaunchPlan(v, math.radians(41.0), math.radians(-104.0), 0.3, math.radians(45.0),
                      launch_time_s=t_launch)
    s = propagate([plan]).summary
    t_impact = float(s.impact_time_s[0])
    t = np.arange(0.0, t_impact + 120.0, 2.0)
    res = propagate([plan], t)
    ph = res.samples.phase[0]
    burning = res.samples.burning[0]
    order = [Phase.PRELAUNCH, Phase.BOOST, Phase.MIDCOURSE, Phase.REENTRY, Phase.GROUND]
    # Every phase appears, in order, each once as a contiguous run.
    runs = [int(p) for i, p in enumerate(ph) if i == 0 or ph[i - 1] != p]
    assert runs == [int(p) for p in order]
    # Phase boundaries at launch, burnout and impact.
    t_bo = float(s.burnout_time_s[0])
    np.testing.assert_array_equal(ph == Phase.PRELAUNCH, t < t_launch)
    np.testing.assert_array_equal(ph == Phase.BOOST, (t >= t_launch) & (t < t_bo))
    np.testing.assert_array_equal(ph == Phase.GROUND, t > t_impact)
    # Burning only during boost, and during most of it.
    assert not np.any(burning & (ph != Phase.BOOST))
    assert burning.sum() >= 0.5 * (ph == Phase.BOOST).sum()
    if any(st.coast_before_s > 0 for st in v.stages):
        assert np.any(~burning & (ph == Phase.BOOST))  # coasts between stages
    else:
        np.testing.assert_array_equal(burning, ph == Phase.BOOST)
    # Reentry is below 100 km on the way down; the pad and impact point hold still.
    r = res.samples.r_ecef_m[0]
    _, _, alt = ecef_to_geodetic(r)
    radial_v = np.einsum("ij,ij->i", r, res.samples.v_ecef_m_s[0])
    re = ph == Phase.REENTRY
    assert np.all(alt[re] < 100e3 + 1.0) and np.all(radial_v[re] < 0)
    pad = geodetic_to_ecef(plan.lat_rad, plan.lon_rad, 0.0)
    np.testing.assert_allclose(r[ph == Phase.PRELAUNCH], np.broadcast_to(pad, (int(
        (ph == Phase.PRELAUNCH).sum()), 3)), atol=1e-6)
    np.testing.assert_allclose(r[ph == Phase.GROUND] - s.impact_r_ecef_m[0], 0.0, atol=1e-6)
